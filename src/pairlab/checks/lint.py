"""`lint-clean`: ruff, which reads .ipynb natively, finds nothing; findings point at cells."""

from __future__ import annotations

import json
import shlex
import shutil
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from pairlab import _process
from pairlab.checks._model import Check, Context, Param, Result, errored, failed, passed
from pairlab.checks._registry import register
from pairlab.errors import and_more

SHOWN = 3  # findings spelled out in the message; the rest are in details


@cache
def ruff_binary() -> str:
    """Return the ruff executable installed with pairlab (its wheel ships the binary)."""
    try:
        from ruff.__main__ import find_ruff_bin

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("ruff") or "ruff"


def _finding(diag: dict[str, Any], cell_ids: list[str]) -> dict[str, Any]:
    """Turn one ruff diagnostic into {cell, line, code, message}."""
    number = diag.get("cell")  # ruff numbers every cell from 1, markdown and raw included
    cell = cell_ids[number - 1] if isinstance(number, int) and 0 < number <= len(cell_ids) else ""
    return {
        "cell": cell,
        "line": (diag.get("location") or {}).get("row"),
        "code": diag.get("code") or "syntax",
        "message": diag.get("message", ""),
    }


def _summary(findings: list[dict[str, Any]], label: Callable[[str], str]) -> str:
    """Return the first findings as one readable sentence, naming cells as a learner sees them."""
    shown = "; ".join(
        f"{label(f['cell'])} line {f['line']}: {f['code']} {f['message']}" for f in findings[:SHOWN]
    )
    return shown + and_more(len(findings), SHOWN)


def _as_python(path: Path) -> str:
    """Return the notebook's JSON with its language set to Python.

    JupyterLab saves `language_info: {"name": ""}` until a kernel has started, and ruff
    silently skips a notebook whose language is not Python: the check would pass unread.
    The check runs only on notebooks whose kernel speaks Python, so saying so is true.
    """
    text = path.read_text(encoding="utf-8")
    raw = json.loads(text)
    meta = raw.get("metadata") if isinstance(raw, dict) else None
    if not isinstance(meta, dict):
        return text  # not a shape ruff can read either; let ruff say so
    info = meta.get("language_info")
    meta["language_info"] = {**(info if isinstance(info, dict) else {}), "name": "python"}
    return json.dumps(raw)


def check_lint(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Run `ruff check` on the notebook with the project's ruff configuration."""
    # --stdin-filename keeps ruff's config discovery and per-file rules tied to the real path.
    argv = [ruff_binary(), "check", "--output-format=json", "--no-cache", "--quiet"]
    argv.append(f"--stdin-filename={ctx.path}")
    if args["select"]:
        argv.append("--select=" + ",".join(args["select"]))
    if args["ignore"]:
        argv.append("--ignore=" + ",".join(args["ignore"]))
    done = _process.run([*argv, "-"], cwd=ctx.folder, timeout=60, stdin=_as_python(ctx.path))
    if done.returncode not in (0, 1) or done.timed_out:
        return errored(f"ruff could not check the notebook: {done.tail(2)}")
    try:
        diagnostics = json.loads(done.stdout or "[]")
    except json.JSONDecodeError:
        return errored(f"ruff's report was not JSON: {done.stdout[:200]}")
    unplaced = [d for d in diagnostics if not isinstance(d.get("cell"), int)]
    if unplaced:  # ruff rejects the file as a whole, e.g. a field of the wrong type
        return errored(
            f"ruff cannot read this notebook: {unplaced[0].get('message', '')}; open and save it "
            "in JupyterLab, which rewrites it in the standard shape"
        )
    cell_ids = [c.id for c in ctx.notebook.cells]
    findings = [_finding(d, cell_ids) for d in diagnostics]
    if not findings:
        return passed("ruff finds nothing to fix")
    cells = tuple(dict.fromkeys(f["cell"] for f in findings if f["cell"]))
    shown = _summary(findings, ctx.notebook.label)
    name = shlex.quote(ctx.path.name)
    return failed(
        f"ruff finds {len(findings)} problem(s) in {len(cells)} cell(s): {shown}; "
        f"fix them, or let ruff fix the safe ones with `ruff check --fix {name}` "
        f"and then `jupytext --sync {name}` so a paired script follows",
        cells,
        tuple(findings),
    )


LINT_CLEAN = register(
    Check(
        id="lint-clean",
        title="ruff finds no problems in the notebook",
        func=check_lint,
        python_only=True,
        params={
            "select": Param("strings", [], "ruff rule codes to check instead of the project's"),
            "ignore": Param("strings", [], "ruff rule codes to leave out"),
        },
    )
)
