"""The cohort's sessions and events in one SQLAlchemy database (SQLite WAL by default)."""

from __future__ import annotations

import functools
import json
import logging
import re
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from pairlab._db import open_engine
from pairlab.errors import BadInput
from pairlab.report import FORMAT
from pairlab.sessions.model import EVENT_KINDS, MAX_EVENT_ID, check_data, parse_participants

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


@functools.cache
def _known_steps() -> dict[str, set[str]]:
    """Return the lessons and steps of the curriculum and the installed packs (read once)."""
    from pairlab.report import lesson_steps

    return lesson_steps()


def _check_id(eid: Any) -> int:
    """Return an event id the database can hold, or refuse it."""
    if isinstance(eid, bool) or not isinstance(eid, int) or eid < 1:
        raise BadInput("event 'id' must be a positive whole number", FIX)
    if eid > MAX_EVENT_ID:
        raise BadInput(f"event 'id' {eid} is larger than any event id", "send a smaller id")
    return eid


def _check_as_server_saw(session: dict[str, Any], event: dict[str, Any]) -> None:
    """Refuse what no pairlab server records: unknown lessons or steps, runs by strangers."""
    known, data = _known_steps(), event["data"]
    lesson = session.get("lesson")
    if lesson is not None and lesson not in known:
        raise BadInput(f"session 'lesson' {lesson!r} is no lesson of the curriculum", _KNOWN_FIX)
    if event["kind"] == "step-checked":
        step_lesson, step = data.get("lesson"), data.get("step")
        if step_lesson not in known or step not in known[step_lesson]:
            raise BadInput(f"{step_lesson!r}/{step!r} is no step of the curriculum", _KNOWN_FIX)
    if event["kind"] == "cell-executed" and data.get("user") is not None:
        names = {p.name for p in parse_participants(session.get("participants"))}
        if data["user"] not in names:
            raise BadInput("a cell run is credited to someone outside the session", FIX)


def parse_post(body: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Validate a forwarded event: who, the session as it stands, the stored event.

    Only what a pairlab server records passes: its event kinds, lessons and steps that exist,
    ids its database can hold. A step completion is never taken from a post (see CohortStore).
    """
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
    _check_id(event.get("id"))
    if event.get("session_id") != session["id"]:
        raise BadInput("the event belongs to another session", FIX)
    if event.get("kind") not in EVENT_KINDS:
        raise BadInput(f"unknown event kind {event.get('kind')!r}", f"use one of {EVENT_KINDS}")
    check_data(event.get("data"))
    _check_as_server_saw(session, event)
    return user, session, event


_KNOWN_FIX = "post only what a pairlab server with the same curriculum and packs recorded"


def _passes(data: Any, step: tuple[Any, Any]) -> bool:
    """Return whether stored step-checked data is a passing check of `step`."""
    return (
        isinstance(data, dict)
        and data.get("status") == "pass"
        and (data.get("lesson"), data.get("step")) == step
    )


def completions(stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the events without a `step-completed` that no earlier passing check backs.

    The rule ingest keeps, applied again when the cohort is read (a database older than it).
    """
    passed: list[Any] = []
    out = []
    for event in stored:
        data = event["data"]
        if event["kind"] == "step-checked":
            passed.append(data)
        elif event["kind"] == "step-completed":
            step = (data.get("lesson"), data.get("step")) if isinstance(data, dict) else None
            if not any(_passes(d, step) for d in passed):  # type: ignore[arg-type]
                continue
        out.append(event)
    return out


def _read(text: str) -> Any:
    """Return stored JSON; a row that is not reads as a string, which the report leaves out."""
    try:
        return json.loads(text)
    except (TypeError, ValueError, RecursionError):
        return "(unreadable row)"


class CohortStore:
    """Every pair's sessions, keyed by hub user and session id; each post is one transaction."""

    def __init__(self, url: str) -> None:
        from pairlab.warehouse.connection import redact  # the one masking function

        self.engine = open_engine(
            url, what="the cohort database", shown=redact(url),
            fix="pass a SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db",
        )  # fmt: skip
        self.notice = ""  # set when a corrupt database was moved aside; the page shows it
        try:
            self._open()
        except sa.exc.DatabaseError:
            self._recover()

    def _open(self) -> None:
        """Create the tables if missing and read them once, so a corrupt file shows here."""
        metadata.create_all(self.engine)
        self.count()

    def _recover(self) -> None:
        """Move a corrupt SQLite file aside and start afresh, as the lab's store does."""
        database = self.engine.url.database if self.engine.dialect.name == "sqlite" else None
        if not database or database == ":memory:" or not Path(database).is_file():
            raise BadInput(
                "the cohort database cannot be read",
                "check the database server and its URL (PAIRLAB_COHORT_DB)",
            ) from None
        self.engine.dispose()
        path = Path(database)
        aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        path.replace(aside)
        for extra in ("-wal", "-shm"):  # the write-ahead log belongs to the corrupt file
            log = path.with_name(path.name + extra)
            if log.exists():
                log.replace(aside.with_name(aside.name + extra))
        self.notice = (
            f"the cohort database could not be read; it was moved aside to {aside.name} and a "
            "new one started (events the servers send again are kept)"
        )
        logging.getLogger("pairlab.hub").warning("pairlab-cohort: %s", self.notice)
        self._open()

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    def add(self, user: str, session: dict[str, Any], event: dict[str, Any]) -> bool:
        """Store one forwarded event and the session as it stood; False for a repeat or a claim.

        A session is kept from its `session-started` on: an event of a session the user's server
        never started is refused, and so is a `step-completed` no passing `step-checked` of that
        step backs: completions come from the check route's verdicts, never from a claim.
        """
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
                if event["kind"] == "step-completed":
                    self._require_passing_check(db, user, sid, event["data"])
                db.execute(events.insert().values(**row))
                self._keep_session(db, user, session, eid, event["kind"] == "session-started")
        except IntegrityError:
            return False
        return True

    def _require_passing_check(
        self, db: sa.Connection, user: str, sid: str, data: dict[str, Any]
    ) -> None:
        """Refuse a completion unless a stored check of the same step passed."""
        where = (events.c.user == user) & (events.c.session_id == sid)
        checks = db.execute(
            sa.select(events.c.data).where(where & (events.c.kind == "step-checked"))
        ).scalars()
        step = (data.get("lesson"), data.get("step"))
        if not any(_passes(_read(text), step) for text in checks):
            raise BadInput(
                f"no passing check of {step[0]!r}/{step[1]!r} came before this completion",
                "check the step on the server (POST /pairlab/check); it logs the completion",
            )

    def _keep_session(
        self, db: sa.Connection, user: str, session: dict[str, Any], eid: int, starts: bool
    ) -> None:
        """Insert the session when it starts, or update it when this event is newer."""
        key = (sessions.c.user == user) & (sessions.c.session_id == session["id"])
        last = db.execute(sa.select(sessions.c.last_event).where(key)).scalar()
        values = {"doc": json.dumps(session), "last_event": eid, "updated_at": time.time()}
        if last is None and not starts:
            raise BadInput(
                f"session {session['id']} was not started by {user}'s server",
                "post its session-started event first, as the server's outbox does",
            )
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
                        "events": completions(
                            by_session.get((head["user"], head["session_id"]), [])
                        ),
                    }
                )
            return docs
