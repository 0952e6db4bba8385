"""Read session exports (GET /pairlab/sessions/<id>/export), refusing anything else in one line."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pairlab.errors import BadInput

FORMAT = "pairlab-session/1"
FIX = "pass the JSON the guide's export (GET /pairlab/sessions/<id>/export) saved"


def _require(doc: dict[str, Any], path: Path) -> None:
    """Check the fields the report reads, naming the first one missing."""
    session = doc.get("session")
    if not isinstance(session, dict):
        raise BadInput(f"{path} has no 'session' object", FIX)
    people = session.get("participants")
    if not isinstance(people, list) or not all(
        isinstance(p, dict) and isinstance(p.get("name"), str) for p in people
    ):
        raise BadInput(f"{path}: session.participants is not a list of named people", FIX)
    if not isinstance(session.get("started_at"), int | float):
        raise BadInput(f"{path}: session.started_at is not a time", FIX)
    events = doc.get("events")
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        raise BadInput(f"{path}: 'events' is not a list of objects", FIX)


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
    except ValueError as exc:
        raise BadInput(f"{path} is not JSON ({exc})", FIX) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
        raise BadInput(f"{path} is not a session export (format {found!r}, not {FORMAT!r})", FIX)
    _require(doc, path)
    return doc


def read_exports(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Return every export, each session once (the same export passed twice counts once)."""
    docs: dict[str, dict[str, Any]] = {}
    for path in paths:
        doc = read_export(Path(path))
        docs.setdefault(str(doc["session"].get("id", path)), doc)
    if not docs:
        raise BadInput("no session export given", FIX)
    return list(docs.values())
