"""The cohort service's handler bases: hub OAuth, the store, every error as JSON.

The views (the cohort page in _app, Intake in _intake) build on these, so no view imports another.
"""

from __future__ import annotations

import os
from typing import Any

import tornado.web
from jupyterhub.services.auth import HubOAuthenticated, UserNotAllowed

from pairlab._web import JsonErrors
from pairlab.errors import Forbidden, PairlabError
from pairlab.hub._store import CohortStore

NOT_ALLOWED_FIX = "ask a hub admin to add you to the 'facilitators' group"
# A hub that lets every user reach the service (to request a pairing on the Intake view) names
# the scope only facilitators hold here, e.g. custom:pairlab-cohort:facilitate.
FACILITATOR_SCOPE_ENV = "PAIRLAB_FACILITATOR_SCOPE"


def facilitator_scopes(auth: Any) -> set[str]:
    """Return the scopes that make a facilitator: $PAIRLAB_FACILITATOR_SCOPE, else access."""
    named = os.environ.get(FACILITATOR_SCOPE_ENV, "").strip()
    return {named} if named else set(auth.access_scopes)


class Unauthorized(PairlabError):
    """No hub login or token came with the request."""

    status = 401


class CohortHandler(HubOAuthenticated, JsonErrors):  # type: ignore[misc]
    """Base handler: hub OAuth, the store, and every error as JSON {"error", "fix"}."""

    def initialize(self, store: CohortStore) -> None:
        """Keep the service's store."""
        self.store = store

    @property
    def hub_scopes(self) -> set[str] | None:
        """Admit facilitators only (see facilitator_scopes)."""
        return facilitator_scopes(self.hub_auth) or None

    unexpected = "internal error; see the service log"

    def error_reply(
        self, status_code: int, exc: BaseException | None
    ) -> tuple[int, dict[str, str]]:
        """Say the hub login's 403 in the cohort's words; every other error as all handlers do."""
        if isinstance(exc, tornado.web.HTTPError) and status_code == 403:
            exc = Forbidden("only facilitators may see the cohort", NOT_ALLOWED_FIX)
        return super().error_reply(status_code, exc)


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


class Requester:
    """Admit any logged-in hub user (no service access scope needed); tell facilitators apart."""

    _refused: str | None = None

    @property
    def hub_scopes(self) -> None:
        """Require no scope: every identified hub user may use requester routes."""
        return None

    def check_hub_user(self, model: dict[str, Any]) -> dict[str, Any]:
        """Admit people only: a service's token has no team to request for."""
        allowed: dict[str, Any] = super().check_hub_user(model)  # type: ignore[misc]
        if allowed.get("kind", "user") != "user":
            self._refused = str(model.get("name"))
            raise UserNotAllowed(model)
        return allowed

    def is_facilitator(self) -> bool:
        """Return whether the user holds the scope the facilitators' routes require."""
        user: dict[str, Any] = self.current_user  # type: ignore[attr-defined]
        auth = self.hub_auth  # type: ignore[attr-defined]
        wanted = facilitator_scopes(auth)
        return bool(wanted and auth.check_scopes(wanted, user))


class RequesterApiHandler(Requester, ApiHandler):
    """A requester's JSON routes: 401 without a login; never the facilitators' powers."""
