"""Read session exports (GET /pairlab/sessions/<id>/export), refusing anything else in one line."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pairlab.errors import BadInput
from pairlab.sessions.model import check_fields

FORMAT = "pairlab-session/1"
FIX = "pass the JSON the guide's export (GET /pairlab/sessions/<id>/export) saved"


def _number(value: Any) -> bool:
    """Return whether `value` is a JSON number (a bool is not one)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_event(event: Any, where: str) -> None:
    """Check one event's fields the report reads; name the first that is wrong."""
    if not isinstance(event, dict):
        raise BadInput(f"{where} is not an object", FIX)
    if not _number(event.get("at")):
        raise BadInput(f"{where}.at is not a time in seconds", FIX)
    if not isinstance(event.get("kind"), str):
        raise BadInput(f"{where}.kind is not an event kind", FIX)
    data = event.get("data")
    if data is None:
        return
    try:
        check_fields(data, nulls=True)  # exports of older servers hold nulls
    except BadInput as exc:
        raise BadInput(f"{where}.data: {exc.problem}", FIX) from None


def check_export(doc: Any) -> None:
    """Check the fields the report reads from a session export, naming the first one wrong."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
        raise BadInput(f"is not a session export (format {found!r}, not {FORMAT!r})", FIX)
    session = doc.get("session")
    if not isinstance(session, dict):
        raise BadInput("has no 'session' object", FIX)
    people = session.get("participants")  # a tuple when the server passes its own export
    if not isinstance(people, list | tuple) or not all(
        isinstance(p, dict)
        and isinstance(p.get("name"), str)
        and isinstance(p.get("role", ""), str)
        for p in people
    ):
        raise BadInput("session.participants is not a list of named people", FIX)
    if not isinstance(session.get("id", ""), str | int):
        raise BadInput("session.id is not a session id", FIX)
    if not _number(session.get("started_at")):
        raise BadInput("session.started_at is not a time", FIX)
    if session.get("ended_at") is not None and not _number(session["ended_at"]):
        raise BadInput("session.ended_at is not a time", FIX)
    if not isinstance(session.get("lesson"), str | None):
        raise BadInput("session.lesson is not a lesson id", FIX)
    events = doc.get("events")
    if not isinstance(events, list):
        raise BadInput("'events' is not a list of objects", FIX)
    for i, event in enumerate(events):
        _check_event(event, f"events[{i}]")


def read_export(path: Path) -> dict[str, Any]:
    """Return one session export, or say in one line why the file is not one."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(f"no file {path}", FIX) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read {path}: {exc}", FIX) from None
    try:
        doc = json.loads(text)
    except RecursionError:
        raise BadInput(f"{path} is nested too deeply to be a session export", FIX) from None
    except ValueError as exc:
        raise BadInput(f"{path} is not JSON ({exc})", FIX) from None
    try:
        check_export(doc)
    except BadInput as exc:
        sep = " " if exc.problem.startswith(("is ", "has ")) else ": "
        raise BadInput(f"{path}{sep}{exc.problem}", FIX) from None
    return dict(doc)


CSV_FIX = (
    "write a header with an 'export' column (and 'team'), one row per session, naming the file "
    "the guide's Export session saved, relative to the CSV"
)


def read_cohort_csv(path: Path) -> list[tuple[Path, str]]:
    """Return (export file, team) for each row of a cohort CSV whose `export` cell is filled.

    The ambassador kit's cohort.csv has one row per teach-back session; a row without an export
    yet is a session still to come, so it is skipped.
    """
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            header = [name.strip() for name in reader.fieldnames or []]
    except FileNotFoundError:
        raise BadInput(f"no file {path}", CSV_FIX) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise BadInput(f"cannot read {path}: {exc}", CSV_FIX) from None
    if "export" not in header:
        raise BadInput(f"{path} has no 'export' column (found {', '.join(header)})", CSV_FIX)
    rows = [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in rows]
    named = [(path.parent / row["export"], row.get("team", "")) for row in rows if row["export"]]
    if not named:
        raise BadInput(f"{path} names no session export yet", CSV_FIX)
    return named


def read_exports(paths: Iterable[Path]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Return every export, each session once, and the team a cohort CSV gave each session.

    A `.csv` path is a cohort sheet naming exports and their teams; any other path is an export.
    """
    docs: dict[str, dict[str, Any]] = {}
    teams: dict[str, str] = {}
    for path in map(Path, paths):
        named = read_cohort_csv(path) if path.suffix.lower() == ".csv" else [(path, "")]
        for export, team in named:
            doc = read_export(export)
            sid = str(doc["session"].get("id", export))
            docs.setdefault(sid, doc)
            if team:
                teams.setdefault(sid, team)
    if not docs:
        raise BadInput("no session export given", FIX)
    return list(docs.values()), teams
