"""Session routes: start, rotate, end, record events, export and summarize."""

from __future__ import annotations

import time
from typing import Any

import tornado.web

from pairlab.errors import NotFound
from pairlab.locale import _
from pairlab.server.base import PairlabHandler
from pairlab.sessions import Session
from pairlab.sessions.model import parse_since

SESSION_ID = r"(?P<session_id>[0-9a-f]{12})"


def _with_clock(session: Session) -> dict[str, Any]:
    """Return the session with the server's clock, so browsers with a skewed clock count right."""
    return {**session.to_json(), "server_time": time.time()}


class SessionsHandler(PairlabHandler):
    """List sessions or start one."""

    @tornado.web.authenticated
    def get(self) -> None:
        """Return {"sessions": [...], "notice": ...}, newest first."""
        store = self.service.store
        self.finish(
            {"sessions": [_with_clock(s) for s in store.sessions()], "notice": store.notice}
        )

    @tornado.web.authenticated
    def post(self) -> None:
        """Start a session from {"participants", "rotation_minutes", "lesson"}."""
        session = self.service.start_session(self.json_body())
        self.set_status(201)
        self.finish(_with_clock(session))


class SessionHandler(PairlabHandler):
    """One session's state."""

    @tornado.web.authenticated
    def get(self, session_id: str) -> None:
        """Return the session with its current driver and navigators."""
        self.finish(_with_clock(self.service.store.get(session_id)))


class RotateHandler(PairlabHandler):
    """Hand the keyboard on."""

    @tornado.web.authenticated
    def post(self, session_id: str) -> None:
        """Rotate roles and return the session."""
        self.finish(_with_clock(self.service.store.rotate(session_id)))


class LessonHandler(PairlabHandler):
    """The lesson a session works on, picked up when a lesson notebook is first opened."""

    @tornado.web.authenticated
    def post(self, session_id: str) -> None:
        """Set {"lesson"} when the session has none yet; return the session either way."""
        self.finish(_with_clock(self.service.adopt_lesson(session_id, self.json_body())))


class EndHandler(PairlabHandler):
    """End a session."""

    @tornado.web.authenticated
    def post(self, session_id: str) -> None:
        """End the session and return it."""
        self.finish(_with_clock(self.service.store.end(session_id)))


class EventsHandler(PairlabHandler):
    """A session's event log."""

    @tornado.web.authenticated
    def get(self, session_id: str) -> None:
        """Return the events after ?since=<event id>."""
        since = parse_since(self.get_query_argument("since", "0"))
        events = self.service.store.events(session_id, since)
        self.finish({"events": [e.to_json() for e in events]})

    @tornado.web.authenticated
    def post(self, session_id: str) -> None:
        """Append one event {"kind", "data"}; 201 when new, 200 for a prompt already logged."""
        event, new = self.service.receive_event(session_id, self.json_body())
        self.set_status(201 if new else 200)
        self.finish(event)


class ExportHandler(PairlabHandler):
    """The whole session as one JSON document, for the cohort report."""

    @tornado.web.authenticated
    def get(self, session_id: str) -> None:
        """Return session, events and summary."""
        self.finish(self.service.export(session_id))


class ReportHandler(PairlabHandler):
    """The cohort report of this server's sessions: the page `pairlab report` writes."""

    @tornado.web.authenticated
    def get(self) -> None:
        """Return the HTML page as a download."""
        from pairlab.report import cohort_page

        sessions = self.service.store.sessions()
        if not sessions:
            raise NotFound(
                _("no pairing session on this server yet"), _("start a session, then pair")
            )
        page, _people = cohort_page([self.service.export(s.id) for s in reversed(sessions)])
        self.set_header("Content-Disposition", 'attachment; filename="cohort-report.html"')
        self.finish(page, set_content_type="text/html; charset=utf-8")


class SummaryHandler(PairlabHandler):
    """The facilitator's view of a session."""

    @tornado.web.authenticated
    def get(self, session_id: str) -> None:
        """Return time per step, rotations, failed checks and who ran what."""
        self.finish(self.service.summary(session_id))


class StepsHandler(PairlabHandler):
    """The stored status of a notebook's lesson steps."""

    @tornado.web.authenticated
    def get(self) -> None:
        """Return {"steps": {"lesson/step": {status, message, updated_at}}} for ?path=."""
        self.finish(self.service.steps(self.get_query_argument("path", None)))


ROUTES: list[tuple[str, type[PairlabHandler]]] = [
    ("sessions", SessionsHandler),
    ("steps", StepsHandler),
    ("report", ReportHandler),
    (f"sessions/{SESSION_ID}", SessionHandler),
    (f"sessions/{SESSION_ID}/rotate", RotateHandler),
    (f"sessions/{SESSION_ID}/end", EndHandler),
    (f"sessions/{SESSION_ID}/lesson", LessonHandler),
    (f"sessions/{SESSION_ID}/events", EventsHandler),
    (f"sessions/{SESSION_ID}/export", ExportHandler),
    (f"sessions/{SESSION_ID}/summary", SummaryHandler),
]
