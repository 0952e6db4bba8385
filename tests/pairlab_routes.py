"""Calling pairlab's server routes from in-process server tests, as the guide's requestAPI does."""

from __future__ import annotations

import json
from typing import Any

from tornado.httpclient import HTTPClientError


async def call(jp_fetch: Any, *path: str, body: Any = None, method: str | None = None,
               **kwargs: Any) -> tuple[int, Any]:  # fmt: skip
    """Fetch a pairlab route; return (status, JSON reply), error statuses included.

    A body is sent as JSON (a str as it is) with POST unless `method` says otherwise.
    """
    method = method or ("POST" if body is not None else "GET")
    data = None if body is None else (body if isinstance(body, str) else json.dumps(body))
    try:
        response = await jp_fetch("pairlab", *path, method=method, body=data, **kwargs)
    except HTTPClientError as error:
        assert error.response is not None
        return error.code, json.loads(error.response.body)
    return response.code, json.loads(response.body)


async def call_ok(jp_fetch: Any, *path: str, body: Any = None, **kwargs: Any) -> Any:
    """Fetch a pairlab route that must succeed; return its JSON reply."""
    code, reply = await call(jp_fetch, *path, body=body, **kwargs)
    assert 200 <= code < 300, (code, reply)
    return reply
