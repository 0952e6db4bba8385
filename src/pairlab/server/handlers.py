"""Thin handlers over the library: one route table, one error-to-JSON mapping."""

from __future__ import annotations

import json
from typing import Any

import tornado.web
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join

from pairlab.errors import NotFound, PairlabError
from pairlab.lessons import load_lessons

NAMESPACE = "pairlab"


class PairlabHandler(APIHandler):
    """Base handler: every pairlab error becomes JSON with its 4xx status."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Serialize PairlabError as {"error", "fix"}; anything else as a plain 5xx message."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        self.set_header("Content-Type", "application/json")
        if isinstance(exc, PairlabError):
            self.set_status(exc.status)
            self.finish(json.dumps({"error": exc.problem, "fix": exc.fix}))
            return
        if isinstance(exc, tornado.web.HTTPError):
            message = exc.log_message or self._reason
        else:
            message = "internal error in pairlab; see the server log"
        self.finish(json.dumps({"error": message, "fix": ""}))

    def _handle_request_exception(self, e: BaseException) -> None:
        """Route PairlabError to write_error without logging a traceback for bad input."""
        if isinstance(e, PairlabError):
            self.send_error(e.status, exc_info=(type(e), e, e.__traceback__))
            return
        super()._handle_request_exception(e)


class LessonsHandler(PairlabHandler):
    """GET the curriculum's lessons with their steps."""

    @tornado.web.authenticated
    def get(self) -> None:
        """Return {"lessons": [...]}."""
        self.finish({"lessons": [lesson.to_json() for lesson in load_lessons()]})


class NotFoundHandler(PairlabHandler):
    """Answer any other path under /pairlab/ with a JSON 404."""

    def _missing(self, path: str) -> None:
        raise NotFound(f"no pairlab route '{path}'", "see GET /pairlab/lessons for what exists")

    @tornado.web.authenticated
    def get(self, path: str) -> None:
        """Refuse unknown GET routes."""
        self._missing(path)

    @tornado.web.authenticated
    def post(self, path: str) -> None:
        """Refuse unknown POST routes."""
        self._missing(path)

    @tornado.web.authenticated
    def put(self, path: str) -> None:
        """Refuse unknown PUT routes."""
        self._missing(path)

    @tornado.web.authenticated
    def delete(self, path: str) -> None:
        """Refuse unknown DELETE routes."""
        self._missing(path)


# The one route table; paths are relative to <base_url>/pairlab/.
ROUTES: list[tuple[str, type[PairlabHandler]]] = [
    ("lessons", LessonsHandler),
    ("(.*)", NotFoundHandler),  # keep last: it catches everything else
]


def setup_routes(web_app: Any) -> None:
    """Mount ROUTES under the server's base URL."""
    base = url_path_join(web_app.settings["base_url"], NAMESPACE)
    web_app.add_handlers(".*$", [(url_path_join(base, path), handler) for path, handler in ROUTES])
