"""Stage 1: read a notebook statically and decide what each cell becomes, and why."""

from __future__ import annotations

import ast
import builtins
import importlib.util
import re
import sys
from pathlib import Path

from pairlab._imports import install_hint
from pairlab.catalog.tables import tables_in_tree
from pairlab.errors import BadInput
from pairlab.notebook import Cell, NotebookError, load_notebook
from pairlab.promote import _data, _inputs, _pairtests
from pairlab.promote._decide import decide
from pairlab.promote._model import (
    Analysis,
    Decision,
    Function,
    PromoteError,
    Stmt,
    is_plot,
    label,
)
from pairlab.promote._source import Cleaned, clean
from pairlab.promote._symbols import function_globals, loads, stores

__all__ = ["Analysis", "Decision", "Function", "PromoteError", "Stmt", "analyse", "is_plot"]

BUILTINS = set(dir(builtins)) | {"display", "get_ipython", "__file__"}
WRITERS = {"to_csv", "to_parquet", "to_excel", "to_sql", "to_json", "to_feather", "to_pickle"}
_RUN = re.compile(r"^\s*%run\s+(?:-\w+\s+)*(\S+)", re.MULTILINE)


def _parse(cell: Cell, cleaned: Cleaned) -> ast.Module:
    """Parse a cell's Python; a syntax error stops promotion, naming the cell and line."""
    try:
        return ast.parse(cleaned.python)
    except SyntaxError as exc:
        raise PromoteError(
            f"{label(cell)} has a syntax error on line {exc.lineno}: {exc.msg}",
            "fix it, run the notebook top to bottom, and promote again",
        ) from None


def _import_lines(node: ast.Import | ast.ImportFrom) -> dict[str, str]:
    """Return one import line per name the statement binds."""
    found = {}
    for alias in node.names:
        bound = alias.asname or alias.name.split(".")[0]
        as_ = f" as {alias.asname}" if alias.asname else ""
        if isinstance(node, ast.Import):
            found[bound] = f"import {alias.name}{as_}"
        else:
            module = "." * node.level + (node.module or "")
            found[bound] = f"from {module} import {alias.name}{as_}"
    return found


def _note_local(analysis: Analysis, node: ast.Import | ast.ImportFrom) -> None:
    """Remember modules imported from a .py file beside the notebook: they join the package."""
    modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
    for module in modules:
        if module and node.__dict__.get("level", 0) == 0 and "." not in module:
            path = analysis.path.parent / f"{module}.py"
            if path.is_file():
                analysis.local_modules[module] = path


def local_names(analysis: Analysis) -> set[str]:
    """Return the names the notebook binds from its local modules."""
    found = set()
    for bound, line in analysis.imports.items():
        words = line.split()
        module = words[1]
        if module in analysis.local_modules:
            found.add(bound)
    return found


def _is_literal(node: ast.AST) -> bool:
    """Return whether `node` is a plain literal (safe to copy into a module as a constant)."""
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _collect(analysis: Analysis, cell: Cell, tree: ast.Module, source: str) -> None:
    """File a cell's top-level statements as parameters, imports, functions or statements."""
    is_params = "parameters" in cell.tags
    for node in tree.body:
        text = ast.get_source_segment(source, node) or ast.unparse(node)
        if isinstance(node, ast.Import | ast.ImportFrom):
            analysis.imports.update(_import_lines(node))
            _note_local(analysis, node)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            earlier = analysis.functions.get(node.name)
            if earlier is not None:
                same = "the same code" if earlier.text == text else "different code"
                analysis.flags.append(
                    f"{label(cell)} defines `{node.name}` again ({same} as {label(earlier.cell)}): "
                    "the package keeps this last definition; delete the copy"
                )
            analysis.functions[node.name] = Function(node.name, cell, node, text)
        elif is_params and isinstance(node, ast.Assign | ast.AnnAssign):
            for name in stores(node):
                value = node.value if node.value is not None else ast.Constant(None)
                analysis.parameters[name] = ast.get_source_segment(source, value) or "None"
        elif not isinstance(node, ast.Pass):
            stmt = Stmt(cell, node, text, stores(node), loads(node))
            analysis.statements.append(stmt)
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name) and _is_literal(node.value):
                    analysis.constants.setdefault(target.id, text)


def read(path: Path) -> Analysis:
    """Read and parse every code cell of the notebook at `path`."""
    if not path.exists():
        raise BadInput(f"{path} does not exist", "pass the path of the .ipynb file to promote")
    if path.suffix != ".ipynb" or not path.is_file():
        raise BadInput(f"{path} is not a notebook file", "pass the .ipynb file to promote")
    try:
        notebook = load_notebook(path)
    except NotebookError as exc:
        raise BadInput(
            f"{path} cannot be read as a notebook: {exc}", "open and save it in Jupyter"
        ) from None
    if not notebook.is_python:
        raise BadInput(f"{path} is a {notebook.language} notebook", "promote Python notebooks only")
    analysis = Analysis(path, list(notebook.cells), {}, {})
    for cell in notebook.code_cells:
        cleaned = clean(cell.source)
        analysis.cleaned[cell.id] = cleaned
        analysis.dependencies += cleaned.dependencies
        tree = _parse(cell, cleaned)
        analysis.trees[cell.id] = tree
        _collect(analysis, cell, tree, cleaned.python)
    return analysis


def _defined_before(analysis: Analysis) -> None:
    """Stop when code reads a name only a later cell defines (it ran out of order)."""
    seen = set(BUILTINS) | set(analysis.parameters)
    order: list[tuple[int, int, Stmt | Function | Cell]] = sorted(
        [(s.cell.index, s.node.lineno, s) for s in analysis.statements]
        + [(f.cell.index, f.node.lineno, f) for f in analysis.functions.values()]
        + [(c.index, 0, c) for c in analysis.cells if c.id in analysis.trees],
        key=lambda item: (item[0], item[1]),
    )
    later = {n: s.cell for s in analysis.statements for n in s.stores}
    later |= {name: f.cell for name, f in analysis.functions.items()}
    for _, _, item in order:
        if isinstance(item, Cell):
            seen |= {n for n in analysis.imports if _imported_in(item, analysis, n)}
        elif isinstance(item, Function):
            seen.add(item.name)
        else:
            missing = sorted(n for n in item.loads - seen if n in later and n not in item.stores)
            if missing:
                name, where = missing[0], later[missing[0]]
                raise PromoteError(
                    f"{label(item.cell)} uses `{name}`, which only {label(where)} below defines: "
                    "the notebook ran out of order",
                    f"move {label(where)} above {label(item.cell)}, then run top to bottom",
                )
            seen |= item.stores


def _imported_in(cell: Cell, analysis: Analysis, name: str) -> bool:
    """Return whether `cell` holds the import binding `name`."""
    tree = analysis.trees[cell.id]
    nodes = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    return any(name in _import_lines(n) for n in nodes)


def _resolve_globals(analysis: Analysis) -> None:
    """Decide for each global a function reads: import, constant, keyword, or a stop."""
    assigned = {n: s.cell for s in analysis.statements for n in s.stores}
    for func in analysis.functions.values():
        func.globals = function_globals(func.text)
        for name in sorted(func.globals):
            if name in BUILTINS or name in analysis.functions or name in analysis.imports:
                continue
            if name in analysis.parameters:
                func.kwonly.append(name)
                analysis.flags.append(
                    f"{label(func.cell)}: `{func.name}` read the parameter `{name}` as a global; "
                    f"it now takes `{name}=` as a keyword argument "
                    f"(default {analysis.parameters[name]})"
                )
            elif name not in analysis.constants:
                where = f" (set in {label(assigned[name])})" if name in assigned else ""
                raise PromoteError(
                    f"{label(func.cell)}: function `{func.name}` reads the global `{name}`{where}, "
                    "hidden state a package cannot carry",
                    f"pass `{name}` to `{func.name}` as an argument",
                )
    _propagate_keywords(analysis)


def _propagate_keywords(analysis: Analysis) -> None:
    """Give callers the keywords of the functions they call, until nothing changes."""
    changed = True
    while changed:
        changed = False
        for func in analysis.functions.values():
            for callee in func.globals & set(analysis.functions):
                extra = [k for k in analysis.functions[callee].kwonly if k not in func.kwonly]
                data = [k for k in analysis.functions[callee].data if k not in func.data]
                if extra or data:
                    func.kwonly += extra
                    func.data += data
                    changed = True


def _find_output(analysis: Analysis) -> None:
    """Choose the result frame: a cell tagged `output`, else the last value from a function."""
    for stmt in reversed(analysis.statements):
        if "output" in stmt.cell.tags and stmt.stores:
            analysis.output = sorted(stmt.stores)[-1]
            return
    # The result is the last variable derived from a function's value (plots excluded).
    derived = set(analysis.functions) | local_names(analysis)
    written = ""
    for stmt in analysis.statements:
        if stmt.loads & derived and isinstance(stmt.node, ast.Assign) and not is_plot(stmt.text):
            derived |= stmt.stores
            analysis.output = sorted(stmt.stores)[-1] if len(stmt.stores) > 1 else min(stmt.stores)
        written = _written(stmt, derived) or written
    # A table the notebook writes to a file is the one it produces.
    analysis.output = written or analysis.output
    if analysis.output:
        return
    if not analysis.functions and not analysis.local_modules:
        last = next((s for s in reversed(analysis.statements) if s.stores), None)
        where = f"; {label(last.cell)} builds `{min(last.stores)}` last" if last else ""
        raise PromoteError(
            f"{analysis.path.name} has no exportable code: no function and no cell tagged "
            f"`output`{where}",
            f"tag {label(last.cell) if last else 'the cell that builds your result'} `output`, "
            "or put the steps that build your result into functions and call them in a cell",
        )
    raise PromoteError(
        f"{analysis.path.name} never assigns a function's result to a variable",
        "assign the result table, e.g. `result = build(con)`, or tag its cell `output`",
    )


def _written(stmt: Stmt, derived: set[str]) -> str:
    """Return the derived variable a statement writes out (`df.to_csv(...)`), or ''."""
    call = stmt.node.value if isinstance(stmt.node, ast.Expr) else None
    func = call.func if isinstance(call, ast.Call) else None
    if not isinstance(func, ast.Attribute) or func.attr not in WRITERS:
        return ""
    target = func.value
    return target.id if isinstance(target, ast.Name) and target.id in derived else ""


def _slice(analysis: Analysis) -> None:
    """Keep the top-level statements the output needs, in notebook order."""
    needed = {analysis.output}
    kept: list[Stmt] = []
    last = max(i for i, s in enumerate(analysis.statements) if analysis.output in s.stores)
    for stmt in reversed(analysis.statements[: last + 1]):
        if stmt.stores & needed or _mutates(stmt, needed) or "export" in stmt.cell.tags:
            kept.append(stmt)
            needed |= stmt.loads
    analysis.pipeline = list(reversed(kept))
    for stmt in analysis.pipeline:
        value = getattr(stmt.node, "value", None)
        call = value.func if isinstance(value, ast.Call) else None
        name = getattr(call, "id", getattr(call, "attr", ""))
        if name.endswith("connect") and len(stmt.stores) == 1 and not analysis.connection:
            analysis.connection = next(iter(stmt.stores))


def _mutates(stmt: Stmt, needed: set[str]) -> bool:
    """Return whether an expression statement changes a needed frame in place."""
    node = stmt.node
    if not isinstance(node, ast.Expr) or not isinstance(node.value, ast.Call):
        return False
    inplace = any(k.arg == "inplace" for k in node.value.keywords)
    return inplace and bool(stmt.loads & needed)


def function_tables(analysis: Analysis, func: Function) -> list[str]:
    """Return the tables a function reads: in its code, and in SQL constants it reads (a query
    held in a variable)."""
    consts = [analysis.constants[n] for n in sorted(func.globals) if n in analysis.constants]
    trees = [func.node, *(ast.parse(text) for text in consts)]
    return list(dict.fromkeys(t for tree in trees for t in tables_in_tree(tree)))


def _tables(analysis: Analysis) -> None:
    """Infer the input tables of the functions and of the result's statements."""
    found = [t for f in analysis.functions.values() for t in function_tables(analysis, f)]
    bodies: list[ast.AST] = []
    bodies += [s.node for s in analysis.pipeline]
    bodies += [ast.parse(p.read_text(encoding="utf-8")) for p in analysis.local_modules.values()]
    found += [t for body in bodies for t in tables_in_tree(body)]
    trees = [f.node for f in analysis.functions.values()] + bodies
    analysis.input_tables, by_sql = _inputs.split_product_tables(list(dict.fromkeys(found)))
    analysis.input_products = list(dict.fromkeys(_inputs.product_reads(trees) + by_sql))


def _run_magic(analysis: Analysis) -> None:
    """Stop on `%run`: the package cannot follow names another file defines at run time."""
    for cell in analysis.cells:
        found = _RUN.search(cell.source) if cell.type == "code" else None
        if found:
            module = Path(found.group(1)).stem
            raise PromoteError(
                f"{label(cell)} runs `%run {found.group(1)}`, whose names a package cannot follow",
                f"replace it with `from {module} import ...` naming what you use (a .py beside "
                "the notebook becomes a module of the package)",
            )


def _installed(analysis: Analysis) -> None:
    """Stop on an import of a package that is not installed (the notebook cannot run here)."""
    for cell in analysis.cells:
        tree = analysis.trees.get(cell.id)
        for node in tree.body if tree else ():
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            for top in {n.split(".")[0] for n in names}:
                beside = analysis.path.parent / top
                known = top in analysis.local_modules or top in sys.stdlib_module_names
                known = known or beside.is_dir() or beside.with_suffix(".py").is_file()
                if known or top in analysis.dependencies or importlib.util.find_spec(top):
                    continue
                raise PromoteError(
                    f"{label(cell)} imports `{top}`, which is not installed where the notebook "
                    "runs",
                    f"install it ({install_hint(top)}) and promote again: it joins the product's "
                    "dependencies; or remove the import",
                )


def analyse(path: Path) -> Analysis:
    """Run stage 1: read, order-check, resolve globals, find the output, decide per cell."""
    analysis = read(path)
    _run_magic(analysis)
    _installed(analysis)
    _defined_before(analysis)
    _resolve_globals(analysis)
    _find_output(analysis)
    _slice(analysis)
    _tables(analysis)
    _data.find_reads(analysis)
    _data.resolve_reads(analysis)
    _pairtests.find(analysis)
    decide(analysis)
    return analysis
