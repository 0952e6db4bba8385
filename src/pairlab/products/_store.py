"""Write an output port into the warehouse: a side table first, then one swap a reader never sees.

The `products` schema (a database, in ibis's words) holds one table per output port, named from
the descriptor: `<product id>__<port name>`, lowercased, anything but letters, digits and `_`
turned into `_`. Each port is written to `<name>__publishing`, then every port of the product
swaps in at once: on DuckDB one transaction drops the old tables and renames the new ones, so a
reader sees the old tables or the new ones, never half of either; a process killed before the
swap leaves the old tables as they were (the side table is dropped by the next publish). Engines
without transactional DDL (Spark) drop and rename table by table: a reader can briefly find no
table, never a half-written one.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import sqlglot.expressions as sge
from ibis.backends import BaseBackend

from pairlab.errors import BadInput, one_line
from pairlab.warehouse.connection import ENV_URL, default_path, redact
from pairlab.warehouse.generator import DEFAULT_SCALE, DEFAULT_SEED, generate

SCHEMA = "products"
SIDE = "__publishing"
# For tests of a crash between write and swap: publish creates this file once every side table
# is written, then waits (up to ten minutes) before swapping, so a test can kill it there.
HOLD_ENV = "PAIRLAB_PUBLISH_HOLD"
_TYPES = {
    "integer": "int64",
    "number": "float64",
    "string": "string",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
}


@dataclass(frozen=True)
class Target:
    """Where products are written: the connection and how the catalog records the server."""

    con: BaseBackend
    server: str  # a URL people and `products.read` can open, secrets masked
    odcs: dict[str, Any]  # the contract's `servers` entry


def table_name(product_id: str, port: str) -> str:
    """Return the warehouse table of a product's output port."""
    return re.sub(r"[^a-z0-9_]", "_", f"{product_id}__{port}".lower())


def open_target(url: str | None) -> Target:
    """Open the warehouse to publish into: url, else $PAIRLAB_WAREHOUSE_URL, else the file.

    The embedded warehouse opens for writing here (learners' kernels open it read-only).
    """
    from pairlab.warehouse import connect

    url = url or os.environ.get(ENV_URL) or None
    if url is None:
        path = default_path()
        if not path.exists():
            generate(path, DEFAULT_SCALE, DEFAULT_SEED)
        url = f"duckdb://{path}"
    # A DuckDB file that opened has answered: the metadata probe is for servers (~40 ms here).
    probe = not url.strip().lower().startswith("duckdb:")  # (urlsplit raises on a bad URL)
    try:
        con = connect(url, record=False, check=probe)  # publishing is not reading
    except BadInput as exc:
        if "in another process" not in exc.problem:
            raise
        # DuckDB lets many processes read a file but only one write it, and only alone.
        raise BadInput(
            f"{redact(url)} is open in another process (a notebook's kernel, a lab, a client)",
            "publishing needs the warehouse to itself: shut down the kernels that use it and "
            "publish again, or publish to another warehouse with --url",
        ) from None
    if con.name == "duckdb":
        database = _duckdb_file(con)
        odcs = {"server": "pairlab", "type": "duckdb", "database": database, "schema": SCHEMA}
        return Target(con, f"duckdb://{database}", odcs)
    shown = redact(url)
    odcs = {"server": "pairlab", "type": "custom", "database": SCHEMA, "description": shown}
    return Target(con, shown, odcs)


def _duckdb_file(con: BaseBackend) -> str:
    """Return the file behind a DuckDB connection (':memory:' for none)."""
    rows = con.raw_sql(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    )
    found = rows.fetchall()
    return str(Path(found[0][0]).resolve()) if found and found[0][0] else ":memory:"


def shaped(frame: pd.DataFrame, columns: list[tuple[str, str]]) -> ibis.Table:
    """Return the frame as a table of the contract's columns, in its order and logical types."""
    table = ibis.memtable(frame[[name for name, _ in columns]])
    return table.select(
        **{name: table[name].cast(_TYPES.get(kind, "string")) for name, kind in columns}
    )


def write_side(
    target: Target, name: str, frame: pd.DataFrame, columns: list[tuple[str, str]], where: str
) -> None:
    """Write the frame's contract columns beside the published table, as `<name>__publishing`."""
    con = target.con
    try:
        if con.name == "duckdb":
            _write_side_duckdb(con, name, frame, columns)
        else:
            if SCHEMA not in con.list_databases():
                # Never force=True: ibis's DuckDB backend reads it as CREATE OR REPLACE SCHEMA.
                con.create_database(SCHEMA)
            if name + SIDE in con.list_tables(database=SCHEMA):  # a crashed publish's leftover
                _drop(con, name + SIDE)
            con.create_table(name + SIDE, shaped(frame, columns), database=SCHEMA)
    except Exception as exc:
        failure = _refused(exc, target, name, where)
    else:
        return
    raise failure from None


def _write_side_duckdb(
    con: Any, name: str, frame: pd.DataFrame, columns: list[tuple[str, str]]
) -> None:
    """Write the side table on DuckDB straight from the frame, with the same casts as `shaped`.

    DuckDB's own client, not ibis's create_table: that lists schemas and tables, compiles, and
    reads the new table's schema back, about 0.1 s a port beside a three-statement write.
    """
    view = f"__pairlab_side_{os.getpid()}"
    types = con.compiler.type_mapper
    select = sge.select(
        *(
            sge.cast(
                sge.column(c, quoted=True), types.from_ibis(ibis.dtype(_TYPES.get(k, "string")))
            ).as_(c, quoted=True)
            for c, k in columns
        )
    ).from_(sge.table_(view, quoted=True))
    side = sge.table_(name + SIDE, db=SCHEMA, quoted=True)
    raw = con.con
    raw.execute(sge.Create(this=sge.to_identifier(SCHEMA, quoted=True), kind="SCHEMA",
                           exists=True).sql("duckdb"))  # fmt: skip
    raw.execute(sge.Drop(tables=[side], kind="TABLE", exists=True).sql("duckdb"))  # a leftover
    raw.register(view, frame[[c for c, _ in columns]])
    try:
        raw.execute(sge.Create(this=side, kind="TABLE", expression=select).sql("duckdb"))
    finally:
        raw.unregister(view)


def _drop(con: BaseBackend, name: str) -> None:
    """Drop a table of the products schema if it is there.

    By hand: ibis 12 builds DROP with sqlglot's `this=`, which sqlglot 30 reads as `tables=`, so
    its drop_table (and create_table(overwrite=True)) renders `DROP TABLE IF EXISTS` alone.
    """
    table = sge.table_(name, db=SCHEMA, quoted=True)
    con.raw_sql(sge.Drop(tables=[table], kind="TABLE", exists=True).sql(con.dialect))


def _refused(exc: Exception, target: Target, name: str, where: str) -> BadInput:
    """Return why the warehouse refused a write, in one line with the fix."""
    return BadInput(
        f"cannot publish {where}: the warehouse {target.server} refused to write {SCHEMA}.{name}: "
        + one_line(str(exc)).split(" LINE ")[0],
        "publish to a warehouse you may write to (--url), or make that one writable",
    )


def hold() -> None:
    """Wait between write and swap when a test asks to (see HOLD_ENV)."""
    flag = os.environ.get(HOLD_ENV)
    if flag:
        Path(flag).write_text("written", encoding="utf-8")
        time.sleep(600)


def swap(target: Target, names: list[str]) -> None:
    """Replace each published table by its side table, in one transaction where the engine can."""
    con = target.con
    if con.name == "duckdb":
        statements = []
        for name in names:
            statements.append(f'DROP TABLE IF EXISTS "{SCHEMA}"."{name}"')
            statements.append(f'ALTER TABLE "{SCHEMA}"."{name}{SIDE}" RENAME TO "{name}"')
        con.raw_sql("BEGIN TRANSACTION")
        try:
            for statement in statements:
                con.raw_sql(statement)
        except BaseException:
            con.raw_sql("ROLLBACK")
            raise
        con.raw_sql("COMMIT")
        return
    for name in names:
        _drop(con, name)
        con.rename_table(f"{SCHEMA}.{name}{SIDE}", f"{SCHEMA}.{name}")
