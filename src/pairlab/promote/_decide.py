"""The decision table of stage 1: for each cell, what it becomes and why; and the flags."""

from __future__ import annotations

import ast

from pairlab.notebook import Cell
from pairlab.promote._model import Analysis, Decision, PromoteError, is_plot, label


def _lines(node: ast.stmt) -> set[int]:
    """Return the 1-based lines a statement spans, decorators included."""
    decorators = getattr(node, "decorator_list", [])
    start = min([node.lineno] + [d.lineno for d in decorators])
    return set(range(start, (node.end_lineno or node.lineno) + 1))


def _exported_lines(analysis: Analysis, cell: Cell) -> set[int]:
    """Return the lines of `cell` that end up in a module."""
    lines: set[int] = set()
    for func in analysis.functions.values():
        if func.cell.id == cell.id:
            lines |= _lines(func.node)
    for stmt in analysis.pipeline:
        if stmt.cell.id == cell.id:
            lines |= _lines(stmt.node)
    return lines


def _local_imports(analysis: Analysis, cell: Cell) -> list[str]:
    """Return the notebook's own modules the cell imports, sorted."""
    tree = analysis.trees[cell.id]
    imported = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    names = {
        a.name if isinstance(n, ast.Import) else n.module or "" for n in imported for a in n.names
    }
    return sorted(names & set(analysis.local_modules))


def _exported_parts(analysis: Analysis, cell: Cell) -> tuple[str, str] | None:
    """Return (becomes, why) for what of a cell goes into a module, or None."""
    funcs = [f.name for f in analysis.functions.values() if f.cell.id == cell.id]
    steps = [s for s in analysis.pipeline if s.cell.id == cell.id]
    used = set().union(*(f.globals for f in analysis.functions.values()))
    stored = {n for s in analysis.statements if s.cell.id == cell.id for n in s.stores}
    consts = sorted(stored & used & set(analysis.constants))
    local = _local_imports(analysis, cell)
    found = [
        (
            local,
            f"package modules {', '.join(m + '.py' for m in local)}",
            "imports the notebook's own modules",
        ),
        (consts, f"transform.py constant {', '.join(consts)}", "read by the functions"),
        (
            funcs,
            f"transform.py: {', '.join(funcs)}",
            "tagged `export`" if "export" in cell.tags else "defines functions",
        ),
        (steps, "steps of pipeline.run()", f"builds the result `{analysis.output}`"),
    ]
    kept = [(part, why) for present, part, why in found if present]
    if not kept:
        return None
    return " + ".join(part for part, _ in kept), "; ".join(why for _, why in kept)


def _code_decision(analysis: Analysis, cell: Cell) -> tuple[str, str]:
    """Return (becomes, why) for a code cell."""
    cleaned = analysis.cleaned[cell.id]
    if cleaned.magic_cell:
        return "stays in the notebook", f"%%{cleaned.magic_cell} runs outside Python"
    if "parameters" in cell.tags:
        names = ", ".join(analysis.parameters) or "none"
        return "parameters of pipeline.run()", f"tagged `parameters` ({names})"
    exported = _exported_parts(analysis, cell)
    if exported:
        return exported
    tree = analysis.trees[cell.id]
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    copies = [n.name for n in defs if n.name in analysis.functions]
    if copies and len(copies) == len(tree.body):
        kept = label(analysis.functions[copies[0]].cell)
        return "dropped from the notebook", f"a pasted copy of `{copies[0]}`; {kept} is kept"
    if cleaned.dependencies and all(isinstance(n, ast.Pass) for n in tree.body):
        return "dropped from the notebook", "installs packages: now pyproject dependencies"
    if tree.body and all(type(n).__name__ in ("Import", "ImportFrom") for n in tree.body):
        return "imports of the modules that use them", "imports only"
    if is_plot(cell.source):
        return "stays in the notebook", "draws a chart: for people, not the package"
    if cell.is_blank:
        return "dropped", "empty"
    return "stays in the notebook", f"exploration: `{analysis.output}` does not need it"


def decide(analysis: Analysis) -> None:
    """Fill the decision table and flags; stop on IPython code that must go into a module."""
    for cell in analysis.cells:
        if cell.type != "code":
            analysis.decisions.append(Decision(label(cell), "stays in the notebook", cell.type))
            continue
        cleaned = analysis.cleaned[cell.id]
        exported = _exported_lines(analysis, cell)
        if cleaned.blockers and exported & cleaned.dropped_lines:
            raise PromoteError(f"{label(cell)}: {cleaned.blockers[0]}", "then promote again")
        for blocker in cleaned.blockers:
            analysis.flags.append(f"{label(cell)}: {blocker} (it stays in the notebook only)")
        analysis.flags += [f"{label(cell)}: {note}" for note in cleaned.notes]
        becomes, why = _code_decision(analysis, cell)
        analysis.decisions.append(Decision(label(cell), becomes, why))
    for test in analysis.tests:
        analysis.decisions.append(
            Decision(test.source.name, f"product {test.target}", "the pair's test of this code")
        )


def format_table(analysis: Analysis) -> str:
    """Return the decision table and the flags as text for a terminal."""
    width = max([len(d.becomes) for d in analysis.decisions] + [7])
    lines = [f"{'cell':<8} {'becomes':<{width}}  why"]
    lines += [f"{d.cell:<8} {d.becomes:<{width}}  {d.why}" for d in analysis.decisions]
    lines += [f"! {flag}" for flag in analysis.flags]
    lines += [f"~ changed: {change}" for change in analysis.changes]
    return "\n".join(lines)
