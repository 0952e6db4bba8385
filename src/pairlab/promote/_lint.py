"""The product's lint, before anything runs: what ruff finds in the analyst's code, and the fix.

The product's CI runs `ruff check .`: code moved from the notebook that ruff rejects would fail
it. Promotion stops (nothing written) naming the notebook cell, the line and the fix; with
`--fix`, ruff's safe fixes are applied first and each one is listed as a change.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pairlab import _process
from pairlab.checks.lint import ruff_binary
from pairlab.promote._model import Analysis, PromoteError, label
from pairlab.promote._nbfile import percent_script

# What to do for rules ruff cannot fix safely, in words an analyst can follow.
ADVICE = {
    "B905": "pass `strict=True` to zip() (`strict=False` if the lengths may differ on purpose)",
    "E501": "break the line under 100 characters (a long string: split it inside parentheses "
    "or use triple quotes)",
    "E711": "compare with `is None` / `is not None`",
    "E712": "test the value itself (`if flag:`), or `flag is True`",
    "E722": "catch the exception you expect, e.g. `except ValueError:`",
    "E731": "define the lambda as a function with `def`",
    "E741": "rename the variable `l`, `O` or `I` to a word",
    "F841": "delete the assignment, or use the variable",
    "F821": "define the name before it is used, or import it",
    "F811": "delete the earlier definition or import of the same name",
    "B006": "default to None and create the list or dict inside the function",
    "B008": "call it inside the function, not in the default value",
}


@dataclass(frozen=True)
class Finding:
    """One ruff finding in the product: where, which rule, what, and how ruff could fix it."""

    path: str  # relative to the product, POSIX
    row: int
    cell: int | None  # 1-based, all cells counted, for a notebook
    code: str
    message: str
    fix: str  # ruff's fix message, or ""
    safe: bool


def findings(product: Path, paths: tuple[str, ...] = (".",)) -> list[Finding]:
    """Return what `ruff check` finds in the product, with the product's own settings."""
    argv = [ruff_binary(), "check", "--no-cache", "--output-format", "json", *paths]
    done = _process.run(argv, cwd=product)
    try:
        raw: list[dict[str, Any]] = json.loads(done.stdout or "[]")
    except ValueError:
        raw = []
    found = []
    for item in raw:
        fix = item.get("fix") or {}
        rel = Path(item["filename"]).resolve().relative_to(product.resolve()).as_posix()
        found.append(
            Finding(
                rel,
                int((item.get("location") or {}).get("row") or 0),
                item.get("cell"),
                str(item.get("code") or "syntax"),
                str(item.get("message", "")),
                str(fix.get("message") or ""),
                fix.get("applicability") == "safe",
            )
        )
    return sorted(found, key=lambda f: (f.path, f.cell or 0, f.row, f.code))


def advice(finding: Finding) -> str:
    """Return the fix for a finding, in words."""
    if finding.safe:
        return f"pass --fix to apply ruff's safe fix ({finding.fix.rstrip('.')})"
    if finding.code in ADVICE:
        return ADVICE[finding.code]
    if finding.fix:
        return f"{finding.fix[0].lower()}{finding.fix[1:]} (ruff's fix, not applied for you)"
    return f"see `ruff rule {finding.code}`"


def _enclosing(path: Path, row: int) -> str:
    """Return the top-level function of a module holding line `row`, or ''."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return ""
    funcs = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    return next((n.name for n in funcs if n.lineno <= row <= (n.end_lineno or n.lineno)), "")


def where(finding: Finding, product: Path, analysis: Analysis | None = None) -> str:
    """Return where a finding is, in the product and, when known, in the analyst's notebook."""
    place = f"{finding.path} line {finding.row}"
    if finding.cell is not None:
        place = f"{finding.path} cell {finding.cell} line {finding.row}"
        cell_id = _cell_id(product / finding.path, finding.cell)
        cells = {c.id: c for c in analysis.cells} if analysis else {}
        if cell_id in cells:
            place += f" (your notebook's {label(cells[cell_id])})"
        return place
    func = _enclosing(product / finding.path, finding.row)
    if func and analysis and func in analysis.functions:
        place += f" (`{func}`, from your notebook's {label(analysis.functions[func].cell)})"
    elif func:
        place += f" (`{func}`)"
    return place


def _cell_id(notebook: Path, number: int) -> str:
    """Return the id of a notebook's `number`th cell (1-based), or ''."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        return str(cells[number - 1].get("id", ""))
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return ""


def describe(found: list[Finding], product: Path, analysis: Analysis | None = None) -> str:
    """Return one line on the first finding (and how many more), for a stop or a CI failure."""
    first = found[0]
    more = f" (and {len(found) - 1} more: `ruff check .` in the product lists them)"
    return (
        f"{where(first, product, analysis)}: {first.code} {first.message}"
        f"{more if len(found) > 1 else ''}"
    )


def apply_safe_fixes(product: Path, notebook: Path, analysis: Analysis | None = None) -> list[str]:
    """Apply ruff's safe fixes to the product's code; return each change, one line apiece."""
    before = {f: where(f, product, analysis) for f in findings(product) if f.safe}
    if not before:
        return []
    argv = [ruff_binary(), "check", "--fix", "--exit-zero", "--no-cache", "--quiet", "."]
    _process.run(argv, cwd=product)
    doc = json.loads(notebook.read_text(encoding="utf-8"))
    flat = [{**c, "source": "".join(c["source"])} for c in doc["cells"]]
    twin = notebook.with_suffix(".py")  # the pair stays in sync: written from the fixed cells
    twin.write_text(percent_script(flat, doc["metadata"].get("kernelspec")), encoding="utf-8")
    left = {(f.path, f.cell, f.row, f.code) for f in findings(product)}
    return [
        f"{place}: {f.code} fixed by ruff ({f.fix.rstrip('.')})"
        for f, place in before.items()
        if (f.path, f.cell, f.row, f.code) not in left
    ]


def gate(product: Path, notebook: Path, analysis: Analysis, fix: bool) -> None:
    """Stop when the product's `ruff check .` would fail; with `fix`, apply safe fixes first."""
    if fix:
        analysis.changes += apply_safe_fixes(product, notebook, analysis)
    found = findings(product)
    if found:
        then = "" if found[0].safe else " in your code, then promote again"
        raise PromoteError(
            f"the product's CI (`ruff check .`) would fail: {describe(found, product, analysis)}",
            advice(found[0]) + then,
        )
