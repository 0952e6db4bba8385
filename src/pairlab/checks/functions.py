"""`uses-functions`: the notebook's logic lives in functions; cells call them and show results.

The rule, over the code cells (IPython magics ignored, cells that do not parse skipped):

1. At least `min_functions` functions (default 1) are defined with `def` at the top level of a
   cell, or imported from the project's own code (a module or package in the project folder
   or its `src/`; relative imports count too).
2. No cell holds more than `max_logic_lines` lines (default 4) of top-level logic. Everything
   at the top level is logic except: imports; `def` and `class`; a bare expression (a call, or
   a value to display); `assert` and `pass`; and an assignment whose value is a literal, a
   name, or a call of a plain or dotted name with plain arguments (`df = load(path)`).
   So loops, `if`, `with`, `try`, `+=`, and assignments that compute
   (`df = df[df.sales > 0]`, `total = df.groupby("region").sum()`) are logic.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pairlab.checks._model import Check, Context, Param, Result, failed, passed
from pairlab.checks._notebook import python_source
from pairlab.checks._registry import register

_ALWAYS_FINE = (
    ast.Import,
    ast.ImportFrom,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Expr,
    ast.Assert,
    ast.Pass,
)


def _is_plain(node: ast.expr) -> bool:
    """Return whether `node` is a literal, a name or a dotted name."""
    if isinstance(node, ast.Attribute):
        return _is_plain(node.value)
    if isinstance(node, ast.Name | ast.Constant):
        return True
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):  # not a plain literal
        return False
    return True


def _is_plain_call(node: ast.expr) -> bool:
    """Return whether `node` calls a plain name with plain arguments, or is itself plain."""
    if not isinstance(node, ast.Call):
        return _is_plain(node)
    if not isinstance(node.func, ast.Name | ast.Attribute) or not _is_plain(node.func):
        return False
    args = [*node.args, *(k.value for k in node.keywords)]
    return all(_is_plain(a.value if isinstance(a, ast.Starred) else a) for a in args)


def _logic_lines(tree: ast.Module) -> int:
    """Return how many lines of top-level logic the cell holds."""
    lines = 0
    for stmt in tree.body:
        if isinstance(stmt, _ALWAYS_FINE):
            continue
        if isinstance(stmt, ast.Assign | ast.AnnAssign) and (
            stmt.value is None or _is_plain_call(stmt.value)
        ):
            continue
        lines += (stmt.end_lineno or stmt.lineno) - stmt.lineno + 1
    return lines


def _is_local(module: str, project: Path) -> bool:
    """Return whether `module` is the project's own code rather than a library."""
    top = module.split(".")[0]
    return any(
        (base / top).is_dir() or (base / f"{top}.py").is_file()
        for base in (project, project / "src")
    )


def _functions(tree: ast.Module, project: Path) -> int:
    """Return the functions the cell defines or imports from the project's own code."""
    count = 0
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            count += 1
        elif isinstance(stmt, ast.ImportFrom) and (
            stmt.level > 0 or _is_local(stmt.module or "", project)
        ):
            count += len(stmt.names)
        elif isinstance(stmt, ast.Import):
            count += sum(_is_local(alias.name, project) for alias in stmt.names)
    return count


def check_uses_functions(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Apply the module's rule: enough functions, and no cell with long top-level logic."""
    functions, long_cells = 0, []
    for cell in ctx.notebook.code_cells:
        source = python_source(cell)
        try:
            tree = ast.parse(source or "")
        except SyntaxError:
            continue  # lint-clean reports syntax errors; here the cell simply does not count
        functions += _functions(tree, ctx.project)
        if _logic_lines(tree) > args["max_logic_lines"]:
            long_cells.append(cell.id)
    if functions < args["min_functions"]:
        return failed(
            f"the notebook defines {functions} function(s), fewer than {args['min_functions']}: "
            "wrap a step of your analysis in `def name(inputs): ... return result` and call it"
        )
    if long_cells:
        return failed(
            f"{len(long_cells)} cell(s) hold more than {args['max_logic_lines']} lines of "
            "top-level logic (loops, ifs, computed assignments); move that logic into functions "
            "and leave the cell a call, e.g. `summary = summarize(sales)`",
            tuple(long_cells),
        )
    return passed(f"{functions} function(s), and every cell's top level is short")


USES_FUNCTIONS = register(
    Check(
        id="uses-functions",
        title="Logic lives in functions; cells call them",
        func=check_uses_functions,
        python_only=True,
        params={
            "min_functions": Param("int", 1, "functions the notebook must define or import"),
            "max_logic_lines": Param("int", 4, "lines of top-level logic a cell may hold"),
        },
    )
)
