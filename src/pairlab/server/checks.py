"""The check routes: POST /pairlab/check runs a step's checks; a long one becomes a job.

Without `Prefer: respond-async` POST answers when the check ends (200 and the report), as
`pairlab check --json` prints it. With it (the guide sends it), a check still running after
`wait` seconds (1 by default) answers 202 with its job, which GET check/jobs/<id> follows
and DELETE cancels (RFC 7240's asynchronous preference).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable
from typing import Any

import tornado.web

from pairlab.checks import CheckRequest, Report, StepResult
from pairlab.errors import BadInput
from pairlab.locale import _
from pairlab.server.base import PairlabHandler

ASYNC_WAIT = 1.0  # a check over this many seconds shows progress and a Cancel button
MAX_WAIT = 30.0
TOKEN_HOLDER = "the holder of the server's token"  # noqa: S105 - a name, not a secret
JOB_ID = r"(?P<job_id>[^/]+)"
_WAIT = re.compile(r"(?:^|[;,])\s*wait\s*=\s*(\d+(?:\.\d+)?)")


def async_wait(prefer: str | None) -> float | None:
    """Return how long to wait before answering 202, or None when the client wants to wait."""
    if prefer is None or "respond-async" not in prefer.lower():
        return None
    asked = _WAIT.search(prefer.lower())
    return min(float(asked.group(1)), MAX_WAIT) if asked else ASYNC_WAIT


class CheckJobsHandler(PairlabHandler):
    """What every check route shares: whose jobs these are."""

    async def owner(self) -> str:
        """Return whose jobs these are: the logged-in user, or the holder of the server's token.

        A request with the token and no login cookie gets a fresh anonymous user each time
        (jupyter_server), so the token itself is its identity: one owner for all of them.
        """
        if self.token_authenticated:
            named = self.identity_provider.get_user_cookie(self)
            if isinstance(named, Awaitable):
                named = await named
            if named is None:
                return TOKEN_HOLDER
        user = self.current_user
        return str(getattr(user, "username", user))


class CheckHandler(CheckJobsHandler):
    """Run checks and reply {"path", "verdict", "results", ...}, as `pairlab check --json`."""

    @tornado.web.authenticated
    async def post(self) -> None:
        """Validate, run the checks as a job off the event loop, and answer or hand back the job."""
        body = self.json_body()
        req = CheckRequest.from_body(body, extra=("session",))  # the CLI's rules, from JSON
        session = body.get("session")
        if session is not None and not isinstance(session, str):
            raise BadInput(_("'session' must be a string"), _("e.g. the id POST sessions returned"))
        service = self.service.checks
        service.resolve(req.path)  # refuse a bad path at once rather than after queueing
        if req.step is not None:
            self.service.session_for_check(session)  # refuse a bad session before running

        def record(report: Report) -> dict[str, Any]:
            reply = report.to_json()
            if isinstance(report, StepResult):
                reply["recorded"] = self.service.record_step(req.path, report, session)
            return reply

        job = service.jobs.start(await self.owner(), req, session, record)
        wait = async_wait(self.request.headers.get("Prefer"))
        if await job.wait(wait):
            self.finish(job.result())
            return
        self.set_status(202)
        self.set_header("Preference-Applied", "respond-async")
        self.set_header("Location", f"check/jobs/{job.id}")
        self.finish(job.to_json())


class CheckJobHandler(CheckJobsHandler):
    """Follow (GET) or cancel (DELETE) one of the user's check jobs."""

    @tornado.web.authenticated
    async def get(self, job_id: str) -> None:
        """Return the job's state, progress, elapsed seconds, and its reply once done."""
        self.finish(self.service.checks.jobs.get(await self.owner(), job_id).to_json())

    @tornado.web.authenticated
    async def delete(self, job_id: str) -> None:
        """Cancel the job (its kernel runs stop; no verdict is recorded) and return its state."""
        job = await self.service.checks.jobs.cancel(await self.owner(), job_id)
        self.finish(job.to_json())


ROUTES: list[tuple[str, type[PairlabHandler]]] = [
    ("check", CheckHandler),
    (f"check/jobs/{JOB_ID}", CheckJobHandler),
]
