"""Import a warehouse query log: each query's reads of product tables, attributed to its user."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pairlab.errors import BadInput
from pairlab.usage._logs import FORMATS, BadLine, Record, read_log
from pairlab.usage._sql import DIALECTS, Unparsed, expand, tables_read
from pairlab.usage._store import Read, Store
from pairlab.usage._tables import PortRef

# A read seen by two exports of the same engine (CSV and JSON lines) is one read.
_SYSTEM = {"csv": "log", "jsonl": "log"}


@dataclass
class ImportResult:
    """What an import found: records read, reads of products (new ones), and what it skipped."""

    file: str
    format: str
    records: int = 0
    reads: int = 0
    new: int = 0
    unparsed: list[str] = field(default_factory=list)  # file:line: why
    bad: list[str] = field(default_factory=list)  # file:line: why

    def to_json(self) -> dict[str, Any]:
        """Return the summary as JSON-ready data."""
        return {"file": self.file, "format": self.format, "records": self.records,
                "reads": self.reads, "new": self.new, "unparsed": len(self.unparsed),
                "bad_lines": len(self.bad), "problems": self.bad + self.unparsed}  # fmt: skip


def guess_format(path: Path) -> str:
    """Return the plain format a file's suffix says (csv, else jsonl)."""
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


def read_key(system: str, record: Record, ref: PortRef) -> str:
    """Return a stable key of one read: the engine's query id, else who, when and what."""
    ident = record.query_id or f"{record.user}\0{record.at.isoformat()}\0{record.query}"
    text = f"{system}\0{ident}\0{ref.product}\0{ref.port}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _tables(record: Record, fmt: str, views: dict[str, set[str]]) -> set[str]:
    """Return what a record read: the engine's own list, plus its SQL parsed (views expanded).

    Raises Unparsed when the SQL cannot be read and the log lists nothing either.
    """
    listed = expand(record.listed, views)
    if not record.query.strip():
        if listed:
            return listed
        raise Unparsed("no query text and no tables listed")
    try:
        return listed | tables_read(record.query, DIALECTS[fmt], views)
    except Unparsed:
        if listed:
            return listed
        raise


def import_log(
    path: Path,
    fmt: str | None,
    store: Store,
    tables: Mapping[str, PortRef],
    views: dict[str, set[str]] | None = None,
    team_of: Any = None,
) -> ImportResult:
    """Read the log at `path`, store each read of a product table once; return the summary."""
    fmt = fmt or guess_format(path)
    if fmt not in FORMATS:
        raise BadInput(f"unknown log format {fmt!r}", f"use one of {', '.join(FORMATS)}")
    if not path.is_file():
        raise BadInput(f"no log file {path}", "give the path of an exported query log")
    result, found = ImportResult(str(path), fmt), []
    views = dict(views or {})
    try:
        items: Iterable[Record | BadLine] = list(read_log(path, fmt))
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{path} is not UTF-8 text (byte {exc.start})", "export the log as UTF-8"
        ) from None
    for item in items:
        if isinstance(item, BadLine):
            result.bad.append(str(item))
            continue
        result.records += 1
        try:
            read = _tables(item, fmt, views)
        except Unparsed as exc:
            result.unparsed.append(f"{item.where}: the parser cannot read the query ({exc})")
            continue
        for table in sorted(read):
            if table in tables:
                ref = tables[table]
                key = read_key(_SYSTEM.get(fmt, fmt), item, ref)
                found.append(Read(key, ref.product, ref.port, item.user, item.at, origin=fmt))
    if result.bad and not result.records:
        fix = f"check --format (one of {', '.join(FORMATS)}) and the file's columns"
        raise BadInput(f"no line of {path} is a {fmt} log record ({result.bad[0]})", fix)
    result.reads = len(found)
    result.new = store.add(found, team_of)
    return result
