"""The cohort service's handler bases: hub OAuth, the store, every error as JSON.

The views (the cohort page in _app, Intake in _intake) build on these, so no view imports another.
"""

from __future__ import annotations

import json
from typing import Any

import tornado.web
from jupyterhub.services.auth import HubOAuthenticated, UserNotAllowed

from pairlab.errors import Forbidden, PairlabError, reply
from pairlab.hub._store import CohortStore

NOT_ALLOWED_FIX = "ask a hub admin to add you to the 'facilitators' group"


class Unauthorized(PairlabError):
    """No hub login or token came with the request."""

    status = 401


class CohortHandler(HubOAuthenticated, tornado.web.RequestHandler):  # type: ignore[misc]
    """Base handler: hub OAuth, the store, and every error as JSON {"error", "fix"}."""

    def initialize(self, store: CohortStore) -> None:
        """Keep the service's store."""
        self.store = store

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Write one clear message; never a traceback."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        otherwise = "internal error; see the service log"
        if isinstance(exc, tornado.web.HTTPError) and status_code == 403:
            exc = Forbidden("only facilitators may see the cohort", NOT_ALLOWED_FIX)
        elif isinstance(exc, tornado.web.HTTPError):
            otherwise = exc.log_message or self._reason
        status, body = reply(exc, status_code, otherwise)
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(json.dumps(body))

    def _handle_request_exception(self, e: BaseException) -> None:
        """Answer bad input with its status, without logging a traceback."""
        if isinstance(e, PairlabError):
            self.send_error(e.status, exc_info=(type(e), e, e.__traceback__))
            return
        super()._handle_request_exception(e)


class ApiHandler(CohortHandler):
    """Base of the JSON routes: no redirect to a login; 401 without a login, 403 to learners."""

    _refused: str | None = None

    def check_hub_user(self, model: dict[str, Any]) -> dict[str, Any]:
        """Remember who was refused, to answer 403 rather than 401."""
        try:
            allowed: dict[str, Any] = super().check_hub_user(model)
        except UserNotAllowed:
            self._refused = str(model.get("name"))
            raise
        return allowed

    def get_login_url(self) -> str:
        """Refuse instead of redirecting an API client to the hub's login page."""
        if self._refused:
            raise Forbidden(f"{self._refused} may not see the cohort", NOT_ALLOWED_FIX)
        raise Unauthorized("no hub login or token came with the request", "log in to the hub")
