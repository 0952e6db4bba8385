"""What a DuckDB warehouse file holds, as one digest that outlives regenerating it.

Two generations of the same warehouse (same scale and seed) hold the same rows in files whose
bytes differ (DuckDB's layout is not reproducible), so the file's bytes cannot say "same
warehouse". The digest here is of the content: every schema's tables (their columns, types,
row count and an order-free sum of row hashes) and views (their SQL). Reading it opens the
file read-only for a moment, so each version of a file (path, size, time, inode) is read once
and remembered under pairlab's cache folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

MAX_BYTES = 256 * 2**20  # beyond this a full scan costs more than the run it would save
_KNOWN: dict[tuple[str, int, int, int], str | None] = {}
_LOCK = threading.Lock()


def _quoted(name: str) -> str:
    """Return a DuckDB identifier quoted."""
    return '"' + name.replace('"', '""') + '"'


def _read(path: Path) -> str | None:
    """Return the content digest of the DuckDB file at `path`, or None when it cannot be read."""
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:  # locked by a writer, not a DuckDB file, a newer format
        return None
    try:
        digest = hashlib.sha256(f"duckdb {duckdb.__version__}\n".encode())
        tables = con.sql(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE database_name = current_database() ORDER BY ALL"
        ).fetchall()
        for schema, table in tables:
            columns = con.sql(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = "
                "current_database() AND schema_name = ? AND table_name = ? ORDER BY column_index",
                params=[schema, table],
            ).fetchall()
            name = f"{_quoted(schema)}.{_quoted(table)}"
            # A sum, not a hash of the rows in order: DuckDB returns rows in no promised order.
            query = f"SELECT count(*), sum(hash(t)::HUGEINT) FROM {name} AS t"  # noqa: S608
            rows = con.sql(query).fetchone()  # the name is quoted above
            digest.update(json.dumps(["table", schema, table, columns, str(rows)]).encode())
        views = con.sql(
            "SELECT schema_name, view_name, sql FROM duckdb_views() WHERE NOT internal "
            "AND database_name = current_database() ORDER BY ALL"
        ).fetchall()
        digest.update(json.dumps(["views", views]).encode())
        return digest.hexdigest()
    except duckdb.Error:
        return None
    finally:
        con.close()


def _remembered(memo: tuple[str, int, int, int]) -> Path:
    """Return the file that remembers one version's digest, under pairlab's cache folder."""
    from pairlab._files import cache_dir

    name = hashlib.sha256(json.dumps(memo).encode()).hexdigest()
    return cache_dir() / "warehouses" / f"{name}.txt"


def content_identity(path: Path) -> str | None:
    """Return the digest of what the DuckDB file at `path` holds, or None when it has none.

    None for a missing, unreadable, locked or very large file, and for one with a write-ahead
    log beside it (a write not yet folded in): the caller then names the file by its stat.
    """
    from pairlab._files import write_text_atomic

    try:
        st = path.stat()
    except OSError:
        return None
    if st.st_size > MAX_BYTES or path.with_name(path.name + ".wal").exists():
        return None
    memo = (str(path.resolve()), st.st_size, st.st_mtime_ns, st.st_ino)
    with _LOCK:
        if memo in _KNOWN:
            return _KNOWN[memo]
    entry = _remembered(memo)
    try:
        known: str | None = entry.read_text(encoding="utf-8").strip() or None
    except OSError:
        known = _read(path)
        if known is not None and os.stat(path).st_mtime_ns == st.st_mtime_ns:
            try:
                entry.parent.mkdir(parents=True, exist_ok=True)
                write_text_atomic(entry, known, check=False)
            except OSError:
                pass  # a digest that cannot be kept is read again next time
    if known is not None:  # None may be a writer's lock for a moment: ask again next time
        with _LOCK:
            _KNOWN[memo] = known
    return known
