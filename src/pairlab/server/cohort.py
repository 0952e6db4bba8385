"""What the front end asks of the hub's cohort service, through this server.

GET/POST /pairlab/intake/requests (the guide's "Request a pairing") and GET /pairlab/program/me
(the start form's prefill). The server asks with its own hub token, so the service sees the
logged-in user: she files for the team the program lists her in and sees only her own.
"""

from __future__ import annotations

import asyncio

import tornado.web

from pairlab.hub import ask_intake, ask_place
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


class PlaceHandler(PairlabHandler):
    """This user's place in the program: what the guide's start form is prefilled with."""

    @tornado.web.authenticated
    async def get(self) -> None:
        """Reply {"user", "name", "role", "team", "facilitator", "trained_in"}."""
        loop = asyncio.get_running_loop()
        self.finish(await loop.run_in_executor(None, ask_place))


ROUTES: list[tuple[str, type[PairlabHandler]]] = [
    ("intake/requests", IntakeRequestsHandler),
    ("program/me", PlaceHandler),
]
