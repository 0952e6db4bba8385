"""Find the function of a product that holds its logic: what `pipeline.run` calls.

A promoted `run` is a thin wrapper: it connects, reads its inputs and hands them to the
notebook's functions. A lesson rebuilds the largest pure function `run` calls, on the inputs
`run` gives it: the statements of `run` before the call become the lesson's inputs cell.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONNECTION = "con"
# A result a mutant cannot cut to no rows: a number or a string, not a table.
_SCALAR_CALLS = frozenset({"round", "float", "int", "len", "sum", "str", "bool", "min", "max"})


@dataclass(frozen=True)
class Called:
    """A function `run` calls: its module, definition, the call, and what `run` does before."""

    module: str  # dotted
    node: ast.FunctionDef
    source: str  # the module's text
    tree: ast.Module
    call: str  # as `run` makes it, the function named directly: f(a, b, k=v)
    inputs: str  # the statements of `run` before the call: they build the arguments
    imports: list[str]  # what those statements need: the pipeline module's imports and names


def _module_path(root: Path, dotted: str) -> Path | None:
    """Return the file of a package module under src/, or None."""
    path = root / "src" / Path(*dotted.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _parse(path: Path) -> tuple[str, ast.Module] | None:
    """Return a module's text and tree, or None when it does not parse."""
    text = path.read_text(encoding="utf-8")
    try:
        return text, ast.parse(text)
    except SyntaxError:
        return None


def _imported(tree: ast.Module, package: str) -> dict[str, tuple[str, str]]:
    """Return {local name: (module, function or "")} for what a module imports of `package`."""
    found: dict[str, tuple[str, str]] = {}
    for stmt in tree.body:
        if not isinstance(stmt, ast.ImportFrom) or not stmt.module or stmt.level:
            continue
        if stmt.module != package and not stmt.module.startswith(package + "."):
            continue
        for alias in stmt.names:
            local = alias.asname or alias.name
            if stmt.module == package:  # `from pkg import helpers`: a module
                found[local] = (f"{package}.{alias.name}", "")
            else:
                found[local] = (stmt.module, alias.name)
    return found


def _callee(call: ast.Call, imported: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
    """Return (module, function) a call names through the package's imports, else None."""
    func = call.func
    if isinstance(func, ast.Name) and func.id in imported and imported[func.id][1]:
        return imported[func.id]
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in imported
        and not imported[func.value.id][1]
    ):
        return imported[func.value.id][0], func.attr
    return None


def _body(node: ast.FunctionDef) -> list[ast.stmt]:
    """Return a function's statements without its docstring."""
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return body


def _reads(node: ast.AST) -> set[str]:
    """Return the names `node` reads."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _module_names(tree: ast.Module) -> dict[str, bool]:
    """Return the module-level names a function may read: {name: allowed in a pure function}."""
    names: dict[str, bool] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef | ast.ClassDef | ast.Import | ast.ImportFrom):
            bound = (
                [a.asname or a.name.split(".")[0] for a in stmt.names]
                if isinstance(stmt, ast.Import | ast.ImportFrom)
                else [stmt.name]
            )
            names.update(dict.fromkeys(bound, True))
        elif isinstance(stmt, ast.Assign | ast.AnnAssign):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                if isinstance(target, ast.Name):  # constants only: UPPER_CASE
                    names[target.id] = target.id.lstrip("_").isupper()
    return names


def teachable(node: ast.FunctionDef, tree: ast.Module) -> bool:
    """Return whether a lesson can rebuild `node`: pure, plain arguments, a table returned."""
    args = node.args
    if args.posonlyargs or args.vararg or args.kwarg or node.name.startswith("_"):
        return False
    body = _body(node)
    if not body or not isinstance(body[-1], ast.Return) or body[-1].value is None:
        return False
    last = body[-1].value
    if isinstance(last, ast.Constant) or (
        isinstance(last, ast.Call)
        and isinstance(last.func, ast.Name)
        and last.func.id in _SCALAR_CALLS
    ):
        return False  # a number: no rows to cut, so a test cannot be shown to catch it
    reads = set().union(*(_reads(stmt) for stmt in body))
    params = [a.arg for a in [*args.args, *args.kwonlyargs]]
    if any(p not in reads for p in params):
        return False  # a parameter it ignores: its own pure-functions step would fail
    module = _module_names(tree)
    return all(module[name] for name in reads if name in module)


def _size(node: ast.FunctionDef) -> int:
    """Return how much logic a function holds: the nodes of its body."""
    return sum(1 for stmt in _body(node) for _ in ast.walk(stmt))


def _is_connecting(stmt: ast.stmt) -> bool:
    """Return whether `stmt` is promote's `if con is None: con = connect()`."""
    return (
        isinstance(stmt, ast.If)
        and isinstance(stmt.test, ast.Compare)
        and isinstance(stmt.test.left, ast.Name)
        and stmt.test.left.id == CONNECTION
    )


def _defaults(run: ast.FunctionDef, parameters: dict[str, Any]) -> list[str]:
    """Return `name = default` for run's keywords the notebook's parameters cell does not set."""
    args = run.args
    pairs = list(zip(args.args[len(args.args) - len(args.defaults) :], args.defaults, strict=True))
    pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d]
    return [
        f"{arg.arg} = {ast.unparse(default)}"
        for arg, default in pairs
        if arg.arg not in parameters and not arg.arg.startswith("_") and arg.arg != CONNECTION
    ]


def _stores(stmt: ast.stmt) -> set[str]:
    """Return the names a statement assigns."""
    return {
        n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }


def _inputs(
    run: ast.FunctionDef, before: list[ast.stmt], call: ast.expr, known: set[str]
) -> list[ast.stmt] | None:
    """Return the statements of `run` before `call` that build its arguments.

    None when an argument is bound nowhere a lesson can bind it (a loop's variable, a
    comprehension's): only run's parameters, the module's names and those statements.
    """
    needed = _reads(call)
    kept: list[ast.stmt] = []
    for stmt in reversed(before):  # a backward slice: only what the call needs
        if not _is_connecting(stmt) and _stores(stmt) & needed:
            kept.insert(0, stmt)
            needed |= _reads(stmt)
    params = {a.arg for a in [*run.args.args, *run.args.kwonlyargs]}
    bound = set().union(params, known, dir(builtins), *(_stores(s) for s in kept))
    return kept if needed <= bound else None


def _inputs_text(
    run: ast.FunctionDef, kept: list[ast.stmt], arguments: ast.expr, parameters: dict[str, Any]
) -> str:
    """Return the inputs cell: run's keywords the lesson does not set, then the statements."""
    needed = set().union(_reads(arguments), *(_reads(s) for s in kept))
    defaults = [d for d in _defaults(run, parameters) if d.split(" = ")[0] in needed]
    return "\n".join([*defaults, *map(ast.unparse, kept)])


def _pipeline_imports(tree: ast.Module, module: str) -> list[str]:
    """Return the pipeline module's imports and its module-level names, as import lines."""
    lines = [
        ast.unparse(stmt)
        for stmt in tree.body
        if isinstance(stmt, ast.Import)
        or (isinstance(stmt, ast.ImportFrom) and stmt.module != "__future__" and not stmt.level)
    ]
    names = sorted(n for n, pure in _module_names(tree).items() if pure and n.isupper())
    if names:
        lines.append(f"from {module} import {', '.join(names)}")
    return lines


def _run_of(root: Path, package: str) -> tuple[ast.Module, ast.FunctionDef] | None:
    """Return pipeline.py's tree and its `run`, or None."""
    path = root / "src" / package / "pipeline.py"
    parsed = _parse(path) if path.is_file() else None
    if parsed is None:
        return None
    tree = parsed[1]
    run = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "run"), None)
    return (tree, run) if run is not None else None


def called_by_run(root: Path, package: str, parameters: dict[str, Any]) -> Called | None:
    """Return the largest teachable function `pipeline.run` calls, with its inputs; or None."""
    found_run = _run_of(root, package)
    if found_run is None:
        return None
    tree, run = found_run
    imported = _imported(tree, package)
    for node in tree.body:  # functions beside run() in pipeline.py, as the kit writes them
        if isinstance(node, ast.FunctionDef) and node.name != "run":
            imported.setdefault(node.name, (f"{package}.pipeline", node.name))
    best: tuple[int, Called] | None = None
    body = _body(run)
    for index, stmt in enumerate(body):
        for call in (n for n in ast.walk(stmt) if isinstance(n, ast.Call)):
            where = _callee(call, imported)
            found = _definition(root, *where) if where else None
            if found is None:
                continue
            called = _candidate((tree, run, package), body[:index], call, found, parameters)
            if called is not None and (best is None or _size(called.node) > best[0]):
                best = (_size(called.node), called)
    return best[1] if best else None


def _candidate(
    pipeline: tuple[ast.Module, ast.FunctionDef, str],
    before: list[ast.stmt],
    call: ast.Call,
    found: tuple[ast.FunctionDef, ast.Module, str, str],
    parameters: dict[str, Any],
) -> Called | None:
    """Return a function `run` calls as a lesson can teach it, or None when it cannot."""
    tree, run, package = pipeline
    node, module_tree, source, module = found
    if not teachable(node, module_tree):
        return None
    arguments = ast.Tuple([*call.args, *(k.value for k in call.keywords)], ast.Load())
    kept = _inputs(run, before, arguments, set(_module_names(tree)))
    if kept is None:
        return None
    direct = ast.Call(ast.Name(node.name, ast.Load()), call.args, call.keywords)
    inputs = _inputs_text(run, kept, arguments, parameters)
    imports = _pipeline_imports(tree, f"{package}.pipeline")
    return Called(module, node, source, module_tree, ast.unparse(direct), inputs, imports)


def _definition(
    root: Path, module: str, name: str
) -> tuple[ast.FunctionDef, ast.Module, str, str] | None:
    """Return the top-level `def name` of a package module, its tree, text and dotted name."""
    path = _module_path(root, module)
    parsed = _parse(path) if path else None
    if parsed is None:
        return None
    source, tree = parsed
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node, tree, source, module
    return None


def used_imports(lines: list[str], code: str, drop: set[str]) -> list[str]:
    """Return the import lines `code` uses, each name once, without the names in `drop`."""
    try:
        used = _reads(ast.parse(code))
    except SyntaxError:
        used = set()
    kept: list[str] = []
    seen: set[str] = set(drop)
    for line in lines:
        stmt = ast.parse(line).body[0]
        assert isinstance(stmt, ast.Import | ast.ImportFrom)
        names = [a for a in stmt.names if (a.asname or a.name.split(".")[0]) in used - seen]
        seen |= {a.asname or a.name.split(".")[0] for a in names}
        if names:
            kept.append(ast.unparse(type(stmt)(**{**stmt.__dict__, "names": names})))
    return kept
