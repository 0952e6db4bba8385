"""The base of every pairlab handler: one error-to-JSON mapping and JSON body parsing."""

from __future__ import annotations

import json
from typing import Any

import tornado.web
from jupyter_server.base.handlers import APIHandler

from pairlab.errors import BadInput, PairlabError, TooLarge
from pairlab.server.service import PairlabService

SERVICE_KEY = "pairlab"
MAX_BODY_BYTES = 1_000_000  # the largest body a pairlab route reads (an event is 64 kB at most)
MAX_DEPTH = 32  # objects and lists nested deeper are refused before anything reads them


def _refuse_constant(name: str) -> Any:
    """Refuse NaN and Infinity, which Python's json reads but JSON does not have."""
    raise BadInput(f"the request body holds {name}, which is not JSON", "send numbers or null")


def _check_tree(value: Any) -> None:
    """Refuse nesting deeper than MAX_DEPTH and strings that are not Unicode (lone surrogates)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise BadInput(
                    "the request body holds a lone surrogate (e.g. \\ud800)",
                    "send text that is valid Unicode",
                ) from None
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise BadInput(
                f"the request body is nested deeper than {MAX_DEPTH} levels", "send flatter JSON"
            )
        children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children)


def parse_json_body(raw: bytes | None) -> dict[str, Any]:
    """Return a request body as a JSON object within the limits, or say what is wrong with it."""
    raw = raw or b"{}"
    if len(raw) > MAX_BODY_BYTES:
        raise TooLarge(
            f"the request body is {len(raw)} bytes", f"send at most {MAX_BODY_BYTES} bytes"
        )
    try:
        body = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        raise BadInput(
            f"the request body is nested deeper than {MAX_DEPTH} levels", "send flatter JSON"
        ) from None
    except ValueError:  # JSONDecodeError, and UnicodeDecodeError for bytes that are not UTF-8
        raise BadInput("the request body is not valid JSON", "send a JSON object") from None
    if not isinstance(body, dict):
        raise BadInput("the request body must be a JSON object", "send {...}")
    _check_tree(body)
    return body


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
