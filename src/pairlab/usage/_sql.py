"""Which tables a query reads, by parsing its SQL with sqlglot (CTEs, aliases, quotes, views).

A table counts as read when it is a source of some scope of the statement: a CTE's name or a
subquery's alias is not a table, an INSERT's or CREATE TABLE's target is written, not read.
Names compare case-insensitively as `schema.table` (the catalog or project part is dropped:
a product table is the same table whichever database or project prefix a log writes).
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.scope import traverse_scope

# The dialect sqlglot reads each log's SQL in; plain logs come from the embedded DuckDB.
DIALECTS = {"csv": "duckdb", "jsonl": "duckdb", "snowflake": "snowflake",
            "bigquery": "bigquery", "trino": "trino"}  # fmt: skip


class Unparsed(Exception):
    """The parser cannot read a query; it is counted, never taken as a read."""


def table_name(*parts: str) -> str:
    """Return the `schema.table` key of a qualified name (catalog or project dropped)."""
    kept = [p for p in parts if p][-2:]
    return ".".join(kept).lower()


def _read_in(statement: exp.Expr) -> set[str]:
    """Return the tables one parsed statement reads."""
    found: set[str] = set()
    for scope in traverse_scope(statement):
        for source in scope.sources.values():
            if isinstance(source, exp.Table) and source.name:
                found.add(table_name(source.db, source.name))
    return found


def _view(statement: exp.Expr) -> tuple[str, exp.Expr] | None:
    """Return (name, query) when the statement defines a view."""
    if isinstance(statement, exp.Create) and str(statement.args.get("kind", "")).upper() == "VIEW":
        target = statement.this
        table = target if isinstance(target, exp.Table) else target.find(exp.Table)
        query = statement.expression
        if table is not None and query is not None:
            return table_name(table.db, table.name), query
    return None


def expand(tables: Iterable[str], views: MutableMapping[str, set[str]]) -> set[str]:
    """Replace each view by the tables it reads, through views over views (cycles stop)."""
    seen: set[str] = set()
    todo, out = list(tables), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in views:
            todo.extend(views[name])
        else:
            out.add(name)
    return out


def tables_read(sql: str, dialect: str, views: MutableMapping[str, set[str]]) -> set[str]:
    """Return the tables `sql` reads, views expanded; learn any view it defines into `views`."""
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
        if not statements:
            raise Unparsed("the query is empty")
        found: set[str] = set()
        for statement in statements:
            defined = _view(statement)
            if defined:
                views[defined[0]] = _read_in(defined[1])
                continue
            found |= _read_in(statement)
    except (SqlglotError, RecursionError, ValueError) as exc:
        raise Unparsed(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc
    return expand(found, views)


def warehouse_views(con: Any) -> dict[str, set[str]]:
    """Return each view of an ibis connection with the tables it reads (information_schema).

    DuckDB keeps a view's whole CREATE VIEW statement, other engines its query: both parse.
    A definition the parser cannot read is left out (its reads then show as the view's name).
    """
    query = (
        "SELECT table_schema, table_name, view_definition FROM information_schema.views "
        "WHERE table_schema NOT IN ('information_schema', 'pg_catalog')"
    )
    views: dict[str, set[str]] = {}
    for schema, name, definition in con.sql(query).execute().itertuples(index=False):
        if not definition or str(definition).upper().startswith("CREATE TEMP"):
            continue
        learned: dict[str, set[str]] = {}
        try:
            read = tables_read(str(definition), str(con.name), learned)
        except Unparsed:
            continue
        views[table_name(schema, name)] = read or set().union(*learned.values())
    return views
