"""Read a data product (from `pairlab promote` or the data-product kit) for a lesson pack.

What a pack needs from it: its names and owner, the warehouse tables it reads, its package,
the notebook's parameters, and one function a learner can rebuild and test: a top-level
function whose every argument the lessons can supply (the connection, an input table, a
parameter, or its own default) and that ends by returning a value.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pairlab.curriculum._logic import Called, called_by_run, used_imports
from pairlab.errors import BadInput

DESCRIPTOR = "dataproduct.yaml"
# Modules searched for the function to rebuild, in order: promote's extracted functions first.
MODULES = ("transform", "pipeline")
CONNECTION = "con"
TABLE_FILES = (".csv", ".parquet")  # data files lesson 1 counts the rows of


@dataclass(frozen=True)
class Target:
    """The function the pack teaches: where it lives, its source, and how lessons call it."""

    module: str  # dotted, e.g. loss_ratio.transform
    name: str
    source: str  # the whole `def`, as the product has it
    signature: str  # the `def ...:` line(s) and docstring, for the learner's starting point
    body: str  # the rest of the `def`: what the learner writes
    call: str  # e.g. earned_by_region(con=con, year=year)
    mutant_body: str  # the body with its result cut to no rows
    imports: str  # what the function's module imports, and its constants the function reads
    inputs: str = ""  # statements that build the call's arguments, as pipeline.run does
    input_imports: str = ""  # what those statements and the call need, without the body's


@dataclass(frozen=True)
class Product:
    """What a lesson pack uses of a data product."""

    root: Path
    id: str
    title: str
    domain: str
    owner: str
    purpose: str
    tables: tuple[str, ...]
    package: str
    parameters: dict[str, Any]
    target: Target
    files: tuple[str, ...] = ()  # the tables it reads from files, as the pack's workspace has them


def _descriptor(root: Path) -> dict[str, Any]:
    """Return the product's descriptor, or say why it is not a product folder."""
    path = root / DESCRIPTOR
    if not root.is_dir():
        raise BadInput(f"--from {root} is not a folder", "pass the folder of a data product")
    if not path.is_file():
        raise BadInput(
            f"--from {root} holds no {DESCRIPTOR}",
            "pass a folder made by `pairlab promote` or `pairlab new data-product`",
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BadInput(f"{path}: not valid YAML ({exc})", "fix the descriptor") from None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise BadInput(f"{path}: no product `id`", "write the product's id in its descriptor")
    return data


def _package(root: Path, data: dict[str, Any]) -> str:
    """Return the product's package name: from its output port's build, else the one in src/."""
    for port in data.get("outputPorts") or []:
        for prop in port.get("customProperties") or []:
            if prop.get("property") == "build" and isinstance(prop.get("value"), str):
                return str(prop["value"]).split(":")[0].split(".")[0]
    found = [p.parent.name for p in sorted((root / "src").glob("*/__init__.py"))]
    if not found:
        raise BadInput(f"{root} has no package under src/", "promote the notebook first")
    return found[0]


def _literal_assignments(source: str) -> dict[str, Any]:
    """Return `name = literal` assignments of a cell's source."""
    found: dict[str, Any] = {}
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return found
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                continue
            if isinstance(target, ast.Name) and isinstance(value, bool | int | float | str):
                found[target.id] = value
    return found


def _parameters(root: Path) -> dict[str, Any]:
    """Return the literal parameters of the product's notebook (its `parameters` cell)."""
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        try:  # read the JSON directly: nbformat costs seconds to import
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            continue
        for cell in cells:
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                text = cell.get("source", "")
                return _literal_assignments("".join(text) if isinstance(text, list) else text)
    return {}


def _call(node: ast.FunctionDef, tables: tuple[str, ...], parameters: dict[str, Any]) -> str | None:
    """Return how the lessons call `node`, or None when an argument cannot be supplied."""
    args = node.args
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    params = list(zip(positional, defaults, strict=True))
    params += list(zip(args.kwonlyargs, args.kw_defaults, strict=True))
    parts = []
    for arg, default in params:
        if arg.arg == CONNECTION:
            parts.append(f"{CONNECTION}={CONNECTION}")
        elif arg.arg in tables:
            parts.append(f'{arg.arg}={CONNECTION}.table("{arg.arg}")')
        elif arg.arg in parameters:
            parts.append(f"{arg.arg}={arg.arg}")
        elif default is None:
            return None
    if args.posonlyargs or args.vararg or args.kwarg:
        return None
    return f"{node.name}({', '.join(parts)})"


def _mutant_body(node: ast.FunctionDef) -> str | None:
    """Return the body with its final `return X` made `return (X).head(0)`: no rows."""
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    if not body or not isinstance(body[-1], ast.Return) or body[-1].value is None:
        return None
    last = body[-1]
    assert last.value is not None
    head = ast.Call(ast.Attribute(last.value, "head", ast.Load()), [ast.Constant(0)], [])
    cut = ast.Return(value=head)
    return "\n".join(ast.unparse(stmt) for stmt in [*body[:-1], cut])


def _signature(source: str, node: ast.FunctionDef) -> tuple[str, str]:
    """Return the `def` line(s) with the docstring, and the rest of the body, as written."""
    lines = source.splitlines()
    first = node.body[0]
    has_doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
    end = first.end_lineno if has_doc and first.end_lineno else node.body[0].lineno - 1
    return "\n".join(lines[node.lineno - 1 : end]), "\n".join(lines[end : node.end_lineno])


def _imports(tree: ast.Module, module: str, node: ast.FunctionDef) -> str:
    """Return the module's imports and the module-level names `node` reads, as import lines."""
    lines = [
        ast.unparse(stmt)
        for stmt in tree.body
        if isinstance(stmt, ast.Import | ast.ImportFrom)
        and getattr(stmt, "module", None) != "__future__"
    ]
    assigned = {
        target.id
        for stmt in tree.body
        if isinstance(stmt, ast.Assign | ast.AnnAssign)
        for target in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
        if isinstance(target, ast.Name)
    } | {s.name for s in tree.body if isinstance(s, ast.FunctionDef) and s is not node}
    read = sorted({n.id for n in ast.walk(node) if isinstance(n, ast.Name)} & assigned)
    if read:
        lines.append(f"from {module} import {', '.join(read)}")
    return "\n".join(lines)


def _from_run(called: Called) -> Target | None:
    """Return the target `pipeline.run` calls, on the inputs `run` builds for it."""
    node, source = called.node, called.source
    body = _mutant_body(node)
    if body is None:
        return None
    text = ast.get_source_segment(source, node) or ""
    lines = [*called.imports, *_imports(called.tree, called.module, node).splitlines()]
    code = "\n".join([called.inputs, called.call, text])
    drop = {node.name, "connect"}  # the lesson defines the one, imports the other itself
    imports = "\n".join(used_imports(lines, code, drop))
    needed = "\n".join(used_imports(lines, f"{called.inputs}\n{called.call}", drop))
    signature, rest = _signature(source, node)
    return Target(
        called.module, node.name, text, signature, rest, called.call, body, imports,
        called.inputs, needed,
    )  # fmt: skip


def _target(root: Path, package: str, tables: tuple[str, ...], params: dict[str, Any]) -> Target:
    """Return the function holding the logic: the largest pure one `pipeline.run` calls.

    Without one (a pipeline that calls none of the package's functions), the first function
    of the package the lessons can call from the connection, tables and parameters alone.
    """
    called = called_by_run(root, package, params)
    chosen = _from_run(called) if called else None
    if chosen is not None:
        return chosen
    candidates: list[tuple[str, ast.FunctionDef, str, ast.Module]] = []
    for name in MODULES:
        path = root / "src" / package / f"{name}.py"
        if not path.is_file():
            continue
        source = path.read_text(encoding="utf-8")
        try:
            tree = ast.parse(source)
        except SyntaxError as exc:
            raise BadInput(f"{path} does not parse (line {exc.lineno})", "fix it first") from None
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                candidates.append((f"{package}.{name}", node, source, tree))
    for module, node, source, tree in candidates:
        call, body = _call(node, tables, params), _mutant_body(node)
        if call and body:
            text = ast.get_source_segment(source, node) or ""
            (signature, rest), imports = _signature(source, node), _imports(tree, module, node)
            return Target(module, node.name, text, signature, rest, call, body, imports)
    raise BadInput(
        f"no function in src/{package}/ takes only the connection, input tables and parameters",
        "give one function arguments named `con`, a warehouse table or a notebook parameter",
    )


def _data_files(root: Path, package: str) -> tuple[str, ...]:
    """Return the package's data files a frame reads (CSV, parquet), as `package/...` paths."""
    folder = root / "src" / package
    return tuple(
        path.relative_to(folder.parent).as_posix()
        for path in sorted(folder.rglob("*"))
        if path.suffix in TABLE_FILES and path.is_file() and "__pycache__" not in path.parts
    )


def read_product(root: Path) -> Product:
    """Return what a lesson pack uses of the data product in `root`."""
    data = _descriptor(root)
    team = data.get("team") or {}
    members = team.get("members") or [] if isinstance(team, dict) else []
    owner = next((m.get("username", "") for m in members if m.get("role") == "owner"), "")
    tables = tuple(p["name"] for p in data.get("inputPorts") or [] if isinstance(p, dict))
    package = _package(root, data)
    parameters = _parameters(root)
    description = data.get("description") or {}
    return Product(
        root=root.resolve(),
        id=data["id"],
        title=str(data.get("name") or data["id"]),
        domain=str(data.get("domain") or ""),
        owner=str(owner),
        purpose=str(description.get("purpose", "")) if isinstance(description, dict) else "",
        tables=tables,
        package=package,
        parameters=parameters,
        target=_target(root, package, tables, parameters),
        files=_data_files(root, package),
    )
