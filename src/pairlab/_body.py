"""The one JSON body parser every route reads requests with: the lab's server and the hub's."""

from __future__ import annotations

import json
from typing import Any

from pairlab.errors import BadInput, TooLarge

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
