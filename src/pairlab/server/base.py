"""The base of every pairlab handler: one error-to-JSON mapping, the one JSON body parser."""

from __future__ import annotations

import json
from typing import Any

import tornado.web
from jupyter_server.base.handlers import APIHandler

from pairlab._body import parse_json_body
from pairlab.errors import BadInput, PairlabError, reply
from pairlab.server.service import PairlabService

SERVICE_KEY = "pairlab"


class PairlabHandler(APIHandler):
    """Base handler: every pairlab error becomes JSON with its 4xx status."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Serialize PairlabError as {"error", "fix"}; anything else as a plain 5xx message."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        self.set_header("Content-Type", "application/json")
        if isinstance(exc, tornado.web.HTTPError):
            otherwise = exc.log_message or self._reason
        else:
            otherwise = "internal error in pairlab; see the server log"
        status, body = reply(exc, status_code, otherwise)
        self.set_status(status)
        self.finish(json.dumps(body))

    def _handle_request_exception(self, e: BaseException) -> None:
        """Route PairlabError to write_error without logging a traceback for bad input."""
        if isinstance(e, PairlabError):
            self.send_error(e.status, exc_info=(type(e), e, e.__traceback__))
            return
        super()._handle_request_exception(e)

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
