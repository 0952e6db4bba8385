"""The cohort's sessions and events in one SQLAlchemy database (SQLite WAL by default)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from pairlab.errors import BadInput
from pairlab.report import FORMAT
from pairlab.sessions.model import EVENT_KINDS, check_data, parse_participants

DEFAULT_DB = "pairlab-cohort.sqlite"
SESSION_ID = re.compile(r"[0-9a-f]{12}")
FIX = 'send {"user", "session": {...}, "event": {...}} as the pairlab server forwards them'

metadata = sa.MetaData()
sessions = sa.Table(
    "cohort_sessions",
    metadata,
    sa.Column("user", sa.String(255), primary_key=True),
    sa.Column("session_id", sa.String(32), primary_key=True),
    sa.Column("doc", sa.Text, nullable=False),  # the session as its server last told it
    sa.Column("last_event", sa.BigInteger, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)
events = sa.Table(
    "cohort_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user", sa.String(255), nullable=False),
    sa.Column("session_id", sa.String(32), nullable=False),
    sa.Column("event_id", sa.BigInteger, nullable=False),  # the id in the server's own store
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    # A retried post (the outbox resends after a lost reply) is stored once.
    sa.UniqueConstraint("user", "session_id", "event_id", name="one_copy"),
)


def default_url(folder: Path) -> str:
    """Return the SQLite URL of the cohort database in `folder`."""
    return f"sqlite:///{(folder / DEFAULT_DB).resolve()}"


def _sqlite_pragmas(conn: Any, _record: Any) -> None:
    """Use WAL (readers never wait on the writer) and wait for a lock rather than fail."""
    cursor = conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def parse_post(body: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Validate a forwarded event: who, the session as it stands, the stored event."""
    user, session, event = body.get("user"), body.get("session"), body.get("event")
    if not isinstance(user, str) or not user:
        raise BadInput("'user' is missing", FIX)
    if not isinstance(session, dict) or not isinstance(event, dict):
        raise BadInput("'session' and 'event' must be objects", FIX)
    if not isinstance(session.get("id"), str) or not SESSION_ID.fullmatch(session["id"]):
        raise BadInput("session 'id' must be 12 hex digits", FIX)
    parse_participants(session.get("participants"))
    for key in ("started_at", "at"):
        holder = session if key == "started_at" else event
        if isinstance(holder.get(key), bool) or not isinstance(holder.get(key), int | float):
            raise BadInput(f"'{key}' must be a time in seconds", FIX)
    if not isinstance(session.get("lesson"), str | None):
        raise BadInput("session 'lesson' must be a string or null", FIX)
    eid = event.get("id")
    if isinstance(eid, bool) or not isinstance(eid, int) or eid < 1:
        raise BadInput("event 'id' must be a positive whole number", FIX)
    if event.get("session_id") != session["id"]:
        raise BadInput("the event belongs to another session", FIX)
    if event.get("kind") not in EVENT_KINDS:
        raise BadInput(f"unknown event kind {event.get('kind')!r}", f"use one of {EVENT_KINDS}")
    check_data(event.get("data"))
    return user, session, event


def _read(text: str) -> Any:
    """Return stored JSON; a row that is not reads as a string, which the report leaves out."""
    try:
        return json.loads(text)
    except (TypeError, ValueError, RecursionError):
        return "(unreadable row)"


class CohortStore:
    """Every pair's sessions, keyed by hub user and session id; each post is one transaction."""

    def __init__(self, url: str) -> None:
        try:
            self.engine = sa.create_engine(url)
        except (sa.exc.ArgumentError, ImportError) as exc:
            raise BadInput(f"cannot use the database URL: {exc}", "pass a SQLAlchemy URL") from None
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    def add(self, user: str, session: dict[str, Any], event: dict[str, Any]) -> bool:
        """Store one forwarded event and the session as it stood; return False for a repeat."""
        sid, eid = session["id"], int(event["id"])
        row = {
            "user": user,
            "session_id": sid,
            "event_id": eid,
            "at": float(event["at"]),
            "kind": event["kind"],
            "data": json.dumps(event["data"], sort_keys=True),
        }
        try:
            with self.engine.begin() as db:
                db.execute(events.insert().values(**row))
                self._keep_session(db, user, session, eid)
        except IntegrityError:
            return False
        return True

    def _keep_session(
        self, db: sa.Connection, user: str, session: dict[str, Any], eid: int
    ) -> None:
        """Insert the session, or update it when this event is newer than the one it shows."""
        key = (sessions.c.user == user) & (sessions.c.session_id == session["id"])
        last = db.execute(sa.select(sessions.c.last_event).where(key)).scalar()
        values = {"doc": json.dumps(session), "last_event": eid, "updated_at": time.time()}
        if last is None:
            db.execute(sessions.insert().values(user=user, session_id=session["id"], **values))
        elif eid > last:
            db.execute(sessions.update().where(key).values(**values))

    def version(self) -> int:
        """Return a number that grows with every stored event (the live page polls it)."""
        with self.engine.connect() as db:
            return int(db.execute(sa.select(sa.func.max(events.c.id))).scalar() or 0)

    def count(self) -> int:
        """Return how many events are stored."""
        with self.engine.connect() as db:
            return int(db.execute(sa.select(sa.func.count()).select_from(events)).scalar() or 0)

    def exports(self) -> list[dict[str, Any]]:
        """Return every session as the export `pairlab report` reads, its id as "user/id"."""
        with self.engine.connect() as db:
            heads = db.execute(sa.select(sessions).order_by(sessions.c.user, sessions.c.session_id))
            rows = db.execute(sa.select(events).order_by(events.c.event_id)).mappings().all()
            by_session: dict[tuple[str, str], list[dict[str, Any]]] = {}
            for r in rows:
                by_session.setdefault((r["user"], r["session_id"]), []).append(
                    {"id": r["event_id"], "session_id": r["session_id"], "at": r["at"],
                     "kind": r["kind"], "data": _read(r["data"])}
                )  # fmt: skip
            docs = []
            for head in heads.mappings():
                session = _read(head["doc"])
                session = session if isinstance(session, dict) else {}
                session |= {"id": f"{head['user']}/{head['session_id']}"}
                docs.append(
                    {
                        "format": FORMAT,
                        "user": head["user"],
                        "session": session,
                        "events": by_session.get((head["user"], head["session_id"]), []),
                    }
                )
            return docs
