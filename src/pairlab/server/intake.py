"""The guide's "Request a pairing": GET/POST /pairlab/intake/requests, asked of the hub's service.

The server asks the cohort service with its own hub token, so the service sees the logged-in
user: she files for the team the program lists her in and sees only her team's requests.
"""

from __future__ import annotations

import asyncio

import tornado.web

from pairlab.hub import ask_intake
from pairlab.server.base import PairlabHandler


class IntakeRequestsHandler(PairlabHandler):
    """This user's team's requests on the hub's intake queue; submitting one."""

    @tornado.web.authenticated
    async def get(self) -> None:
        """Reply {"team", "requests", "counts", "limit", "open"} as the service answers."""
        loop = asyncio.get_running_loop()
        self.finish(await loop.run_in_executor(None, ask_intake))

    @tornado.web.authenticated
    async def post(self) -> None:
        """File the request body; reply with its view: reuse answer, position, score, notes."""
        body = self.json_body()
        loop = asyncio.get_running_loop()
        view = await loop.run_in_executor(None, ask_intake, body)
        self.set_status(200 if view.get("duplicate") else 201)
        self.finish(view)


ROUTES: list[tuple[str, type[PairlabHandler]]] = [("intake/requests", IntakeRequestsHandler)]
