"""What a warehouse holds: tables, columns, types and row counts, from any ibis backend."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from ibis.backends import BaseBackend

from pairlab.errors import NotFound


@dataclass(frozen=True)
class TableInfo:
    """One table: its name, row count and (column, type) pairs."""

    name: str
    rows: int
    columns: list[tuple[str, str]]


@dataclass(frozen=True)
class WarehouseInfo:
    """A warehouse's tables, with where it was read from (credentials redacted)."""

    source: str
    tables: list[TableInfo]

    def to_json(self) -> str:
        """Return the description as indented JSON."""
        return json.dumps(asdict(self), indent=2)

    def to_text(self) -> str:
        """Return the description as an aligned plain-text listing."""
        lines = [f"warehouse: {self.source}"]
        for table in self.tables:
            lines.append(f"\n{table.name}  ({table.rows:,} rows)")
            width = max((len(name) for name, _ in table.columns), default=0)
            lines += [f"  {name:<{width}}  {dtype}" for name, dtype in table.columns]
        return "\n".join(lines)


def table_names(con: BaseBackend) -> list[str]:
    """Return the warehouse's table names, sorted."""
    return sorted(con.list_tables())


def check_table(con: BaseBackend, name: str) -> str:
    """Return name if the warehouse has that table, else raise NotFound listing the ones it has."""
    names = table_names(con)
    if name not in names:
        raise NotFound(f"no table {name!r} in the warehouse", f"use one of: {', '.join(names)}")
    return name


def describe(con: BaseBackend, source: str, table: str | None = None) -> WarehouseInfo:
    """Describe every table (or just `table`), counting rows on the backend."""
    names = [check_table(con, table)] if table else table_names(con)
    tables = []
    for name in names:
        expr = con.table(name)
        columns = [(col, str(dtype)) for col, dtype in expr.schema().items()]
        tables.append(TableInfo(name, int(expr.count().execute()), columns))
    return WarehouseInfo(source, tables)


def warehouse_info(url: str | None = None, table: str | None = None) -> WarehouseInfo:
    """Connect as `connect(url)` does and describe what is there."""
    from pairlab.warehouse.connection import connect, describe_source

    con = connect(url, record=False)  # counting rows is not reading a product
    try:
        return describe(con, describe_source(url), table)
    finally:
        con.disconnect()
