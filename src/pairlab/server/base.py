"""The base of every pairlab handler: one error-to-JSON mapping, the one JSON body parser."""

from __future__ import annotations

import json
from typing import Any

from jupyter_server.base.handlers import APIHandler

from pairlab._body import parse_json_body
from pairlab._web import JsonErrors
from pairlab.errors import BadInput
from pairlab.server.service import PairlabService

SERVICE_KEY = "pairlab"


class PairlabHandler(JsonErrors, APIHandler):
    """Base handler: every pairlab error becomes JSON with its 4xx status."""

    @property
    def service(self) -> PairlabService:
        """Return the server's one PairlabService (made in setup_routes)."""
        service: PairlabService = self.settings[SERVICE_KEY]
        return service

    def json_body(self) -> dict[str, Any]:
        """Return the request body as a JSON object, or explain what is wrong with it."""
        return parse_json_body(self.request.body)

    def write(self, chunk: str | bytes | dict[str, Any]) -> None:
        """Write a dict as strict JSON: NaN or Infinity in a reply is a 400, not invalid JSON."""
        if isinstance(chunk, dict):
            try:
                text = json.dumps(chunk, allow_nan=False)
            except ValueError:
                raise BadInput(
                    "the reply would hold NaN or Infinity, which JSON cannot carry",
                    "send finite numbers",
                ) from None
            self.set_header("Content-Type", "application/json; charset=UTF-8")
            chunk = text.replace("</", "<\\/")  # as tornado does: safe inside a <script>
        super().write(chunk)
