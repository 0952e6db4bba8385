"""Read warehouse query logs into records: who ran which query when, and what the log says it read.

Each format is read from the columns its vendor documents (names compare case-insensitively,
as exports differ in case), from CSV (JSON in array columns) or JSON lines:

- plain `csv` / `jsonl`: user, time, query (and an optional query_id).
- `snowflake`: the ACCOUNT_USAGE.ACCESS_HISTORY view (Snowflake docs, "ACCESS_HISTORY view":
  query_id, query_start_time, user_name, direct_objects_accessed, base_objects_accessed, each
  an array of {objectDomain, objectName "DB.SCHEMA.TABLE", objectId, columns}); the view has
  no query text, so an export joined with QUERY_HISTORY may add query_text, parsed when present.
- `bigquery`: the INFORMATION_SCHEMA.JOBS view (Google Cloud docs, "JOBS view": job_id,
  creation_time, user_email, job_type, statement_type, query, referenced_tables as
  [{project_id, dataset_id, table_id}], which is empty on a cache hit, so the query is parsed).
- `trino`: the query-completed event the HTTP event listener posts (Trino docs, "HTTP event
  listener"; the SPI's QueryCompletedEvent: metadata {queryId, query, queryState}, context
  {user}, createTime, ioMetadata {inputs: [{catalogName, schema, table, columns}]}).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pairlab.usage._sql import table_name

FORMATS = ("csv", "jsonl", "snowflake", "bigquery", "trino")


class BadLine(Exception):
    """One line of a log cannot be read; it is named with file:line and skipped."""


@dataclass
class Record:
    """One query of a log: who, when, its text and the tables the log itself lists."""

    where: str  # file:line, for messages
    user: str
    at: datetime
    query: str
    query_id: str = ""
    listed: set[str] = field(default_factory=set)  # tables the engine reported reading


def parse_time(value: Any) -> datetime:
    """Return an aware UTC time from the ISO-like texts logs write (Z, +0000, ' UTC', epoch)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    text = str(value or "").strip()
    if not text:
        raise BadLine("no time")
    text = text.removesuffix(" UTC").replace(" +", "+").replace(" -", "-")
    if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit() and ":" not in text[-5:]:
        text = f"{text[:-2]}:{text[-2:]}"  # +0000 -> +00:00 for fromisoformat
    try:
        at = datetime.fromisoformat(text)
    except ValueError as exc:
        raise BadLine(f"time {value!r} is not an ISO date and time") from exc
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _lower_keys(row: dict[str, Any]) -> dict[str, Any]:
    """Return the row with its column names in lower case."""
    return {str(k).strip().lower(): v for k, v in row.items() if k is not None}


def _need(row: dict[str, Any], *names: str) -> Any:
    """Return the first present column of `names`, or raise naming the first."""
    for name in names:
        value = row.get(name)
        if value not in (None, ""):
            return value
    raise BadLine(f"no {names[0]} column value")


def _array(value: Any) -> list[Any]:
    """Return a JSON array column (JSON text in CSV exports)."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise BadLine(f"an objects column is not JSON: {exc}") from exc
    if not isinstance(value, list):
        raise BadLine("an objects column is not a JSON array")
    return value


def _plain(row: dict[str, Any], where: str) -> Record:
    """Read a plain log row: user, time, query."""
    return Record(
        where,
        str(_need(row, "user", "user_name")),
        parse_time(_need(row, "time", "timestamp", "start_time")),
        str(_need(row, "query", "query_text", "sql")),
        str(row.get("query_id") or ""),
    )


def _snowflake(row: dict[str, Any], where: str) -> Record:
    """Read an ACCESS_HISTORY row; its objects are the tables Snowflake saw read."""
    listed = set()
    for column in ("direct_objects_accessed", "base_objects_accessed"):
        for obj in _array(row.get(column)):
            name = obj.get("objectName") if isinstance(obj, dict) else None
            if isinstance(name, str) and name:
                listed.add(table_name(*name.replace('"', "").split(".")))
    return Record(
        where,
        str(_need(row, "user_name")),
        parse_time(_need(row, "query_start_time")),
        str(row.get("query_text") or ""),
        str(_need(row, "query_id")),
        listed,
    )


def _bigquery(row: dict[str, Any], where: str) -> Record:
    """Read a JOBS row; non-query jobs (loads, copies) read no product and are skipped."""
    if str(row.get("job_type") or "QUERY").upper() != "QUERY":
        raise LookupError("not a query job")
    listed = {
        table_name(str(t.get("dataset_id", "")), str(t.get("table_id", "")))
        for t in _array(row.get("referenced_tables"))
        if isinstance(t, dict) and t.get("table_id")
    }
    return Record(
        where,
        str(_need(row, "user_email")),
        parse_time(_need(row, "creation_time")),
        str(row.get("query") or ""),
        str(_need(row, "job_id")),
        listed,
    )


def _trino(row: dict[str, Any], where: str) -> Record:
    """Read a query-completed event (nested JSON, keys as Trino writes them)."""
    meta, context = row.get("metadata"), row.get("context")
    if not isinstance(meta, dict) or not isinstance(context, dict):
        raise BadLine("not a Trino query-completed event (no metadata and context objects)")
    inputs = (row.get("iometadata") or {}).get("inputs") or []
    listed = {
        table_name(str(i.get("schema", "")), str(i.get("table", "")))
        for i in inputs
        if isinstance(i, dict) and i.get("table")
    }
    return Record(
        where,
        str(_need(context, "user")),
        parse_time(_need(row, "createtime", "endtime")),
        str(meta.get("query") or ""),
        str(_need(meta, "queryId")),
        listed,
    )


_READERS = {"csv": _plain, "jsonl": _plain, "snowflake": _snowflake, "bigquery": _bigquery,
            "trino": _trino}  # fmt: skip


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """Yield (line, row) from a CSV file or JSON lines; a row that is not an object is a str."""
    with path.open(encoding="utf-8", newline="") as handle:
        if path.suffix.lower() == ".csv":
            reader = csv.DictReader(handle)
            for row in reader:
                if None in row:
                    yield reader.line_num, "more fields than the header names"
                else:
                    yield reader.line_num, row
            return
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError as exc:
                yield number, f"not JSON: {exc}"
                continue
            yield number, value if isinstance(value, dict) else "not a JSON object"


def read_log(path: Path, fmt: str) -> Iterator[Record | BadLine]:
    """Yield each record of the log, or a BadLine naming file:line and what is wrong."""
    read = _READERS[fmt]
    for number, row in _rows(path):
        where = f"{path}:{number}"
        if isinstance(row, str):
            yield BadLine(f"{where}: {row}")
            continue
        try:
            yield read(_lower_keys(row), where)
        except LookupError:
            continue
        except BadLine as exc:
            yield BadLine(f"{where}: {exc}")
