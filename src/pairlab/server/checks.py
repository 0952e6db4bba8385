"""The check route: POST /pairlab/check runs a step's checks on a notebook under the root."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import tornado.web

from pairlab.checks import StepResult, parse_set
from pairlab.errors import BadInput
from pairlab.server.base import PairlabHandler

FIELDS = {"path", "step", "only", "set", "session"}


@dataclass(frozen=True)
class CheckRequest:
    """A validated check request: what to check, which checks, and the session it counts for."""

    path: Any
    step: str | None
    only: list[str] | None
    named: str | None
    session: str | None


def _optional_str(body: dict[str, Any], key: str, example: str) -> str | None:
    """Return body[key] when it is a string or absent; refuse anything else."""
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise BadInput(f"'{key}' must be a string", f"e.g. {example}")
    return value


def parse_body(body: dict[str, Any]) -> CheckRequest:
    """Return the request from {"path", "step"?, "only"?, "set"?, "session"?}; refuse the rest."""
    stray = sorted(set(body) - FIELDS)
    if stray:
        raise BadInput(f"unknown field '{stray[0]}'", f"send only {', '.join(sorted(FIELDS))}")
    if "path" not in body:
        raise BadInput("missing field 'path'", "send the notebook's path relative to the root")
    only = body.get("only")
    if only is not None and not (isinstance(only, list) and all(isinstance(i, str) for i in only)):
        raise BadInput("'only' must be a list of check ids", 'e.g. ["in-order", "paired"]')
    named = _optional_str(body, "set", '"practice"')
    parse_set(named)
    if named and (body.get("step") is not None or only is not None):
        raise BadInput("'set' goes alone", "send set, or step and only, not both")
    return CheckRequest(
        path=body["path"],
        step=_optional_str(body, "step", '"welcome/run-in-order"'),
        only=only,
        named=named,
        session=_optional_str(body, "session", "the id POST sessions returned"),
    )


class CheckHandler(PairlabHandler):
    """Run checks and reply {"path", "verdict", "results", ...}, as `pairlab check --json`."""

    @tornado.web.authenticated
    async def post(self) -> None:
        """Validate, run the checks off the event loop, and record a step's verdict."""
        req = parse_body(self.json_body())
        service = self.service.checks
        service.resolve(req.path)  # refuse a bad path at once rather than after queueing
        if req.step is not None:
            self.service.session_for_check(req.session)  # refuse a bad session before running
        loop = asyncio.get_running_loop()
        report = await loop.run_in_executor(
            service.executor, service.check, req.path, req.step, req.only, req.named
        )
        reply = report.to_json()
        if isinstance(report, StepResult):
            reply["recorded"] = self.service.record_step(req.path, report, req.session)
        self.finish(reply)


ROUTES: list[tuple[str, type[PairlabHandler]]] = [("check", CheckHandler)]
