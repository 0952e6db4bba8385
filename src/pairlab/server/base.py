"""The base of every pairlab handler: one error-to-JSON mapping and JSON body parsing."""

from __future__ import annotations

import json
from typing import Any

import tornado.web
from jupyter_server.base.handlers import APIHandler

from pairlab.errors import BadInput, PairlabError
from pairlab.service import PairlabService

SERVICE_KEY = "pairlab"


class PairlabHandler(APIHandler):
    """Base handler: every pairlab error becomes JSON with its 4xx status."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Serialize PairlabError as {"error", "fix"}; anything else as a plain 5xx message."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        self.set_header("Content-Type", "application/json")
        if isinstance(exc, PairlabError):
            self.set_status(exc.status)
            self.finish(json.dumps({"error": exc.problem, "fix": exc.fix}))
            return
        if isinstance(exc, tornado.web.HTTPError):
            message = exc.log_message or self._reason
        else:
            message = "internal error in pairlab; see the server log"
        self.finish(json.dumps({"error": message, "fix": ""}))

    def _handle_request_exception(self, e: BaseException) -> None:
        """Route PairlabError to write_error without logging a traceback for bad input."""
        if isinstance(e, PairlabError):
            self.send_error(e.status, exc_info=(type(e), e, e.__traceback__))
            return
        super()._handle_request_exception(e)

    @property
    def service(self) -> PairlabService:
        """Return the server's one PairlabService (made in setup_routes)."""
        return self.settings[SERVICE_KEY]

    def json_body(self) -> dict[str, Any]:
        """Return the request body as a JSON object, or explain what is wrong with it."""
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise BadInput("the request body is not valid JSON", "send a JSON object") from None
        if not isinstance(body, dict):
            raise BadInput("the request body must be a JSON object", "send {...}")
        return body
