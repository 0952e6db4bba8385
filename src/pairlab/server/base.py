"""The base of every pairlab handler: one error-to-JSON mapping, the one JSON body parser.

A reply's messages (pairlab.locale.Message) are said in the language the request asks for.
"""

from __future__ import annotations

import json
from typing import Any

from jupyter_server.base.handlers import APIHandler

from pairlab._body import parse_json_body
from pairlab._web import JsonErrors
from pairlab.errors import BadInput
from pairlab.locale import _, accepted_languages, localize
from pairlab.server.service import PairlabService

SERVICE_KEY = "pairlab"


class PairlabHandler(JsonErrors, APIHandler):
    """Base handler: every pairlab error becomes JSON with its 4xx status."""

    unexpected = _("internal error in pairlab; see the server log")

    def languages(self) -> list[str]:
        """Return the languages the request asks its messages in (Accept-Language), best first.

        The guide sends the lab's own language (Settings > Language) in this header, so its
        messages match its words; any other client gets its Accept-Language, the HTTP way.
        """
        return accepted_languages(self.request.headers.get("Accept-Language"))

    def error_reply(
        self, status_code: int, exc: BaseException | None
    ) -> tuple[int, dict[str, str]]:
        """Return the status and {"error", "fix"} for `exc`, in the request's language."""
        status, body = super().error_reply(status_code, exc)
        return status, localize(body, self.languages())

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
                text = json.dumps(localize(chunk, self.languages()), allow_nan=False)
            except ValueError:
                raise BadInput(
                    _("the reply would hold NaN or Infinity, which JSON cannot carry"),
                    _("send finite numbers"),
                ) from None
            self.set_header("Content-Type", "application/json; charset=UTF-8")
            chunk = text.replace("</", "<\\/")  # as tornado does: safe inside a <script>
        super().write(chunk)
