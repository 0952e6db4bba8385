"""The check route: POST /pairlab/check runs a step's checks on a notebook under the root."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import tornado.web

from pairlab.checks import CheckService
from pairlab.errors import BadInput
from pairlab.server.base import PairlabHandler

CHECKS_KEY = "pairlab_checks"
FIELDS = {"path", "step", "only"}


def check_service(settings: dict[str, Any]) -> CheckService:
    """Return the server's CheckService, made on first use for the server root."""
    if CHECKS_KEY not in settings:
        hidden = getattr(settings.get("contents_manager"), "allow_hidden", False)
        root = Path(settings["server_root_dir"])
        settings[CHECKS_KEY] = CheckService(root, allow_hidden=bool(hidden))
    return settings[CHECKS_KEY]


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
        service = check_service(self.settings)
        service.resolve(path)  # refuse a bad path at once rather than after queueing
        loop = asyncio.get_running_loop()
        reply = await loop.run_in_executor(service.executor, service.check, path, step, only)
        self.service.record_check(path, step, reply)
        self.finish(reply)


ROUTES: list[tuple[str, type[PairlabHandler]]] = [("check", CheckHandler)]
