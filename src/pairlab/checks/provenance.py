"""`built-from`: how a value was made, not only what it is (a notebook; Python; static).

`answers-match` proves a value right; it cannot tell `by_year` built from the function the
lesson is about from the same numbers counted another way, nor see a helper defined and never
used. This check reads the cells with `ast` (IPython magics blanked, cells that do not parse
skipped):

1. `values`: for each name, its last top-level assignment must call every listed function:
   in its own value, in the value of a notebook variable it reads (assigned before it, followed
   back), or inside a notebook function it calls (followed down).
2. `used`: each listed function is called by the code of the cells tagged `tag` (every cell
   when `tag` is empty), outside its own body.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pairlab.checks._model import Check, Context, Param, Result, errored, failed, passed
from pairlab.checks._registry import register
from pairlab.notebook import Cell, python_source

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass
class _Code:
    """The notebook's top-level statements in order, its functions and its assignments."""

    statements: list[tuple[Cell, ast.stmt]] = field(default_factory=list)
    functions: dict[str, tuple[Cell, ast.FunctionDef | ast.AsyncFunctionDef]] = field(
        default_factory=dict
    )


def _read(cells: Iterable[Cell]) -> _Code:
    """Return the code of the cells that parse, in notebook order."""
    code = _Code()
    for cell in cells:
        try:
            tree = ast.parse(python_source(cell) or "")
        except SyntaxError:  # lint-clean reports it
            continue
        for stmt in tree.body:
            code.statements.append((cell, stmt))
            if isinstance(stmt, _DEFS):
                code.functions[stmt.name] = (cell, stmt)
    return code


def _targets(stmt: ast.stmt) -> set[str]:
    """Return the names a top-level assignment binds."""
    if isinstance(stmt, ast.Assign):
        nodes: list[ast.expr] = list(stmt.targets)
    elif isinstance(stmt, ast.AnnAssign | ast.AugAssign):
        nodes = [stmt.target]
    else:
        return set()
    # `by_year[2024] = 53` changes a value, it does not make a new one: only names rebound.
    return {
        n.id
        for t in nodes
        for n in ast.walk(t)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }


def _called(node: ast.AST) -> set[str]:
    """Return the names of functions called in `node`: `f(...)` and `module.f(...)`."""
    found = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            if isinstance(sub.func, ast.Name):
                found.add(sub.func.id)
            elif isinstance(sub.func, ast.Attribute):
                found.add(sub.func.attr)
    return found


def _read_names(node: ast.AST) -> set[str]:
    """Return the names `node` reads."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _last_assignment(code: _Code, name: str, before: int) -> int | None:
    """Return the position of the last top-level assignment of `name` before `before`."""
    found = None
    for position, (_, stmt) in enumerate(code.statements[:before]):
        if name in _targets(stmt):
            found = position
    return found


def _calls_behind(code: _Code, position: int, node: ast.AST | None = None) -> set[str]:
    """Return every function the value assigned at `position` (or its part `node`) calls.

    Followed back (the variables it reads, to their earlier assignments) and down (the
    notebook's own functions it calls).
    """
    calls: set[str] = set()
    todo: list[tuple[int, ast.AST | None]] = [(position, node)]
    seen: set[int] = set()
    while todo:
        at, part = todo.pop()
        stmt = code.statements[at][1]
        value = part or getattr(stmt, "value", None) or stmt
        calls |= _called(value)
        followed = _read_names(value)
        if isinstance(stmt, ast.AugAssign):  # `total += x` keeps what `total` was made from
            followed |= _targets(stmt)
        for name in followed:  # a variable it reads: how was that made?
            earlier = _last_assignment(code, name, at)
            if earlier is not None and earlier not in seen:
                seen.add(earlier)
                todo.append((earlier, None))
    return calls | _calls_inside(code, calls)


def _entries(stmt: ast.stmt) -> list[ast.expr]:
    """Return the entries of a value written out as a dict, list, tuple or set display."""
    value = getattr(stmt, "value", None)
    if isinstance(value, ast.Dict):
        return list(value.values)
    if isinstance(value, ast.List | ast.Tuple | ast.Set):
        return list(value.elts)
    return []


def _calls_inside(code: _Code, calls: set[str]) -> set[str]:
    """Return what the notebook's own functions among `calls` call in turn."""
    found: set[str] = set()
    todo = [c for c in calls if c in code.functions]
    while todo:
        name = todo.pop()
        inner = _called(code.functions[name][1]) - found - {name}
        found |= inner
        todo.extend(c for c in inner if c in code.functions)
    return found


def _wanted(value: Any) -> list[str]:
    """Return the functions a `values` entry names (one name or a list)."""
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _value_problem(code: _Code, name: str, functions: list[str]) -> Result | None:
    """Return why `name` is not built from `functions`, or None."""
    position = _last_assignment(code, name, len(code.statements))
    if position is None:
        return failed(f"no cell assigns `{name}`; compute it by calling `{functions[0]}`")
    cell = code.statements[position][0]
    calls = _calls_behind(code, position)
    missing = [f for f in functions if f not in calls]
    if not missing:
        return _entry_problem(code, name, functions, position)
    others = sorted(c for c in calls if c in code.functions)
    instead = f" (it calls {', '.join(f'`{c}`' for c in others)} instead)" if others else ""
    return failed(
        f"`{name}` in {cell.label} is not computed with `{missing[0]}`{instead}; build it by "
        f"calling `{missing[0]}`, so the function you wrote is what answers",
        (cell.id,),
    )


def _entry_problem(code: _Code, name: str, functions: list[str], position: int) -> Result | None:
    """Return why an entry of a value written out entry by entry is made another way, or None."""
    cell = code.statements[position][0]
    for entry in _entries(code.statements[position][1]):
        missing = [f for f in functions if f not in _calls_behind(code, position, entry)]
        if missing:
            return failed(
                f"`{name}` in {cell.label} has an entry not computed with `{missing[0]}` "
                f"(`{ast.unparse(entry)}`); call `{missing[0]}` for every entry",
                (cell.id,),
            )
    return None


def _used_problem(code: _Code, function: str, tag: str) -> Result | None:
    """Return why `function` is not used by the step's code, or None."""
    if function not in code.functions:
        return failed(f"no cell defines `{function}`; write `def {function}(...)` and use it")
    cell = code.functions[function][0]
    calls: set[str] = set()
    for where, stmt in code.statements:
        if (not tag or tag in where.tags) and not (
            isinstance(stmt, _DEFS) and stmt.name == function
        ):
            calls |= _called(stmt)
    if function in calls:
        return None
    cells = f"cell tagged `{tag}`" if tag else "cell"
    return failed(
        f"`{function}` is defined in {cell.label} but no {cells} calls it: a helper nothing "
        f"uses proves nothing; call `{function}` where the step needs it, as the lesson shows",
        (cell.id,),
    )


def check_built_from(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Apply the module's rule to the notebook's code cells."""
    if not args["values"] and not args["used"]:
        return errored(
            "built-from needs `values` or `used`; the step definition is broken, not your "
            "notebook: tell the facilitator"
        )
    code = _read(ctx.notebook.code_cells)
    for name, functions in args["values"].items():
        problem = _value_problem(code, name, _wanted(functions))
        if problem:
            return problem
    for function in args["used"]:
        problem = _used_problem(code, function, args["tag"])
        if problem:
            return problem
    said = [f"`{n}` calls {', '.join(_wanted(f))}" for n, f in args["values"].items()]
    said += [f"`{f}` is used" for f in args["used"]]
    return passed("; ".join(said))


def _applies(ctx: Context) -> str | None:
    """Run only from a step: the values and functions are the lesson's."""
    return "built-from runs only from a step that names `values` or `used`"


BUILT_FROM = register(
    Check(
        id="built-from",
        title="Values are built with the lesson's functions, and helpers are used",
        func=check_built_from,
        python_only=True,
        applies=_applies,
        params={
            "values": Param("table", {}, "variable = function (or [functions]) it must call"),
            "used": Param("strings", [], "functions the step's cells must call"),
            "tag": Param("str", "", "the step's cell tag, e.g. step:pure-functions"),
        },
    )
)
