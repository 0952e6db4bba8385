"""`cells-ran`: the cells a step concerns ran, without error, and show what the step asks for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pairlab.checks._model import Check, Context, Param, Result, failed, passed
from pairlab.checks._registry import register
from pairlab.notebook import Cell

_TEXT_TYPES = ("text/plain", "text/html", "text/markdown")


def _text(output: dict[str, Any]) -> str:
    """Return what an output shows as text: a stream, a displayed value, or an error."""
    if output.get("output_type") == "stream":
        text = output.get("text", "")
    elif output.get("output_type") == "error":
        text = f"{output.get('ename', '')}: {output.get('evalue', '')}"
    else:
        data = output.get("data", {})
        text = "".join(_join(data.get(kind, "")) for kind in _TEXT_TYPES if kind in data)
    return _join(text)


def _join(text: Any) -> str:
    """Return notebook text that may be stored as a list of lines as one string."""
    return "".join(text) if isinstance(text, list) else str(text)


def _error(cell: Cell) -> str | None:
    """Return the cell's error as `Name: value`, or None when it ran cleanly."""
    for output in cell.outputs:
        if output.get("output_type") == "error":
            return _text(output)[:200]
    return None


def check_cells_ran(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Pass when every tagged code cell has run without an error and the outputs show `expect`."""
    tag = args["tag"]
    cells = [c for c in ctx.notebook.code_cells if not c.is_blank and (not tag or tag in c.tags)]
    what = f"the cells tagged `{tag}`" if tag else "the code cells"
    if not cells:
        return failed(f"no code cell is tagged `{tag}`; undo the deletion or re-add the tag")
    unrun = [c for c in cells if c.execution_count is None]
    if unrun:
        return failed(
            f"{len(unrun)} of {what} never ran (first: {unrun[0].label}); run them "
            "(Shift+Enter) and save",
            tuple(c.id for c in unrun),
        )
    for cell in cells:
        error = _error(cell)
        if error:
            return failed(
                f"{cell.label} stopped with {error}; fix it, run it again and save", (cell.id,)
            )
    shown = "\n".join(_text(o) for c in cells for o in c.outputs)
    missing = [text for text in args["expect"] if text not in shown]
    if missing:
        return failed(
            f"the output of {what} does not show {missing[0]!r} yet; finish the exercise, "
            "run it and save",
            tuple(c.id for c in cells),
        )
    return passed(f"{len(cells)} of {what} ran without error")


CELLS_RAN = register(
    Check(
        id="cells-ran",
        title="The step's cells ran without error",
        func=check_cells_ran,
        params={
            "tag": Param("str", "", "the cell tag to look at, e.g. step:connect; '' = all"),
            "expect": Param("strings", [], "texts the cells' outputs must show"),
        },
    )
)
