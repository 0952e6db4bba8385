"""Stage 1's data rule: every file the notebook reads by a literal path travels with it or stops it.

A relative path inside the notebook's folder, at most MAX_DATA_BYTES, becomes a keyword of
`pipeline.run()` (default: the notebook's value) and its file is carried into the product;
an absolute path, a path outside the folder, a missing or too large file stops promotion
before anything is staged, naming the cell, the path and the fix. URLs are named as flags.
"""

from __future__ import annotations

import ast
import posixpath
import re
from pathlib import Path

from pairlab.notebook import Cell
from pairlab.promote._model import Analysis, DataRead, PromoteError, label

MAX_DATA_BYTES = 5_000_000  # per path: a sample a product may carry in git, not a data set
WRITERS = {"to_csv", "to_parquet", "to_excel", "to_json", "to_feather", "to_pickle", "savefig"}
_PATH_KEYWORDS = ("path", "filepath_or_buffer", "source", "file", "fname", "io", "path_or_buf")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_READ = re.compile(r"^(read_\w+|scan_\w+|loadtxt|genfromtxt|ParquetFile|open)$")


def _attr(func: ast.expr) -> str:
    """Return the called name: `read_csv` for pd.read_csv, `open` for open."""
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _dotted(func: ast.expr) -> str:
    """Return the call's dotted name as written (pd.read_csv), for messages."""
    try:
        return ast.unparse(func)
    except (ValueError, TypeError):  # pragma: no cover - ast.unparse reads any parsed node
        return _attr(func)


def _path_arg(call: ast.Call) -> ast.expr | None:
    """Return the argument holding the path of a reading or writing call, if any."""
    if call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg in _PATH_KEYWORDS), None)


def _writes(call: ast.Call) -> bool:
    """Return whether an `open(...)` call opens for writing."""
    mode = call.args[1] if len(call.args) > 1 else None
    mode = mode or next((k.value for k in call.keywords if k.arg == "mode"), None)
    return isinstance(mode, ast.Constant) and any(c in str(mode.value) for c in "wax")


def literal(node: ast.expr | None) -> tuple[str, list[str]] | None:
    """Return (path text, placeholders) of a string or a plain f-string, else None.

    An f-string's path keeps its `{name}` placeholders; one formatting anything but a plain
    name is refused, since its value cannot be given as a keyword.
    """
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, []
    if not isinstance(node, ast.JoinedStr):
        return None
    text, names = "", []
    for part in node.values:
        if isinstance(part, ast.Constant):
            text += str(part.value).replace("{", "{{").replace("}", "}}")
        elif (
            isinstance(part, ast.FormattedValue)
            and isinstance(part.value, ast.Name)
            and part.format_spec is None
            and part.conversion == -1
        ):
            text += "{" + part.value.id + "}"
            names.append(part.value.id)
        else:
            return text + "{?}", ["?"]
    return text, list(dict.fromkeys(names))


def path_calls(tree: ast.AST) -> list[tuple[ast.Call, ast.expr, str]]:
    """Return (call, path node, 'read'|'write') for each file call with a literal path."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _attr(node.func)
        target = node.func.value if isinstance(node.func, ast.Attribute) else None
        on_path = isinstance(target, ast.Call) and _attr(target.func) == "Path" and target.args
        if name in ("read_text", "read_bytes", "open") and on_path:  # Path("x").read_text()
            assert isinstance(target, ast.Call)
            found.append((node, target.args[0], "read"))
            continue
        if (out := _output_of(node, name, target if on_path else None)) is not None:
            found.append((node, out, "write"))
            continue
        if name in WRITERS or (name == "open" and _writes(node)):
            arg = _path_arg(node)
            if arg is not None and literal(arg) is not None:
                found.append((node, arg, "write"))
        elif _READ.match(name):
            arg = _path_arg(node)
            if arg is not None and literal(arg) is not None:
                found.append((node, arg, "read"))
    return found


def _glob(path: str) -> str:
    """Return a path with its f-string placeholders as `*` and its doubled braces single."""
    pattern = re.sub(r"\{[^{}]*\}", "*", path.replace("{{", "\0").replace("}}", "\1"))
    return pattern.replace("\0", "{").replace("\1", "}")


def _output_of(call: ast.Call, name: str, path_call: ast.expr | None) -> ast.expr | None:
    """Return the literal path a call writes that is not a table writer's, or None.

    A folder the notebook makes (`Path("reports").mkdir()`, `os.makedirs("reports")`) holds
    what it writes at run time; papermill's `execute_notebook(in, out)` writes `out`.
    """
    if name == "mkdir" and isinstance(path_call, ast.Call):
        arg: ast.expr | None = path_call.args[0]
    elif name == "makedirs" or (name == "mkdir" and path_call is None):
        arg = call.args[0] if call.args else None
    elif name == "execute_notebook":
        arg = call.args[1] if len(call.args) > 1 else None
        arg = arg or next((k.value for k in call.keywords if k.arg == "output_path"), None)
    else:
        return None
    return arg if arg is not None and literal(arg) is not None else None


def _classify(read: DataRead, folder: Path) -> None:
    """Set what a read path is: a local file (with its files and size), or why it cannot go."""
    path = read.path
    if _URL.match(path):
        read.kind = "url"
        return
    if path.startswith(("/", "~", "\\")) or re.match(r"^[A-Za-z]:[\\/]", path):
        read.kind = "absolute"
        return
    norm = posixpath.normpath(_glob(path).replace("\\", "/"))
    if norm == ".." or norm.startswith("../"):
        read.kind = "outside"
        return
    matched = sorted(folder.glob(norm)) if "*" in norm else [folder / norm]
    files = [p for m in matched for p in ([m] if m.is_file() else sorted(m.rglob("*")))]
    read.files = [p for p in files if p.is_file()]
    read.size = sum(p.stat().st_size for p in read.files)
    read.kind = "missing" if not read.files else "large" if read.size > MAX_DATA_BYTES else "local"


def _param_name(path: str, taken: set[str]) -> str:
    """Return a keyword for a path: `claims_path` for data/claims.csv, unique in the module."""
    stem = re.sub(r"\{[^{}]*\}", "", posixpath.basename(path.rstrip("/")).split(".")[0])
    word = re.sub(r"[^0-9a-zA-Z]+", "_", stem).strip("_").lower() or "data"
    base = f"{word}_path" if word[0].isalpha() else f"data_{word}_path"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


def find_reads(analysis: Analysis) -> None:
    """Find every literal file path the notebook's code reads or writes."""
    folder = analysis.path.parent
    for cell in analysis.cells:
        tree = analysis.trees.get(cell.id)
        if tree is None:
            continue
        for call, arg, how in path_calls(tree):
            text, names = literal(arg) or ("", [])
            if how == "write":
                if text and not _URL.match(text) and not text.startswith("/"):
                    # An f-string path is ignored as a pattern: f"out/{year}.csv" -> out/*.csv
                    analysis.writes.append(posixpath.normpath(_glob(text)))
                continue
            read = DataRead(cell, call.lineno, _dotted(call.func), text, "", placeholders=names)
            _classify(read, folder)
            analysis.reads.append(read)


def _stop(read: DataRead) -> PromoteError | None:
    """Return the stop a read that cannot travel causes, or None."""
    where = f"{label(read.cell)} line {read.line}: {read.call}({read.path!r})"
    if "?" in read.placeholders:
        fix = "build the path in a variable from plain names, e.g. f'data/claims_{year}.csv'"
        return PromoteError(f"{where} formats an expression into the path", fix)
    fixes = {
        "absolute": (
            "reads an absolute path, which exists on this machine only",
            "copy the file beside the notebook (e.g. data/) and read it by a relative path, "
            "or load it into the warehouse and read it with con.table(...)",
        ),
        "outside": (
            "reads a file outside the notebook's folder",
            "move the file into the notebook's folder (e.g. data/) and read it from there",
        ),
        "missing": (
            "reads a file that is not beside the notebook",
            "put the file where the path says, run the notebook top to bottom, promote again",
        ),
        "large": (
            f"reads {read.size / 1e6:.1f} MB, more than the {MAX_DATA_BYTES // 1_000_000} MB "
            "a product carries",
            "load the data into the warehouse and read it with con.table(...), "
            "or read a smaller sample file",
        ),
    }
    if read.kind not in fixes:
        return None
    problem, fix = fixes[read.kind]
    return PromoteError(f"{where} {problem}", fix)


def _in_package(analysis: Analysis, read: DataRead) -> list[str]:
    """Return the functions (or 'pipeline') whose code holds the read: they get a keyword."""
    owners = []
    for func in analysis.functions.values():
        if func.cell.id == read.cell.id and func.node.lineno <= read.line <= _end(func.node):
            owners.append(func.name)
    for stmt in analysis.pipeline:
        if stmt.cell.id == read.cell.id and stmt.node.lineno <= read.line <= _end(stmt.node):
            owners.append("pipeline")
    return owners


def _end(node: ast.stmt) -> int:
    """Return a statement's last line."""
    return node.end_lineno or node.lineno


def resolve_reads(analysis: Analysis) -> None:
    """Stop on a read that cannot travel; give each one the package runs a keyword."""
    urls = [f"{label(r.cell)} reads the URL {r.path}" for r in analysis.reads if r.kind == "url"]
    for read in analysis.reads:
        error = _stop(read)
        if error is not None:
            also = f" (also: {', '.join(urls)})" if urls else ""
            raise PromoteError(f"{error.problem}{also}", error.fix)
    taken = set(analysis.parameters) | set(analysis.functions) | set(analysis.imports)
    taken |= {n for s in analysis.statements for n in s.stores}
    by_path: dict[str, str] = {}
    for read in analysis.reads:
        if read.kind == "url":
            analysis.flags.append(
                f"{label(read.cell)} line {read.line}: {read.call} reads the URL {read.path}: "
                "the product's CI needs network access to it; a warehouse table is sturdier"
            )
            continue
        owners = _in_package(analysis, read)
        size = f"{read.size / 1000:.0f} kB" if read.size >= 1000 else f"{read.size} B"
        if not owners:
            analysis.flags.append(
                f"{label(read.cell)}: reads {read.path} ({size}); the file goes into the "
                "product's notebooks/ beside the notebook"
            )
            continue
        param = by_path.get(read.path) or _param_name(read.path, taken)
        taken.add(param)
        by_path[read.path] = read.param = param
        analysis.data_params[param] = repr(read.path)
        for owner in owners:
            func = analysis.functions.get(owner)
            if func is not None and param not in func.data:
                func.data.append(param)
        analysis.changes.append(
            f"{label(read.cell)} line {read.line}: {read.call}({read.path!r}) reads "
            f"`FILES / {param}` in the package; `{param}` is a keyword of "
            f"{'pipeline.run()' if 'pipeline' in owners else ', '.join(owners)} "
            f"(default {read.path!r}); the file ({size}) is package data"
        )


def rewrite_paths(text: str, params: dict[str, str]) -> str:
    """Return code with each literal read path the package carries replaced by its keyword."""
    edits = []
    for _call, arg, how in path_calls(ast.parse(text)):
        found = literal(arg)
        if how != "read" or found is None or found[0] not in params:
            continue
        param, names = params[found[0]], found[1]
        fmt = f".format({', '.join(f'{n}={n}' for n in names)})" if names else ""
        edits.append((arg.lineno, arg.col_offset, arg.end_lineno, arg.end_col_offset, param, fmt))
    lines = text.split("\n")
    for line, col, end_line, end_col, param, fmt in sorted(edits, reverse=True):
        first, last = lines[line - 1].encode(), lines[(end_line or line) - 1].encode()
        new = first[:col] + f"FILES / {param}{fmt}".encode() + last[end_col or 0 :]
        lines[line - 1 : end_line] = [new.decode()]
    return "\n".join(lines)


def carried(analysis: Analysis) -> dict[str, Path]:
    """Return the data files to carry: product path -> source, for the notebook and package."""
    folder = analysis.path.parent
    files: dict[str, Path] = {}
    for read in analysis.reads:
        if read.kind != "local":
            continue
        for path in read.files:
            rel = path.relative_to(folder).as_posix()
            files[f"notebooks/{rel}"] = path
            if read.param:
                files[f"{{package}}/{rel}"] = path
    return files


def cell_reads(analysis: Analysis, cell: Cell) -> list[DataRead]:
    """Return the reads of one cell."""
    return [r for r in analysis.reads if r.cell.id == cell.id]
