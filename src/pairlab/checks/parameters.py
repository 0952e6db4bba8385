"""`has-parameters`: one cell tagged `parameters` sets the run's inputs, as plain literals."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

from pairlab.checks._model import Check, Context, Param, Result, failed, passed
from pairlab.checks._registry import register
from pairlab.notebook import python_source

TAG = "parameters"
HOW_TO_TAG = (
    "select the cell that sets your inputs and add the tag `parameters` "
    "(JupyterLab: the gear icon, Property Inspector > Cell Tags)"
)


def _literal_names(tree: ast.Module) -> tuple[list[str], list[int]]:
    """Return the names assigned and the lines of statements that are not literal assignments."""
    names: list[str] = []
    bad: list[int] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets):
            targets, value = [t.id for t in stmt.targets if isinstance(t, ast.Name)], stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
            targets, value = [stmt.target.id], stmt.value
        else:
            bad.append(stmt.lineno)
            continue
        try:
            ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError, RecursionError):  # not a plain literal
            bad.append(stmt.lineno)
            continue
        names += targets
    return names, bad


def check_parameters(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Pass when exactly one cell is tagged and it only assigns literals (numbers, strings...)."""
    tagged = [c for c in ctx.notebook.code_cells if TAG in c.tags]
    if not tagged:
        return failed(
            f"no code cell is tagged `{TAG}`, so papermill cannot inject values: {HOW_TO_TAG}"
        )
    if len(tagged) > 1:
        return failed(
            f"{len(tagged)} cells are tagged `{TAG}` ({', '.join(c.label for c in tagged)}); "
            "keep the tag on one cell only",
            tuple(c.id for c in tagged),
        )
    cell = tagged[0]
    source = python_source(cell) or ""
    try:
        names, bad = _literal_names(ast.parse(source))
    except SyntaxError as exc:
        return failed(
            f"the parameters cell, {cell.label}, does not parse (line {exc.lineno}: {exc.msg})",
            (cell.id,),
        )
    if bad:
        return failed(
            f"the parameters cell, {cell.label}, does more than assign literals (line {bad[0]}); "
            "keep only "
            'lines like `region = "north"` there and move computations to a later cell',
            (cell.id,),
        )
    if not names:
        return failed(
            f"the parameters cell, {cell.label}, sets nothing; assign your inputs there",
            (cell.id,),
        )
    missing = [n for n in args["names"] if n not in names]
    if missing:
        return failed(
            f"the parameters cell, {cell.label}, does not set {', '.join(missing)}; add it with "
            "a default value",
            (cell.id,),
        )
    return passed(f"the parameters cell sets {', '.join(names)}")


HAS_PARAMETERS = register(
    Check(
        id="has-parameters",
        title="A cell tagged `parameters` sets the inputs",
        func=check_parameters,
        python_only=True,
        params={"names": Param("strings", [], "parameter names the cell must set")},
    )
)
