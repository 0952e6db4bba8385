"""`pure-functions`: each function takes what it needs as parameters, and uses them.

The rule, over the functions defined with `def` at the top level of the code cells (IPython
magics blanked; cells that do not parse skipped; a function defined twice is judged by its last
definition), those in `names` or, by default, all of them:

1. The function reads no notebook variable it did not receive. Its body (nested functions,
   lambdas and comprehensions included) may read its parameters and locals, names of the
   functions around it (closures), builtins, IPython's `display`, `get_ipython`, `In` and
   `Out`, names the notebook binds with `import`, `def`, `class` or `name = lambda ...`, and
   UPPER_CASE constants. Any other global it reads fails: a variable the notebook assigns
   (`con`, `df`, `year`) or one bound nowhere; `con.table(...)` reads `con`.
2. It writes no global: `global total` followed by an assignment fails.
3. No parameter default reads a notebook variable (`year=year` freezes the value the variable
   had when the cell ran). Decorators and annotations run when the cell runs, not when the
   function is called, so they are not judged.
4. Every parameter (except `self`, `cls`, `_`-prefixed ones, `*args` and `**kwargs`) is read in
   the body, and not replaced by a top-level assignment of the body before it is read.

Classes are skipped entirely, methods included: a method reads its instance through `self`,
and judging what a class may share across methods is beyond a notebook lesson.
"""

from __future__ import annotations

import ast
import builtins
import re
import symtable
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pairlab.checks._model import Check, Context, Param, Result, failed, passed
from pairlab.checks._registry import register
from pairlab.errors import and_more
from pairlab.notebook import Cell, python_source

Function = ast.FunctionDef | ast.AsyncFunctionDef
_IPYTHON = frozenset({"display", "get_ipython", "In", "Out"})
_CONSTANT = re.compile(r"_*[A-Z][A-Z0-9_]*")
_SKIPPED_PARAMS = frozenset({"self", "cls"})


@dataclass(frozen=True)
class Defined:
    """A top-level function: its cell, its syntax tree and its symbol table."""

    cell: Cell
    node: Function
    table: symtable.SymbolTable

    def says(self, text: str) -> str:
        """Return a sentence about this function, naming it and its cell."""
        return f"`{self.node.name}` ({self.cell.label}) {text}"


@dataclass
class Scan:
    """The notebook's top-level functions, and the global names a function may read."""

    functions: dict[str, Defined]
    allowed: set[str]


def _lambdas(tree: ast.Module) -> Iterator[str]:
    """Yield the names a cell binds at its top level to a lambda: functions by another name."""
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Lambda):
            yield from (t.id for t in stmt.targets if isinstance(t, ast.Name))


def _scan_cell(cell: Cell, scan: Scan) -> None:
    """Add a cell's top-level functions and its import/def/class bindings to `scan`."""
    source = python_source(cell)
    try:
        tree = ast.parse(source or "")
        table = symtable.symtable(source or "", cell.label, "exec")
    except SyntaxError:
        return  # lint-clean reports syntax errors; this cell simply defines nothing
    module = table.get_symbols()
    scan.allowed.update(s.get_name() for s in module if s.is_imported() or s.is_namespace())
    scan.allowed.update(_lambdas(tree))
    tables = {(t.get_name(), t.get_lineno()): t for t in table.get_children()}
    for stmt in tree.body:
        if isinstance(stmt, Function):
            child = tables.get((stmt.name, stmt.lineno))
            if child is not None:
                scan.functions[stmt.name] = Defined(cell, stmt, child)


def _scan(cells: tuple[Cell, ...]) -> Scan:
    """Return the notebook's functions and the module-level names they may read."""
    scan = Scan({}, set(dir(builtins)) | _IPYTHON)
    for cell in cells:
        _scan_cell(cell, scan)
    return scan


def _tables(table: symtable.SymbolTable) -> Iterator[symtable.SymbolTable]:
    """Yield a scope and every scope nested in it: functions, lambdas, comprehensions."""
    yield table
    for child in table.get_children():
        yield from _tables(child)


def _in_order(names: set[str], node: ast.AST) -> list[str]:
    """Return `names` in the order they first appear in `node`, as the learner reads them."""
    where: dict[str, tuple[int, int]] = {}
    for name in ast.walk(node):
        if isinstance(name, ast.Name):
            spot = (name.lineno, name.col_offset)
            where[name.id] = min(where.get(name.id, spot), spot)
    return sorted(names, key=lambda n: (where.get(n, (0, 0)), n))


def _global_problems(func: Defined, allowed: set[str], unused: Sequence[str] = ()) -> list[str]:
    """Return the globals the function reads without receiving them, and those it writes.

    `unused` are parameters the function ignores or replaces: a global read beside one is
    most often the thing that stands in for it, so the advice is to use the parameter.
    """
    reads: set[str] = set()
    writes: set[str] = set()
    for table in _tables(func.table):
        for sym in table.get_symbols():
            name = sym.get_name()
            if sym.is_declared_global() and sym.is_assigned():
                writes.add(name)
            elif _reads_global(sym) and not _may_read(name, allowed):
                reads.add(name)
    problems = [
        func.says(
            f"changes the notebook's `{name}` through `global {name}`; return the new value "
            f"instead and assign it where you call `{func.node.name}`"
        )
        for name in _in_order(writes, func.node)
    ]
    if unused:
        instead = (
            f"instead of using its parameter `{unused[0]}`; work on the `{unused[0]}` it "
            "receives (the caller passes it in)"
        )
    else:
        instead = "; add it as a parameter and pass it in the call"
    problems += [
        func.says(f"reads `{name}`, which it did not receive, {instead}".replace(", ;", ";"))
        for name in _in_order(reads - writes, func.node)
    ]
    return problems


def _reads_global(sym: symtable.Symbol) -> bool:
    """Return whether a symbol of a function's scope reads a global."""
    # Python < 3.13 takes any table named "top" for the module, so the names a function `top`
    # binds also say is_global(); they say is_local() too, which no global read does.
    return sym.is_referenced() and sym.is_global() and not sym.is_local()


def _may_read(name: str, allowed: set[str]) -> bool:
    """Return whether a function may read the global `name` without receiving it."""
    return name in allowed or bool(_CONSTANT.fullmatch(name))


def _default_problems(func: Defined, allowed: set[str]) -> list[str]:
    """Return the parameter defaults that read a notebook variable."""
    args = func.node.args
    positional = [*args.posonlyargs, *args.args]
    # Defaults belong to the last positional parameters; kw_defaults holds None for "no default".
    with_default = positional[len(positional) - len(args.defaults) :]
    pairs = list(zip(with_default, args.defaults, strict=True))
    pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d]
    problems = []
    for param, default in pairs:
        for node in ast.walk(default):
            if isinstance(node, ast.Name) and not _may_read(node.id, allowed):
                problems.append(
                    func.says(
                        f"takes the default of `{param.arg}` from the notebook's `{node.id}`, "
                        f"frozen when the cell ran; drop the default and pass `{node.id}` in "
                        "the call"
                    )
                )
    return problems


def _checked_params(node: Function) -> list[str]:
    """Return the parameters that must be used: not self/cls, `_`-prefixed or *args/**kwargs."""
    args = node.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    return [a.arg for a in every if a.arg not in _SKIPPED_PARAMS and not a.arg.startswith("_")]


def _is_read(func: Defined, name: str) -> bool:
    """Return whether the body reads `name`, in its own scope or a nested one."""
    for table in _tables(func.table):
        try:
            sym = table.lookup(name)
        except KeyError:
            continue
        nested = table is not func.table
        if sym.is_referenced() and (not nested or sym.is_free()):
            return True
    return False


def _replaced(node: Function, name: str) -> bool:
    """Return whether a top-level statement of the body assigns `name` before any reads it."""
    for stmt in node.body:
        reads = any(
            isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
            for n in ast.walk(stmt)
        )
        if reads:
            return False
        targets = stmt.targets if isinstance(stmt, ast.Assign) else []
        if isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets = [stmt.target]
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return True
    return False


def _written_value(node: Function) -> str:
    """Return a hint naming a value the body still compares with, as a learner hard-codes it."""
    for compare in (n for n in ast.walk(node) if isinstance(n, ast.Compare)):
        for side in (compare.left, *compare.comparators):
            if isinstance(side, ast.Constant) and side.value not in (None, True, False):
                return f" (it still uses {side.value!r}?)"
    return ""


def _unused_params(func: Defined) -> list[str]:
    """Return the parameters the function ignores or replaces before reading them."""
    return [
        n for n in _checked_params(func.node) if not _is_read(func, n) or _replaced(func.node, n)
    ]


def _param_problems(func: Defined) -> list[str]:
    """Return the parameters the function ignores or replaces before reading them."""
    problems = []
    for name in _checked_params(func.node):
        if not _is_read(func, name):
            hint = _written_value(func.node)
            problems.append(func.says(f"ignores its parameter `{name}`{hint}; use the parameter"))
        elif _replaced(func.node, name):
            problems.append(
                func.says(
                    f"replaces its parameter `{name}` before reading it; work on the `{name}` "
                    "it receives instead"
                )
            )
    return problems


def check_pure_functions(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Pass when every judged function reads only what it receives and uses all it receives."""
    scan = _scan(ctx.notebook.code_cells)
    names = list(args["names"]) or list(scan.functions)
    if not names:
        return failed(
            "no code cell defines a function at its top level; wrap a step in "
            "`def name(inputs): ... return result` and call it"
        )
    missing = [n for n in names if n not in scan.functions]
    if missing:
        return failed(
            f"no cell defines `{missing[0]}` at its top level; write `def {missing[0]}(...):` "
            "taking everything it needs as parameters"
        )
    problems: list[tuple[str, str]] = []
    for name in names:
        func = scan.functions[name]
        unused = _unused_params(func)
        found = _global_problems(func, scan.allowed, unused)
        # A global standing in for a parameter is one problem, said once by the global's line.
        stands_in = unused and any("which it did not receive" in p for p in found)
        found += _default_problems(func, scan.allowed)
        problems += [
            (func.cell.id, p) for p in found + ([] if stands_in else _param_problems(func))
        ]
    if problems:
        # The message says everything: the guide shows messages, not details.
        also = [p for _, p in problems[1:3]]
        more = f"; also {'; '.join(also)}" if also else ""
        more += and_more(len(problems), 3)
        return failed(
            problems[0][1] + more,
            tuple(dict.fromkeys(cell for cell, _ in problems)),
            tuple({"cell": cell, "message": message} for cell, message in problems),
        )
    return passed(f"{len(names)} function(s) read only what they receive and use all of it")


PURE_FUNCTIONS = register(
    Check(
        id="pure-functions",
        title="Functions take what they need as parameters",
        func=check_pure_functions,
        python_only=True,
        params={
            "names": Param("strings", [], "functions to judge; [] = every top-level function"),
        },
    )
)
