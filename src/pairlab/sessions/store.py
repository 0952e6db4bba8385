"""Sessions, events and step status in SQLite (WAL) under the server root's .pairlab/ folder."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pairlab.errors import BadInput, NotFound
from pairlab.sessions.model import (
    MAX_DATA_BYTES,
    STORED_EXTRA,
    Event,
    Participant,
    Session,
    check_data,
    parse_since,
)

log = logging.getLogger(__name__)

STATE_DIR = ".pairlab"
DB_NAME = "pairlab.db"
SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    started_at REAL NOT NULL,
    ended_at REAL,
    lesson TEXT,
    rotation_minutes INTEGER NOT NULL,
    participants TEXT NOT NULL,
    rotations INTEGER NOT NULL DEFAULT 0,
    rotated_at REAL NOT NULL,
    team TEXT,
    facilitator TEXT,
    trained_in TEXT
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    at REAL NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_session ON events(session_id, id);
CREATE TABLE IF NOT EXISTS steps (
    path TEXT NOT NULL,
    lesson TEXT NOT NULL,
    step TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (path, lesson, step)
);
"""
# A stored event: what the client sent (at most MAX_DATA_BYTES) plus what the server adds.
MAX_EVENT_BYTES = MAX_DATA_BYTES + STORED_EXTRA


# Called after each commit with {"session": ..., "event": ...} as JSON (the hub forwarder).
EventListener = Callable[[dict[str, Any]], None]


class SessionStore:
    """One SQLite database per server root; every write is one transaction."""

    def __init__(
        self,
        root: Path,
        clock: Callable[[], float] = time.time,
        on_event: EventListener | None = None,
    ) -> None:
        self.path = root / STATE_DIR / DB_NAME
        self.clock = clock
        self.on_event = on_event
        self.notice = ""  # set when a corrupt database was moved aside
        self._lock = threading.Lock()
        self._committed: list[Event] = []  # events of the open transaction, told after COMMIT
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = self._open_or_recover()

    def _open(self) -> sqlite3.Connection:
        """Open the database in WAL mode and make sure the schema is there."""
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA busy_timeout=5000")
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("quick_check failed")
            conn.executescript(SCHEMA)
            _add_place_columns(conn)
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def _open_or_recover(self) -> sqlite3.Connection:
        """Open the database; move a corrupt or emptied one aside and start afresh, saying so."""
        if self.path.is_file() and self.path.stat().st_size == 0:
            # SQLite would take a 0-byte file for a new database: a truncated one would vanish.
            self._move_aside("it was empty (0 bytes), as a truncated copy or a full disk leaves it")
            return self._open()
        try:
            return self._open()
        except sqlite3.DatabaseError as exc:
            self._move_aside(f"it was unreadable ({exc})")
            return self._open()

    def _move_aside(self, why: str) -> None:
        """Rename the database (and its WAL files) to a dated name and set the notice."""
        stamp = time.strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{DB_NAME}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{self.path}{suffix}")
            if part.exists():
                part.rename(Path(f"{aside}{suffix}"))
        self.notice = (
            f"the pairlab database could not be used: {why}; it was moved to {aside.name} "
            "and a new one started"
        )
        log.warning("pairlab: %s", self.notice)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """Serialize writers in this process and make each write atomic."""
        with self._lock:
            self._committed = []
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            told, self._committed = self._committed, []
        self._tell(told)

    def _tell(self, events: list[Event]) -> None:
        """Hand committed events to the listener; its failure never undoes a stored event."""
        if self.on_event is None or not events:
            return
        session = self.get(events[0].session_id).to_json()
        for event in events:
            try:
                self.on_event({"session": session, "event": event.to_json()})
            except Exception:
                log.exception("pairlab: the session event listener failed")

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def start(
        self,
        participants: tuple[Participant, ...],
        rotation_minutes: int,
        lesson: str | None,
        place: Mapping[str, str | None] | None = None,
    ) -> Session:
        """Start a session with the first participant driving, in its place in the program."""
        now = self.clock()
        where = {key: (place or {}).get(key) for key in PLACE}
        session = Session(
            id=uuid.uuid4().hex[:12],
            started_at=now,
            participants=participants,
            rotation_minutes=rotation_minutes,
            rotated_at=now,
            lesson=lesson,
            team=where["team"],
            facilitator=where["facilitator"],
            trained_in=where["trained_in"],
        )
        people = json.dumps([_person(p) for p in participants])
        with self._transaction() as db:
            db.execute(
                "INSERT INTO sessions (id, started_at, ended_at, lesson, rotation_minutes, "
                "participants, rotations, rotated_at, team, facilitator, trained_in) "
                "VALUES (?, ?, NULL, ?, ?, ?, 0, ?, ?, ?, ?)",
                (session.id, now, lesson, rotation_minutes, people, now, *where.values()),
            )
            self._insert_event(db, session.id, "session-started", {"driver": session.driver.name})
        return session

    def get(self, session_id: str) -> Session:
        """Return the session or say it does not exist."""
        row = self._conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise NotFound(f"no session '{session_id}'", "start one or list them")
        return _session_from_row(row)

    def sessions(self) -> list[Session]:
        """Return every session, newest first."""
        rows = self._conn.execute("SELECT * FROM sessions ORDER BY started_at DESC").fetchall()
        return [_session_from_row(row) for row in rows]

    def rotate(self, session_id: str) -> Session:
        """Hand the keyboard to the next person and log who drives now."""
        self._require_open(session_id)
        now = self.clock()
        with self._transaction() as db:
            db.execute(
                "UPDATE sessions SET rotations = rotations + 1, rotated_at = ? WHERE id = ?",
                (now, session_id),
            )
            session = self.get(session_id)
            self._insert_event(db, session_id, "rotated", {"driver": session.driver.name})
        return session

    def adopt_lesson(self, session_id: str, lesson: str) -> Session:
        """Give a session started outside a lesson the first lesson opened; keep one it has."""
        self._require_open(session_id)
        with self._transaction() as db:
            db.execute(
                "UPDATE sessions SET lesson = ? WHERE id = ? AND lesson IS NULL",
                (lesson, session_id),
            )
        return self.get(session_id)

    def end(self, session_id: str) -> Session:
        """Mark the session ended; its record stays for the export."""
        self._require_open(session_id)
        now = self.clock()
        with self._transaction() as db:
            db.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (now, session_id))
            self._insert_event(db, session_id, "session-ended", {})
        return self.get(session_id)

    def record(self, session_id: str, kind: str, data: dict[str, Any]) -> Event:
        """Append one event to an open session."""
        self._require_open(session_id)
        with self._transaction() as db:
            return self._insert_event(db, session_id, kind, data)

    def record_step(self, session_id: str, checked: dict[str, Any], passed: bool) -> bool:
        """Log a step check; log its completion too, once per step per session. Return if new."""
        self._require_open(session_id)
        with self._transaction() as db:
            self._insert_event(db, session_id, "step-checked", checked)
            if not passed:
                return False
            # Inside the write transaction: two checks at once cannot both see "not yet".
            rows = db.execute(
                "SELECT data FROM events WHERE session_id = ? AND kind = 'step-completed'",
                (session_id,),
            ).fetchall()
            key = (checked["lesson"], checked["step"])
            if any((d.get("lesson"), d.get("step")) == key for d in map(_load, rows)):
                return False
            done = {k: checked[k] for k in ("path", "lesson", "step", "driver")}
            self._insert_event(db, session_id, "step-completed", done)
            return True

    def events(self, session_id: str, since: int = 0) -> list[Event]:
        """Return the session's events after event id `since`, oldest first."""
        since = parse_since(since)
        self.get(session_id)
        rows = self._conn.execute(
            "SELECT id, session_id, at, kind, data FROM events "
            "WHERE session_id = ? AND id > ? ORDER BY id",
            (session_id, since),
        ).fetchall()
        return [Event(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]

    def set_step(self, path: str, lesson: str, step: str, status: str, message: str) -> None:
        """Remember a step's latest status for a notebook."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO steps VALUES (?, ?, ?, ?, ?, ?)",
                (path, lesson, step, status, message, self.clock()),
            )

    def steps(self, path: str) -> dict[str, dict[str, Any]]:
        """Return `{"lesson/step": {status, message, updated_at}}` for a notebook."""
        rows = self._conn.execute(
            "SELECT lesson, step, status, message, updated_at FROM steps WHERE path = ?", (path,)
        ).fetchall()
        return {
            f"{r[0]}/{r[1]}": {"status": r[2], "message": r[3], "updated_at": r[4]} for r in rows
        }

    def _require_open(self, session_id: str) -> None:
        """Refuse to change a session that has ended."""
        if self.get(session_id).ended_at is not None:
            raise BadInput(f"session '{session_id}' has ended", "start a new session")

    def _insert_event(
        self, db: sqlite3.Connection, session_id: str, kind: str, data: dict[str, Any]
    ) -> Event:
        """Insert an event inside the caller's transaction; nothing a reader would choke on."""
        check_data(data)
        text = json.dumps(data, sort_keys=True, allow_nan=False)
        if len(text) > MAX_EVENT_BYTES:
            raise BadInput("event data is too large", f"keep it under {MAX_EVENT_BYTES} bytes")
        at = self.clock()
        cursor = db.execute(
            "INSERT INTO events (session_id, at, kind, data) VALUES (?, ?, ?, ?)",
            (session_id, at, kind, text),
        )
        event = Event(int(cursor.lastrowid or 0), session_id, at, kind, data)
        self._committed.append(event)
        return event


def _load(row: tuple[Any, ...]) -> dict[str, Any]:
    """Return the JSON data of an events row (its only column)."""
    data = json.loads(row[0])
    return data if isinstance(data, dict) else {}


PLACE = ("team", "facilitator", "trained_in")


def _add_place_columns(conn: sqlite3.Connection) -> None:
    """Give a database made before sessions knew their place in the program its new columns."""
    have = {row[1] for row in conn.execute("PRAGMA table_info(sessions)")}
    for column in PLACE:
        if column not in have:
            conn.execute(f"ALTER TABLE sessions ADD COLUMN {column} TEXT")


def _person(p: Participant) -> dict[str, Any]:
    """Return a participant as stored: name and role, and a team when the session named one."""
    return {"name": p.name, "role": p.role} | ({"team": p.team} if p.team else {})


def _session_from_row(row: tuple[Any, ...]) -> Session:
    """Build a Session from a sessions row."""
    sid, started, ended, lesson, minutes, people, rotations, rotated, *place = row
    return Session(
        id=sid,
        started_at=started,
        ended_at=ended,
        lesson=lesson,
        rotation_minutes=minutes,
        participants=tuple(Participant(**p) for p in json.loads(people)),
        rotations=rotations,
        rotated_at=rotated,
        team=place[0] if place else None,
        facilitator=place[1] if place else None,
        trained_in=place[2] if place else None,
    )
