"""The check route: POST /pairlab/check runs a step's checks on a notebook under the root."""

from __future__ import annotations

import asyncio
from typing import Any

import tornado.web

from pairlab.errors import BadInput
from pairlab.server.base import PairlabHandler

FIELDS = {"path", "step", "only"}


def parse_body(body: dict[str, Any]) -> tuple[Any, str | None, list[str] | None]:
    """Return (path, step, only) from {"path", "step"?, "only"?}, refusing anything else."""
    stray = sorted(set(body) - FIELDS)
    if stray:
        raise BadInput(f"unknown field '{stray[0]}'", "send path, and optionally step and only")
    if "path" not in body:
        raise BadInput("missing field 'path'", "send the notebook's path relative to the root")
    step, only = body.get("step"), body.get("only")
    if step is not None and not isinstance(step, str):
        raise BadInput("'step' must be a string", 'e.g. "welcome/run-in-order"')
    if only is not None and not (isinstance(only, list) and all(isinstance(i, str) for i in only)):
        raise BadInput("'only' must be a list of check ids", 'e.g. ["in-order", "paired"]')
    return body["path"], step, only


class CheckHandler(PairlabHandler):
    """Run checks and reply {"path", "results", "skipped"}, as `pairlab check --json` prints."""

    @tornado.web.authenticated
    async def post(self) -> None:
        """Validate the body, then run the checks on a worker thread, off the event loop."""
        path, step, only = parse_body(self.json_body())
        service = self.service.checks
        service.resolve(path)  # refuse a bad path at once rather than after queueing
        loop = asyncio.get_running_loop()
        reply = await loop.run_in_executor(service.executor, service.check, path, step, only)
        self.service.record_check(path, step, reply)
        self.finish(reply)


ROUTES: list[tuple[str, type[PairlabHandler]]] = [("check", CheckHandler)]
