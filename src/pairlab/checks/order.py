"""`in-order`: the saved notebook shows a top-to-bottom run, so its state is what its cells say."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pairlab.checks._model import Check, Context, Param, Result, failed, passed
from pairlab.checks._registry import register

RESTART = (
    "restart the kernel and run all cells (Kernel > Restart Kernel and Run All Cells), then save"
)


def check_in_order(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Fail on counts that go down, skipped cells above a run one, or (optionally) gaps.

    The rule, over non-blank code cells from top to bottom: every cell above the last executed
    one has an execution count, and the counts strictly increase. With `consecutive = true`
    the counts must also be exactly 1, 2, 3...: a fresh kernel that ran each cell once.
    Blank code cells are ignored (running them leaves no count); cells below the last executed
    one may be unrun (work in progress).
    """
    cells = [c for c in ctx.notebook.code_cells if not c.is_blank]
    if not cells:
        return failed("the notebook has no code yet; write a code cell and run it")
    ran = [i for i, c in enumerate(cells) if c.execution_count is not None]
    if not ran:
        return failed(f"no code cell has run yet: {RESTART}")
    skipped = [c for c in cells[: ran[-1]] if c.execution_count is None]
    if skipped:
        return failed(
            f"{len(skipped)} code cell(s) above the last one you ran never ran (first: "
            f"{skipped[0].label}), so later cells may depend on state the notebook does not "
            f"show: {RESTART}",
            tuple(c.id for c in skipped),
        )
    counts = [c.execution_count or 0 for c in cells[: ran[-1] + 1]]
    for i in range(1, len(counts)):
        if counts[i] <= counts[i - 1]:
            return failed(
                f"{cells[i].label} ran as [{counts[i]}] after the code cell above it ran as "
                f"[{counts[i - 1]}]: cells were run out of order or run again; {RESTART}",
                (cells[i].id,),
            )
    if args["consecutive"] and counts != list(range(1, len(counts) + 1)):
        return failed(f"the counts are {_show(counts)}, not 1, 2, 3...: {RESTART}")
    return passed(f"{len(counts)} code cell(s) ran in order, top to bottom")


def _show(counts: list[int]) -> str:
    """Return the first few counts as text."""
    return ", ".join(map(str, counts[:6])) + (", ..." if len(counts) > 6 else "")


IN_ORDER = register(
    Check(
        id="in-order",
        title="Cells ran in order, top to bottom",
        func=check_in_order,
        params={
            "consecutive": Param(
                "bool", False, "true demands counts 1, 2, 3... (a fresh kernel, each cell once)"
            )
        },
    )
)
