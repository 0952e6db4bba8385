"""`paired`: jupytext pairs the notebook with a text file, and the two say the same thing."""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pairlab.checks._model import Check, Context, Result, errored, failed, passed
from pairlab.checks._registry import register

HOW_TO_PAIR = "pair it with `jupytext --set-formats ipynb,{ext}:percent {name}`"


def how_to_pair(ctx: Context) -> str:
    """Return the pairing command for this notebook's kernel language, its name shell-quoted."""
    from jupytext.languages import _SCRIPT_EXTENSIONS, same_language

    language = ctx.notebook.language
    ext = next(
        (e for e, v in _SCRIPT_EXTENSIONS.items() if same_language(language, v["language"])),
        ".py" if ctx.notebook.is_python else None,
    )
    if ext is None:
        return f"jupytext has no script format for '{language}' notebooks; pair it by hand"
    return HOW_TO_PAIR.format(ext=ext.lstrip("."), name=shlex.quote(ctx.path.name))


def _formats(ctx: Context) -> list[dict[str, str]] | None:
    """Return the paired formats from the notebook's metadata, else from a jupytext config."""
    # jupytext (and through it nbformat) is imported here only: it costs a second when cold.
    from jupytext.config import load_jupytext_config, notebook_formats

    # jupytext's own reading: `auto:percent` (what JupyterLab's "Pair with percent script"
    # writes) becomes the kernel language's script extension, from the notebook's metadata.
    config = load_jupytext_config(str(ctx.path))
    found = notebook_formats({"metadata": ctx.notebook.metadata}, config, str(ctx.path), False)
    return found or None


def _cells(sources: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Return (type, stripped source) of non-blank cells; blank lines are not content."""
    return [(kind, text.strip()) for kind, text in sources if text.strip()]


# The common pairing, ipynb + py:percent, is read here without importing jupytext (a second
# when cold). This reader only ever confirms a pair; whatever it is unsure of goes to jupytext.
_MARKER = re.compile(r"^# %%(?:\s+\[(markdown|md|raw)\])?(?:\s.*)?$")


def _percent_twin(ctx: Context) -> Path | None:
    """Return the .py twin when the metadata pairs exactly ipynb with a Python percent script."""
    meta = ctx.notebook.metadata.get("jupytext")
    formats = meta.get("formats") if isinstance(meta, dict) else None
    if not isinstance(formats, str):
        return None
    pair = sorted(formats.replace(" ", "").split(","))
    if pair == ["ipynb", "py:percent"] or (
        pair == ["auto:percent", "ipynb"] and ctx.notebook.is_python
    ):
        return ctx.path.with_suffix(".py")
    return None


def _percent_cells(text: str) -> list[tuple[str, str]] | None:
    """Return the (type, source) cells of a py:percent script, or None if unsure."""
    lines = text.split("\n")
    if lines[0] == "# ---":  # jupytext's YAML header
        lines = lines[lines.index("# ---", 1) + 1 :] if "# ---" in lines[1:] else []
    cells: list[tuple[str, list[str]]] = []
    for line in lines:
        marker = _MARKER.match(line)
        if marker:
            kind = {"md": "markdown", None: "code"}.get(marker.group(1), marker.group(1))
            cells.append((kind, []))
        elif not cells:
            if line.strip():
                return None  # text before the first cell marker
        elif cells[-1][0] != "code":
            if line and not line.startswith("#"):
                return None
            cells[-1][1].append(line[2:] if line.startswith("# ") else line[1:])
        elif line.startswith(("# %", "# !", "# ?")):
            return None  # a commented-out magic: jupytext knows how to read it back
        else:
            cells[-1][1].append(line)
    return _cells([(kind, "\n".join(body)) for kind, body in cells])


def _fast_pass(ctx: Context) -> Result | None:
    """Return a pass when a py:percent twin plainly holds the notebook's cells, else None."""
    twin = _percent_twin(ctx)
    if twin is None or not twin.is_file():
        return None
    if not twin.resolve().is_relative_to(ctx.project.resolve()):
        return None
    try:
        theirs = _percent_cells(twin.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    if theirs != _cells([(c.type, c.source) for c in ctx.notebook.cells]):
        return None
    return passed(f"paired with {twin.name}, all in sync")


def _compare(ctx: Context, twin: Path, fmt: dict[str, str]) -> Result:
    """Compare the notebook's cells with those jupytext reads from the paired file."""
    import jupytext

    text_nb = jupytext.read(str(twin), fmt=fmt)
    ours = _cells([(c.type, c.source) for c in ctx.notebook.cells])
    theirs = _cells([(c.cell_type, c.source) for c in text_nb.cells])
    if ours == theirs:
        return passed(f"paired with {twin.name}, and both hold the same cells")
    ids = [c.id for c in ctx.notebook.cells if c.source.strip()]
    first = next(
        (i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b),
        min(len(ours), len(theirs)),
    )
    cells = (ids[first],) if first < len(ids) else ()
    newer = twin.name if twin.stat().st_mtime > ctx.path.stat().st_mtime else ctx.path.name
    where = ctx.notebook.label(ids[first]) if cells else "the end of the notebook"
    return failed(
        f"{twin.name} is out of sync with the notebook from {where} on; run "
        f"`jupytext --sync {shlex.quote(ctx.path.name)}`, which keeps the file edited last "
        f"({newer})",
        cells,
    )


def check_paired(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Pass when pairing is configured and every paired text file holds the notebook's cells."""
    fast = _fast_pass(ctx)
    if fast is not None:
        return fast
    from jupytext.paired_paths import InconsistentPath, paired_paths

    try:
        formats = _formats(ctx)
        pairs = paired_paths(str(ctx.path), {"extension": ".ipynb"}, formats) if formats else []
    except (InconsistentPath, ValueError, OSError) as exc:
        return errored(f"the jupytext pairing cannot be resolved: {exc}")
    twins = [(Path(p), fmt) for p, fmt in pairs if Path(p) != ctx.path]
    if not twins:
        return failed(f"the notebook is not paired with a script; {how_to_pair(ctx)}")
    for twin, fmt in twins:
        if not twin.resolve().is_relative_to(ctx.project.resolve()):
            return errored(f"the paired file {twin.name} lies outside the project; keep it inside")
        if not twin.is_file():
            return failed(
                f"the notebook is paired with {twin.name}, which does not exist; "
                f"create it with `jupytext --sync {shlex.quote(ctx.path.name)}`"
            )
        result = _compare(ctx, twin, fmt)
        if result.status != "pass":
            return result
    return passed(f"paired with {', '.join(t.name for t, _ in twins)}, all in sync")


PAIRED = register(
    Check(
        id="paired",
        title="The notebook is paired with a script, in sync",
        func=check_paired,
    )
)
