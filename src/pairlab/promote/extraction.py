"""Stage 2: write the package modules and the notebook rewritten to import them."""

from __future__ import annotations

import ast
import copy
import textwrap
from dataclasses import dataclass
from typing import Any

from pairlab.notebook import Cell
from pairlab.promote._data import rewrite_paths
from pairlab.promote._model import Analysis, label
from pairlab.promote._source import clean
from pairlab.promote._symbols import loads


@dataclass(frozen=True)
class Names:
    """What the product is called: its id, its package, and its output port."""

    product_id: str
    package: str
    output: str
    notebook: str  # the rewritten notebook's file stem


def docstring(text: str, indent: str = "") -> str:
    """Return a docstring for `text`, wrapped to stay within the product's line length (100)."""
    one = f'{indent}"""{text}"""'
    if len(one) <= 100:
        return one
    width = 100 - len(indent) - 6  # the quotes open the first line and close the last
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    body = f"\n{indent}".join(lines)
    return f'{indent}"""{body}"""'


def _keyword_edits(python: str, kwonly: dict[str, list[str]]) -> list[tuple[int, int, str]]:
    """Return (line, column, text) insertions passing keyword parameters to calls that need them."""
    edits = []
    for node in ast.walk(ast.parse(python)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            given = {k.arg for k in node.keywords}
            missing = [k for k in kwonly.get(node.func.id, []) if k not in given]
            if missing:
                sep = ", " if node.args or node.keywords else ""
                text = sep + ", ".join(f"{k}={k}" for k in missing)
                edits.append((node.end_lineno or 0, (node.end_col_offset or 1) - 1, text))
    return edits


def add_keywords(
    python: str, kwonly: dict[str, list[str]], skip: set[int] | frozenset[int] = frozenset()
) -> str:
    """Return `python` with keyword parameters added to calls (columns are UTF-8 offsets)."""
    lines = python.split("\n")
    for line, col, text in sorted(_keyword_edits(python, kwonly), reverse=True):
        if line in skip:
            continue
        raw = lines[line - 1].encode()
        lines[line - 1] = (raw[:col] + text.encode() + raw[col:]).decode()
    return "\n".join(lines)


def _signature(
    node: ast.FunctionDef | ast.AsyncFunctionDef,
    text: str,
    extra: list[str],
    defaults: dict[str, str],
) -> str:
    """Return the function's text with keyword-only parameters added to its signature."""
    tree = ast.parse(text).body[0]
    assert isinstance(tree, ast.FunctionDef | ast.AsyncFunctionDef)
    new = copy.deepcopy(tree.args)
    for name in extra:
        new.kwonlyargs.append(ast.arg(name))
        new.kw_defaults.append(ast.parse(defaults[name], mode="eval").body)
    lines = text.split("\n")
    body_line = tree.body[0].lineno
    head = lines[tree.lineno - 1]
    indent = head[: len(head) - len(head.lstrip())]
    prefix = "async def" if isinstance(tree, ast.AsyncFunctionDef) else "def"
    returns = f" -> {ast.unparse(tree.returns)}" if tree.returns else ""
    signature = f"{indent}{prefix} {tree.name}({ast.unparse(new)}){returns}:"
    if body_line == tree.lineno:  # a one-line function: rebuild it whole
        return ast.unparse(ast.FunctionDef(**{**tree.__dict__, "args": new}))
    return "\n".join([*lines[: tree.lineno - 1], signature, *lines[body_line - 1 :]])


def _kwonly(analysis: Analysis) -> dict[str, list[str]]:
    """Return the keyword parameters each function gained."""
    return {name: f.kwonly for name, f in analysis.functions.items() if f.kwonly}


def _all_keywords(analysis: Analysis) -> dict[str, list[str]]:
    """Return every keyword each function gained: parameters and data paths (package code)."""
    found = {name: f.kwonly + f.data for name, f in analysis.functions.items()}
    return {name: kws for name, kws in found.items() if kws}


def _paths(analysis: Analysis) -> dict[str, str]:
    """Return each carried read path -> its keyword."""
    return {r.path: r.param for r in analysis.reads if r.param}


FILES_LINE = "FILES = Path(__file__).parent  # the files the notebook read travel with the package"


def localize(line: str, analysis: Analysis, package: str) -> str:
    """Return an import line with the notebook's own modules imported from the package."""
    words = line.split()
    if words[1] not in analysis.local_modules:
        return line
    if words[0] == "import":
        return f"from {package} import {' '.join(words[1:])}"
    return f"from {package}.{' '.join(words[1:])}"


def _imports_for(analysis: Analysis, names: set[str], package: str = "") -> list[str]:
    """Return the import lines binding `names`, the notebook's modules taken from the package."""
    lines = {analysis.imports[n] for n in names if n in analysis.imports}
    return sorted(localize(line, analysis, package) for line in lines)


def transform_module(analysis: Analysis, names: Names) -> str:
    """Return src/<package>/transform.py: the notebook's functions, their imports and constants."""
    kwonly = _all_keywords(analysis)
    defaults = {**analysis.parameters, **analysis.data_params}
    used: set[str] = set()
    bodies = []
    for func in analysis.functions.values():
        used |= func.globals
        text = add_keywords(rewrite_paths(func.text, _paths(analysis)), kwonly)
        if func.kwonly or func.data:
            text = _signature(func.node, text, func.kwonly + func.data, defaults)
        bodies.append(text)
    consts = [analysis.constants[n] for n in sorted(used) if n in analysis.constants]
    consts = [
        c for c in consts if not any(c.split("=")[0].strip() == f for f in analysis.functions)
    ]
    doc = docstring(f"The functions of notebooks/{names.notebook}.ipynb, promoted by pairlab.")
    imports = _imports_for(analysis, used, names.package)
    if any(f.data for f in analysis.functions.values()):
        imports.append("from pathlib import Path")
        consts.insert(0, FILES_LINE)
    parts = [doc, "\n".join(imports), "\n".join(consts), *bodies]
    return "\n\n\n".join(p for p in parts if p.strip()) + "\n"


def _pipeline_body(analysis: Analysis) -> list[str]:
    """Return the statements of run(), the connection made only when none is given."""
    kwonly = _all_keywords(analysis)
    body = []
    for stmt in analysis.pipeline:
        text = add_keywords(rewrite_paths(stmt.text, _paths(analysis)), kwonly)
        if analysis.connection and stmt.stores == {analysis.connection}:
            node = ast.parse(stmt.text).body[0]
            value = (
                ast.get_source_segment(stmt.text, node.value)
                if isinstance(node, ast.Assign)
                else None
            )
            text = f"if {analysis.connection} is None:\n    {analysis.connection} = {value}"
        body.append(text)
    return body


def pipeline_module(analysis: Analysis, names: Names) -> str:
    """Return src/<package>/pipeline.py: run() builds the output as the notebook does."""
    loads = set().union(*(s.loads for s in analysis.pipeline)) if analysis.pipeline else set()
    # Every product's build is handed the warehouse (`run(con)`); a pipeline that reads none
    # names it unused, so no check (pure-functions) and no reader takes it for an input.
    reads = analysis.connection or ("con" if "con" in loads else "")
    con = reads or "_con"
    built = (
        f"built on the warehouse `{con}`" if reads else "from the files it reads (`_con` unused)"
    )
    funcs = sorted(loads & set(analysis.functions))
    imports = _imports_for(analysis, loads, names.package)
    if funcs:
        imports.append(f"from {names.package}.transform import {', '.join(funcs)}")
    every = {**analysis.parameters, **analysis.data_params}
    params = "".join(f", {n}={v}" for n, v in every.items())
    star = ", *" if every else ""
    head = ""
    if any(rewrite_paths(s.text, _paths(analysis)) != s.text for s in analysis.pipeline):
        imports.append("from pathlib import Path")
        head = f"\n\n{FILES_LINE}"
    body = "\n".join([*_pipeline_body(analysis), f"return {analysis.output}"])
    doc = docstring(f"Build `{analysis.output}` as notebooks/{names.notebook}.ipynb does.")
    func = (
        f"def run({con}=None{star}{params}):\n"
        + docstring(f"Return the output table `{names.output}`, {built}.", " " * 4)
        + f"\n{textwrap.indent(body, '    ')}\n"
    )
    top = "\n".join(imports) + head
    return "\n\n\n".join([doc, top, func]) if imports else f"{doc}\n\n\n{func}"


def _definitions(cell: Cell, analysis: Analysis) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Return a cell's definitions of exported functions, copies pasted earlier included."""
    tree = analysis.trees.get(cell.id)
    return [
        n
        for n in (tree.body if tree else [])
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name in analysis.functions
    ]


def _drop_lines(cell: Cell, analysis: Analysis) -> set[int]:
    """Return the 1-based lines to remove from a code cell: exported functions, pip installs."""
    cleaned = analysis.cleaned[cell.id]
    drop = {n for n in cleaned.dropped_lines if "pip" in cell.source.split("\n")[n - 1]}
    for node in _definitions(cell, analysis):
        decorators = [d.lineno for d in node.decorator_list]
        end = node.end_lineno or node.lineno
        drop |= set(range(min([node.lineno, *decorators]), end + 1))
        if analysis.functions[node.name].cell.id != cell.id:
            kept = label(analysis.functions[node.name].cell)
            analysis.changes.append(
                f"{label(cell)}: removed the pasted copy of `{node.name}` "
                f"(the package keeps {kept}'s)"
            )
    return drop


def _rewrite_cell(cell: Cell, analysis: Analysis, kwonly: dict[str, list[str]]) -> str:
    """Return a code cell's new source: exported code gone, keyword arguments passed."""
    cleaned = analysis.cleaned[cell.id]
    if cleaned.magic_cell:
        return cell.source
    source = cell.source
    if kwonly:
        edited = add_keywords(cleaned.python, kwonly, cleaned.dropped_lines).split("\n")
        original = source.split("\n")
        source = "\n".join(
            o if i + 1 in cleaned.dropped_lines else e
            for i, (o, e) in enumerate(zip(original, edited, strict=True))
        )
    drop = _drop_lines(cell, analysis)
    kept = [line for i, line in enumerate(source.split("\n"), 1) if i not in drop]
    return "\n".join(kept).strip("\n")


def _cell(source: str, cell_id: str, tags: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return a fresh code cell."""
    meta = {"tags": list(tags)} if tags else {}
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": cell_id,
        "metadata": meta,
        "outputs": [],
        "source": source,
    }


def notebook_cells(analysis: Analysis, names: Names) -> list[dict[str, Any]]:
    """Return the rewritten notebook's cells: the analyst's story, importing the package."""
    kwonly = _kwonly(analysis)
    cells: list[dict[str, Any]] = []
    placed = False
    for cell in analysis.cells:
        if cell.type != "code":
            cells.append(
                {"cell_type": cell.type, "id": cell.id, "metadata": {}, "source": cell.source}
            )
            continue
        if not placed and _definitions(cell, analysis):
            names_ = ", ".join(sorted(analysis.functions))
            cells.append(
                _cell(f"from {names.package}.transform import {names_}", f"{cell.id}-import")
            )
            analysis.changes.append(
                f"notebook cell {len(cells)}: new, imports {names_} from the package"
            )
            placed = True
        rewritten = _rewrite_cell(cell, analysis, kwonly)
        source = _localize_cell(rewritten, analysis, names.package)
        if source != rewritten:
            analysis.changes.append(
                f"{label(cell)}: imports the notebook's modules from the package {names.package}"
            )
        if source.strip():
            cells.append(_cell(source, cell.id, cell.tags))
    return prune_imports(cells, analysis.changes)


def _prune(source: str, used: set[str], removed: list[str]) -> str:
    """Return a cell's source without the imports nothing uses any more (named in `removed`)."""
    cleaned = clean(source)
    if cleaned.magic_cell:
        return source
    lines = source.split("\n")
    tree = ast.parse(cleaned.python)
    for node in reversed(tree.body):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        keep = [a for a in node.names if (a.asname or a.name.split(".")[0]) in used]
        if len(keep) == len(node.names):
            continue
        removed += [ast.unparse(a) for a in node.names if a not in keep]
        replacement = [ast.unparse(type(node)(**{**node.__dict__, "names": keep}))] if keep else []
        lines[node.lineno - 1 : node.end_lineno] = replacement
    return "\n".join(lines).strip("\n")


def _localize_cell(source: str, analysis: Analysis, package: str) -> str:
    """Return a cell whose imports of the notebook's own modules now name the package."""
    cleaned = clean(source)
    if cleaned.magic_cell or not analysis.local_modules:
        return source
    lines = source.split("\n")
    for node in reversed(ast.parse(cleaned.python).body):
        if isinstance(node, ast.Import | ast.ImportFrom):
            new = [localize(ln, analysis, package) for ln in _node_lines(node)]
            if new != _node_lines(node):
                lines[node.lineno - 1 : node.end_lineno] = new
    return "\n".join(lines)


def _node_lines(node: ast.Import | ast.ImportFrom) -> list[str]:
    """Return one import line per alias of an import statement."""
    return [ast.unparse(type(node)(**{**node.__dict__, "names": [a]})) for a in node.names]


def prune_imports(
    cells: list[dict[str, Any]], changes: list[str] | None = None
) -> list[dict[str, Any]]:
    """Drop imports the rewritten notebook no longer uses (they moved with the functions)."""
    used: set[str] = set()
    for cell in cells:
        if cell["cell_type"] == "code":
            tree = ast.parse(clean(cell["source"]).python)
            used |= set().union(set(), *(loads(n) for n in tree.body))
    for number, cell in enumerate(cells, 1):
        if cell["cell_type"] == "code":
            removed: list[str] = []
            cell["source"] = _prune(cell["source"], used, removed)
            if removed and changes is not None:
                changes.append(
                    f"notebook cell {number}: removed the import of {', '.join(removed)}, "
                    "which only the exported code used"
                )
    return [c for c in cells if c["cell_type"] != "code" or c["source"].strip()]
