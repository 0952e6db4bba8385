"""The check route: POST /pairlab/check runs a step's checks on a notebook under the root."""

from __future__ import annotations

import asyncio

import tornado.web

from pairlab.checks import CheckRequest, StepResult
from pairlab.errors import BadInput
from pairlab.server.base import PairlabHandler


class CheckHandler(PairlabHandler):
    """Run checks and reply {"path", "verdict", "results", ...}, as `pairlab check --json`."""

    @tornado.web.authenticated
    async def post(self) -> None:
        """Validate, run the checks off the event loop, and record a step's verdict."""
        body = self.json_body()
        req = CheckRequest.from_body(body, extra=("session",))  # the CLI's rules, from JSON
        session = body.get("session")
        if session is not None and not isinstance(session, str):
            raise BadInput("'session' must be a string", "e.g. the id POST sessions returned")
        service = self.service.checks
        service.resolve(req.path)  # refuse a bad path at once rather than after queueing
        if req.step is not None:
            self.service.session_for_check(session)  # refuse a bad session before running
        loop = asyncio.get_running_loop()
        report = await loop.run_in_executor(service.executor, service.check, req)
        reply = report.to_json()
        if isinstance(report, StepResult):
            reply["recorded"] = self.service.record_step(req.path, report, session)
        self.finish(reply)


ROUTES: list[tuple[str, type[PairlabHandler]]] = [("check", CheckHandler)]
