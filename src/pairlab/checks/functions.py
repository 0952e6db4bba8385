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
3. Each function in `names` (default none) is defined (as in 1) and called somewhere in the
   notebook outside its own body: `name(...)`, or `module.name(...)`, which also counts as
   defining it when `module` is the project's own code. A name may carry its parameters,
   `claims_by_line(con, year)`, to show the learner the `def` line to write.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pairlab.checks._model import Check, Context, Param, Result, failed, passed
from pairlab.checks._registry import register
from pairlab.notebook import Cell, python_source

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


def _parse(cell: Cell) -> ast.Module | None:
    """Return the cell's syntax tree, or None when it does not parse (lint-clean reports it)."""
    try:
        return ast.parse(python_source(cell) or "")
    except SyntaxError:
        return None


@dataclass
class _Uses:
    """What the notebook defines, imports and calls, for the named-function rule."""

    defined: dict[str, tuple[Cell, str | None]] = field(default_factory=dict)  # cell, params
    modules: set[str] = field(default_factory=set)  # names bound to the project's own modules
    calls: set[tuple[str, str | None]] = field(default_factory=set)  # (name, module or None)


def _params(func: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """Return a call's argument list mirroring `func`'s parameters: `con, year`."""
    args = func.args
    names = [a.arg for a in (*args.posonlyargs, *args.args) if a.arg not in ("self", "cls")]
    return ", ".join([*names, *(f"{a.arg}={a.arg}" for a in args.kwonlyargs)])


def _bindings(cell: Cell, stmt: ast.stmt, uses: _Uses, project: Path) -> None:
    """Record what a top-level statement defines or imports."""
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
        uses.defined[stmt.name] = (cell, _params(stmt))
    elif isinstance(stmt, ast.ImportFrom) and (
        stmt.level > 0 or _is_local(stmt.module or "", project)
    ):
        uses.defined.update({a.asname or a.name: (cell, None) for a in stmt.names})
    elif isinstance(stmt, ast.Import):
        local = (a for a in stmt.names if _is_local(a.name, project))
        uses.modules.update(a.asname or a.name.split(".")[0] for a in local)


def _calls(stmt: ast.stmt) -> set[tuple[str, str | None]]:
    """Return the calls in a top-level statement; a function calling itself does not count."""
    own = stmt.name if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) else None
    found: set[tuple[str, str | None]] = set()
    for node in ast.walk(stmt):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id != own:
            found.add((func.id, None))
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            found.add((func.attr, func.value.id))
    return found


def _uses(trees: list[tuple[Cell, ast.Module]], project: Path) -> _Uses:
    """Return what the notebook's cells define, import and call."""
    uses = _Uses()
    for cell, tree in trees:
        for stmt in tree.body:
            _bindings(cell, stmt, uses, project)
            uses.calls |= _calls(stmt)
    return uses


def _named_problem(uses: _Uses, wanted: str) -> Result | None:
    """Return why the function `wanted` (maybe with its parameters) is missing or unused."""
    name, _, rest = wanted.partition("(")
    name = name.strip()
    via_module = any(n == name and m in uses.modules for n, m in uses.calls)
    if name not in uses.defined and not via_module:
        wanted_params = rest.rstrip(") ") if rest else "..."
        return failed(
            f"no cell defines `{name}`; write `def {name}({wanted_params}): ...` in a code cell, "
            "then call it"
        )
    if (name, None) in uses.calls or via_module:
        return None
    cell, params = uses.defined[name]
    how = "defined" if params is not None else "imported"
    return failed(
        f"`{name}` is {how} in {cell.label} but never called; call it, e.g. "
        f"`{name}({params or '...'})`, and show its result",
        (cell.id,),
    )


def check_uses_functions(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Apply the module's rule: enough functions, the named ones called, and short cells."""
    cells = ctx.notebook.code_cells
    trees = [(cell, tree) for cell in cells if (tree := _parse(cell)) is not None]
    if args["names"]:
        uses = _uses(trees, ctx.project)
        for wanted in args["names"]:
            problem = _named_problem(uses, wanted)
            if problem:
                return problem
    functions = sum(_functions(tree, ctx.project) for _, tree in trees)
    if functions < args["min_functions"]:
        return failed(
            f"the notebook defines {functions} function(s), fewer than {args['min_functions']}: "
            "wrap a step of your analysis in `def name(inputs): ... return result` and call it"
        )
    limit = args["max_logic_lines"]
    long_cells = [cell for cell, tree in trees if _logic_lines(tree) > limit]
    if long_cells:
        labels = "; ".join(c.label for c in long_cells[:3])
        more = f" and {len(long_cells) - 3} more" if len(long_cells) > 3 else ""
        return failed(
            f"{len(long_cells)} cell(s) hold more than {limit} lines of top-level logic "
            f"(loops, ifs, computed assignments): {labels}{more}; move that logic into "
            "functions and leave the cell a call, e.g. `summary = summarize(sales)`",
            tuple(c.id for c in long_cells),
        )
    named = "".join(f", `{n.partition('(')[0].strip()}` called" for n in args["names"])
    return passed(f"{functions} function(s){named}, and every cell's top level is short")


USES_FUNCTIONS = register(
    Check(
        id="uses-functions",
        title="Logic lives in functions; cells call them",
        func=check_uses_functions,
        python_only=True,
        params={
            "min_functions": Param("int", 1, "functions the notebook must define or import"),
            "max_logic_lines": Param("int", 4, "lines of top-level logic a cell may hold"),
            "names": Param(
                "strings",
                [],
                "functions that must be defined and called, e.g. claims_by_line(con, year)",
            ),
        },
    )
)
