"""Which warehouse tables a notebook queries, read statically from its code (nothing runs)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

# FROM/JOIN <name> in SQL text; a qualified name keeps its last part (schema.table -> table).
_SQL_TABLE = re.compile(r"\b(?:from|join)\s+[\"`]?([A-Za-z_][\w.\"`]*)", re.IGNORECASE)
# con.table("claims") and friends, for code ast cannot parse (IPython magics, syntax errors).
_TABLE_CALL = re.compile(r"\.table\(\s*[\"']([A-Za-z_][\w.]*)[\"']")
_MAGIC = re.compile(r"^\s*[%!]")
_SQL_WORDS = re.compile(r"\bselect\b", re.IGNORECASE)
# FROM inside a function's parentheses names a column, not a table: extract(year FROM d).
_FUNC_FROM = re.compile(r"\b(extract|substring|trim|overlay)\s*\(([^()]*?)\bfrom\b", re.IGNORECASE)


def _last(name: str) -> str:
    """Return the table part of a possibly qualified, quoted name, in lower case."""
    return name.replace('"', "").replace("`", "").rsplit(".", 1)[-1].lower()


def _sql_list(text: str) -> list[str]:
    """Return the tables a piece of SQL reads, in the order it names them."""
    if not _SQL_WORDS.search(text):
        return []
    text = _FUNC_FROM.sub(r"\1(\2", text)
    return list(dict.fromkeys(_last(m) for m in _SQL_TABLE.findall(text)))


def _sql_tables(text: str) -> set[str]:
    """Return the tables a piece of SQL reads."""
    return set(_sql_list(text))


def tables_in_tree(tree: ast.AST) -> list[str]:
    """Return tables named in `.table("x")` calls and SQL string constants, first seen first.

    Promotion reads a function's or a statement's tree with it; the catalog reads whole cells.
    """
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            first = node.args[0] if node.args else None
            if node.func.attr == "table" and isinstance(first, ast.Constant):
                found += [_last(first.value)] if isinstance(first.value, str) else []
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += _sql_list(node.value)
    return list(dict.fromkeys(found))


def tables_in_code(source: str) -> set[str]:
    """Return the tables one cell's code queries through ibis or SQL."""
    if source.lstrip().startswith("%%sql"):
        return _sql_tables(source.split("\n", 1)[1] if "\n" in source else "")
    python = "\n".join("" if _MAGIC.match(line) else line for line in source.splitlines())
    try:
        return set(tables_in_tree(ast.parse(python)))
    except SyntaxError:
        # A learner's half-typed cell still names its tables; read them with patterns.
        return {_last(t) for t in _TABLE_CALL.findall(source)} | _sql_tables(source)


def tables_in_cells(sources: Iterable[str]) -> list[str]:
    """Return the tables the cells query, sorted."""
    found: set[str] = set()
    for source in sources:
        found |= tables_in_code(source)
    return sorted(found)


_IMPORT = re.compile(r"^\s*(?:from\s+([A-Za-z_]\w*)[\w.]*\s+import|import\s+([A-Za-z_]\w*))", re.M)


def imported_modules(sources: Iterable[str]) -> list[str]:
    """Return the top-level module names the cells import (a product's own module among them)."""
    found = {a or b for source in sources for a, b in _IMPORT.findall(source)}
    return sorted(found)
