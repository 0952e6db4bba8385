"""Thin handlers over the library: one route table, one error-to-JSON mapping."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tornado.web
from jupyter_server.utils import url_path_join

from pairlab.errors import NotFound
from pairlab.lessons import lessons_json, load_lessons
from pairlab.locale import _
from pairlab.server import catalog, checks, cohort, sessions
from pairlab.server.base import SERVICE_KEY, PairlabHandler
from pairlab.server.service import PairlabService

NAMESPACE = "pairlab"


class LessonsHandler(PairlabHandler):
    """GET the curriculum's lessons with their steps."""

    @tornado.web.authenticated
    def get(self) -> None:
        """Return {"lessons": [...]}."""
        self.finish({"lessons": lessons_json(load_lessons())})


class NotFoundHandler(PairlabHandler):
    """Answer any other path under /pairlab/ with a JSON 404."""

    def _missing(self, path: str) -> None:
        raise NotFound(
            _("no pairlab route '{path}'", path=path),
            _("see GET /pairlab/lessons for what exists"),
        )

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
    *sessions.ROUTES,
    *checks.ROUTES,
    *catalog.ROUTES,
    *cohort.ROUTES,  # asked of the hub's cohort service: server/cohort.py
    ("(.*)", NotFoundHandler),  # keep last: it catches everything else
]


def setup_routes(web_app: Any) -> None:
    """Make the service for this server root and mount ROUTES under the base URL."""
    hidden = getattr(web_app.settings.get("contents_manager"), "allow_hidden", False)
    # jupyter_server writes a root under $HOME as "~/...": expand it, or .pairlab lands in "./~".
    root = Path(web_app.settings["server_root_dir"]).expanduser()
    web_app.settings[SERVICE_KEY] = PairlabService(root, allow_hidden=bool(hidden))
    base = url_path_join(web_app.settings["base_url"], NAMESPACE)
    web_app.add_handlers(".*$", [(url_path_join(base, path), handler) for path, handler in ROUTES])
