"""What the server's and the hub's tornado handlers share: one way to answer an error."""

from __future__ import annotations

import json
from typing import Any

import tornado.web

from pairlab.errors import PairlabError, reply


class JsonErrors(tornado.web.RequestHandler):
    """Answer every error as JSON {"error", "fix"}; bad input without a logged traceback."""

    unexpected = "internal error in pairlab; see the server log"

    def error_reply(
        self, status_code: int, exc: BaseException | None
    ) -> tuple[int, dict[str, str]]:
        """Return the status and body for `exc`, by errors.reply (subclasses may say more)."""
        if isinstance(exc, tornado.web.HTTPError):
            return reply(exc, status_code, exc.log_message or self._reason)
        return reply(exc, status_code, self.unexpected)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Write the error's JSON with its status; never a traceback."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        status, body = self.error_reply(status_code, exc)
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(json.dumps(body))

    def _handle_request_exception(self, e: BaseException) -> None:
        """Route a PairlabError to write_error without logging a traceback for bad input."""
        if isinstance(e, PairlabError):
            self.send_error(e.status, exc_info=(type(e), e, e.__traceback__))
            return
        super()._handle_request_exception(e)
