"""The object the server keeps for its lifetime: one per server root, shared by all handlers."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from pairlab.checks import StepResult
from pairlab.errors import BadInput
from pairlab.lessons import load_lessons
from pairlab.locale import _
from pairlab.server.check_service import CheckService
from pairlab.sessions import Session, SessionStore, export, summarize
from pairlab.sessions.events import parse_client_event, receive, require_relative
from pairlab.sessions.model import parse_lesson, parse_participants, parse_place, parse_rotation
from pairlab.sessions.store import EventListener

MESSAGE_CHARS = 300  # of a failed check's message, kept in the session's step-checked event


class PairlabService:
    """Library calls the server makes, bound to the server root."""

    def __init__(self, root: Path, *, allow_hidden: bool = False) -> None:
        self.root = root.resolve()
        self.allow_hidden = allow_hidden
        self.on_event: EventListener | None = None  # the hub forwarder, when one is running

    @cached_property
    def store(self) -> SessionStore:
        """Open the session database on first use, so a server that never pairs writes nothing."""
        return SessionStore(self.root, on_event=self.on_event)

    @cached_property
    def checks(self) -> CheckService:
        """Make the check runner (paths kept inside the root, parses cached) on first use."""
        return CheckService(self.root, allow_hidden=self.allow_hidden)

    def close(self) -> None:
        """Stop check workers and close the database, if they were ever started."""
        if "checks" in self.__dict__:
            self.checks.close()
        if "store" in self.__dict__:
            self.store.close()

    def start_session(self, body: dict[str, Any]) -> Session:
        """Validate a start request and start the session."""
        people = parse_participants(body.get("participants"))
        minutes = parse_rotation(body.get("rotation_minutes", 15))
        lesson = _known_lesson(parse_lesson(body.get("lesson")))
        return self.store.start(people, minutes, lesson, parse_place(body))

    def adopt_lesson(self, session_id: str, body: dict[str, Any]) -> Session:
        """Give a session without a lesson the lesson opened now (its first stays)."""
        lesson = _known_lesson(parse_lesson(body.get("lesson")))
        if lesson is None:
            raise BadInput(_("'lesson' is missing"), _('send {{"lesson": "welcome"}}'))
        return self.store.adopt_lesson(session_id, lesson)

    def record_event(self, session_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Validate and append an event as sent, without the session's rules (for tests, tools)."""
        kind, data = parse_client_event(body)
        return self.store.record(session_id, kind, data).to_json()

    def receive_event(self, session_id: str, body: Any) -> tuple[dict[str, Any], bool]:
        """Record a browser's event by the session's rules; return it and whether it is new."""
        event, new = receive(self.store, session_id, body)
        return event.to_json(), new

    def session_for_check(self, session_id: str | None) -> Session | None:
        """Return the session a step check counts for: the one named, else the newest open one."""
        if session_id is not None:
            session = self.store.get(session_id)
            if session.ended_at is not None:
                raise BadInput(
                    _("session '{session}' has ended", session=session_id),
                    _("start a new session"),
                )
            return session
        return next((s for s in self.store.sessions() if s.ended_at is None), None)

    def record_step(self, path: str, result: StepResult, session_id: str | None) -> dict[str, Any]:
        """Remember a step's verdict; in a session, log the check and its first completion."""
        problem = result.message if result.verdict != "pass" else ""
        self.store.set_step(path, result.lesson_id, result.step_id, result.verdict, problem)
        session = self.session_for_check(session_id)
        if session is None:
            return {"session": None, "completed": False}
        where = {"path": path, "lesson": result.lesson_id, "step": result.step_id}
        # A problem's words go with it: the cohort report says on which mistake pairs got stuck.
        brief = [
            {"id": r.id, "status": r.status}
            | ({"message": r.message[:MESSAGE_CHARS]} if r.status != "pass" else {})
            for r in result.results
        ]
        checked = {**where, "status": result.verdict, "results": brief}
        completed = self.store.record_step(
            session.id, checked | {"driver": session.driver.name}, result.verdict == "pass"
        )
        return {"session": session.id, "completed": completed}

    def steps(self, path: Any) -> dict[str, Any]:
        """Return the stored status of every checked step of the notebook at `path`."""
        require_relative(path)
        return {"steps": self.store.steps(path)}

    def export(self, session_id: str) -> dict[str, Any]:
        """Return the session with its events and summary."""
        return export(self.store.get(session_id), self.store.events(session_id))

    def summary(self, session_id: str) -> dict[str, Any]:
        """Return the facilitator's summary of the session."""
        return summarize(self.store.get(session_id), self.store.events(session_id))


def _known_lesson(lesson: str | None) -> str | None:
    """Return `lesson` when it is None or a lesson of an installed pack; refuse another id."""
    if lesson is not None and lesson not in {x.id for x in load_lessons()}:
        raise BadInput(
            _("unknown lesson id {lesson!r}", lesson=lesson), _("run `pairlab lessons` for the ids")
        )
    return lesson
