"""`no-absolute-paths`: code names files relative to the project, not to one machine."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from typing import Any

from pairlab.checks._model import Check, Context, Param, Result, failed, passed
from pairlab.checks._registry import register
from pairlab.errors import and_more
from pairlab.notebook import Cell, python_source

# /home/ana/x, C:\Users\ana, \\server\share, ~/data: each names one machine's file system.
ABSOLUTE = re.compile(r"^(?:/(?!/)[^\s/]+/|[A-Za-z]:[\\/]|\\\\[^\\\s]+\\|~[/\\])")
_IN_MAGIC = re.compile(r"(?:^|\s)((?:/[^\s/]+/|[A-Za-z]:[\\/]|~/)\S*)")


def _strings(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Yield (line, value) for every string literal, f-string pieces included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def _cell_paths(cell: Cell) -> Iterator[tuple[int, str]]:
    """Yield (line, path) for absolute paths in the cell's code and its magics."""
    for number, line in enumerate(cell.source.split("\n"), start=1):
        if line.lstrip().startswith(("%", "!")):
            yield from ((number, m.group(1)) for m in _IN_MAGIC.finditer(line))
    try:
        tree = ast.parse(python_source(cell) or "")
    except SyntaxError:
        return  # lint-clean reports it; a cell that does not parse has no literals to judge
    yield from ((n, v) for n, v in _strings(tree) if ABSOLUTE.match(v))


def check_no_absolute_paths(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Flag string literals (and magic arguments) that start like an absolute path."""
    allowed = tuple(args["allow"])
    found = [
        (cell.id, line, path)
        for cell in ctx.notebook.code_cells
        for line, path in _cell_paths(cell)
        if not path.startswith(allowed)
    ]
    if not found:
        return passed("no machine-specific absolute paths in code")
    cell_id, line, path = found[0]
    return failed(
        f"{ctx.notebook.label(cell_id)} line {line} names '{path[:80]}', which exists only on "
        "one machine"
        + and_more(len(found))
        + '; use a path relative to the project, e.g. `Path("data") / "sales.csv"`, '
        "or make it a parameter",
        tuple(dict.fromkeys(c for c, _, _ in found)),
        tuple({"cell": c, "line": n, "path": p} for c, n, p in found),
    )


NO_ABSOLUTE_PATHS = register(
    Check(
        id="no-absolute-paths",
        title="No machine-specific absolute paths in code",
        func=check_no_absolute_paths,
        python_only=True,
        params={"allow": Param("strings", ["/dev/null"], "path prefixes that are fine everywhere")},
    )
)
