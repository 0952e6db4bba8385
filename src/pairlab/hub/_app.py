"""The cohort service: a tornado app behind JupyterHub's OAuth, with one route table.

Facilitators (the hub role holding `access:services!service=pairlab-cohort`) and hub admins
open the page and the API; each user's pairlab server posts its own user's events to ingest.
"""

from __future__ import annotations

import logging
from typing import Any

import tornado.web
from jupyterhub.services.auth import (
    HubOAuth,
    HubOAuthCallbackHandler,
)
from jupyterhub.utils import url_path_join

from pairlab._body import parse_json_body
from pairlab.errors import Forbidden
from pairlab.hub._handlers import ApiHandler, CohortHandler, Unauthorized
from pairlab.hub._intake import ROUTES as INTAKE_ROUTES
from pairlab.hub._program import ROUTES as PROGRAM_ROUTES
from pairlab.hub._store import CohortStore, parse_post
from pairlab.hub._usage import routes as usage_routes
from pairlab.hub._views import cohort_json, live_page

log = logging.getLogger("pairlab.hub")


class PageHandler(CohortHandler):
    """The live cohort page: `pairlab report`'s page, refreshed as events arrive."""

    @tornado.web.authenticated
    def get(self) -> None:
        """Return the page (a browser without a hub login is sent to log in first)."""
        self.set_header("Cache-Control", "no-store")
        self.finish(live_page(self.store, self.xsrf_token.decode()))


class CohortApiHandler(ApiHandler):
    """The cohort as JSON: sessions, people and teams, as the page shows them."""

    @tornado.web.authenticated
    def get(self) -> None:
        """Return {"version", "sessions", "people", "teams"}."""
        self.finish(cohort_json(self.store))


class VersionHandler(ApiHandler):
    """What the live page polls: a number that grows with every stored event."""

    @tornado.web.authenticated
    def get(self) -> None:
        """Return {"version": n}."""
        self.finish({"version": self.store.version()})


class IngestHandler(CohortHandler):
    """Where each user's server posts its own user's session events."""

    def check_xsrf_cookie(self) -> None:
        """Servers post with their hub API token, never with a browser cookie: no XSRF here."""

    async def post(self) -> None:
        """Store {"user", "session", "event"} if the token belongs to that user's server."""
        owner = await self._token_owner()
        user, session, event = parse_post(parse_json_body(self.request.body))
        if user != owner:
            log.warning("pairlab-cohort: %s's token tried to post for %s", owner, user)
            raise Forbidden(
                f"a server of {owner} may post only {owner}'s events, not {user}'s",
                "post from the user's own server",
            )
        added = self.store.add(user, session, event)
        self.set_status(201 if added else 200)
        self.finish({"stored": added})

    async def _token_owner(self) -> str:
        """Return the hub user the Authorization token belongs to, asking the hub."""
        header = self.request.headers.get("Authorization", "")
        match = HubOAuth.auth_header_pat.match(header)
        if not match:
            raise Unauthorized("no token came with the post", "send 'Authorization: token ...'")
        model = await self.hub_auth.user_for_token(match.group(1), sync=False)
        if not model:
            raise Unauthorized("the hub does not know this token", "post with the server's token")
        if model.get("kind", "user") != "user":
            raise Forbidden("only a user's server may post events", "post from a user's server")
        return str(model["name"])


def _log_request(handler: tornado.web.RequestHandler) -> None:
    """Log method, path and status, never the query (an OAuth callback carries a code there)."""
    request = handler.request
    status = handler.get_status()
    level = logging.INFO if status < 400 else logging.WARNING
    log.log(level, "%d %s %s %.1fms", status, request.method, request.path,
            1000 * request.request_time())  # fmt: skip


def make_app(store: CohortStore, prefix: str, cookie_secret: bytes) -> tornado.web.Application:
    """Return the app with its one route table under the service prefix."""
    routes: list[tuple[str, type[tornado.web.RequestHandler]]] = [
        ("", PageHandler),
        ("api/cohort", CohortApiHandler),
        ("api/version", VersionHandler),
        ("api/events", IngestHandler),
        *PROGRAM_ROUTES,  # the Program view: hub/_program.py
        *INTAKE_ROUTES,  # the Intake view: hub/_intake.py
        *usage_routes(IngestHandler),  # reads from each user's server: hub/_usage.py
    ]
    handlers: list[Any] = [
        (url_path_join(prefix, path), handler, {"store": store}) for path, handler in routes
    ]
    handlers += [
        (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
        (prefix.rstrip("/"), tornado.web.RedirectHandler, {"url": prefix}),
        (url_path_join(prefix, "(.*)"), NotFoundHandler, {"store": store}),
    ]
    return tornado.web.Application(
        handlers, cookie_secret=cookie_secret, log_function=_log_request,
    )  # fmt: skip


class NotFoundHandler(CohortHandler):
    """Any other path: a JSON 404, to a logged-in facilitator only."""

    @tornado.web.authenticated
    def get(self, path: str) -> None:
        """Say the route does not exist."""
        raise tornado.web.HTTPError(404, f"no route '{path}'; see {self.request.path}")
