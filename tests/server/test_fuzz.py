"""A seeded fuzz of every route (issue 14): odd bodies and queries get a JSON 4xx, never a 5xx.

No extra dependency: a fixed-seed generator of the values that broke the routes before (deep
nesting, lone surrogates, huge integers, wrong types, paths that climb out) and their mixtures.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

PAIR = [{"name": "Ana", "role": "analyst"}, {"name": "Eli", "role": "engineer"}]
FIELDS = [
    *("path", "step", "only", "set", "session", "participants", "rotation_minutes", "lesson"),
    *("kind", "data", "results", "since", "name", "role", "cell", "success"),
]
ATOMS: list[Any] = [
    None, True, False, 0, -1, 15, 2**63, 2**70, -(2**64), 1e308, -0.0, 0.5,
    "", " ", "x", "\ud800", "\udfff", "\x00", "²", "9" * 30, "a" * 5000, "../../etc/passwd",
    "/etc/passwd", "C:\\x", ".hidden/x.ipynb", "nb.ipynb", "welcome", "welcome/meet",
    "cell-executed", "rotation-prompted", "step-checked", "analyst", "practice", "n" * 300,
]  # fmt: skip
ROUNDS = 80
RAW = [
    b"", b"{", b"NaN", b"[1e999]", b'{"a": Infinity}', b"\xff\xfe", b"null",
    b'{"kind": "rotation-prompted", "data": {"x": NaN}}',
    b'{"kind": "rotation-prompted", "data": {"x": "\\ud800"}}',
    b'{"path": "\\ud800", "participants": "\\udfff"}',
    b'{"path": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    b'{"kind": "rotation-prompted", "data": ' + b'{"a": ' * 900 + b"1" + b"}" * 901,
]  # fmt: skip


def value(rng: random.Random, depth: int = 0) -> Any:
    """Return a random JSON value: an atom, or a list or object of values, now and then deep."""
    roll = rng.random()
    if roll < 0.03:
        return json.loads("[" * 60 + "]" * 60)
    if depth > 4 or roll < 0.55:
        return rng.choice(ATOMS)
    if roll < 0.75:
        return [value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = rng.sample(FIELDS, rng.randint(0, 4))
    return {k: value(rng, depth + 1) for k in keys}


def body(rng: random.Random) -> bytes:
    """Return a random request body: mostly an object of known fields, sometimes anything."""
    roll = rng.random()
    if roll < 0.15:
        return rng.choice(RAW)
    if roll < 0.2:
        return json.dumps(value(rng)).encode()
    fields = {k: value(rng) for k in rng.sample(FIELDS, rng.randint(1, 5))}
    return json.dumps(fields).encode()


def _not_json(name: str) -> None:
    """Fail on NaN or Infinity in a reply: Python reads them, JSON has no such values."""
    raise AssertionError(f"the reply holds {name}, which is not JSON")


async def fetch(jp_fetch, *path: str, **kwargs) -> tuple[int, Any]:
    """Fetch a pairlab route; return its status and JSON reply whatever the status."""
    try:
        response = await jp_fetch("pairlab", *path, **kwargs)
    except HTTPClientError as error:
        assert error.response is not None
        return error.code, json.loads(error.response.body, parse_constant=_not_json)
    return response.code, json.loads(response.body)


async def start(jp_fetch, jp_root_dir) -> str:
    """Start a session to aim the session routes at."""
    (jp_root_dir / "nb.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4}')
    code, session = await fetch(
        jp_fetch, "sessions", method="POST", body=json.dumps({"participants": PAIR})
    )
    assert code == 201
    return session["id"]


@pytest.mark.parametrize("route", ["check", "sessions", "events"])
async def test_random_bodies_never_get_a_5xx(jp_fetch, jp_root_dir, route):
    sid = await start(jp_fetch, jp_root_dir)
    rng = random.Random(f"pairlab-{route}")  # noqa: S311 - a fixed seed, not a secret
    path = ("sessions", sid, "events") if route == "events" else (route,)
    for _ in range(ROUNDS):
        sent = body(rng)
        code, reply = await fetch(jp_fetch, *path, method="POST", body=sent)
        assert code < 500, (sent[:200], reply)
        assert code < 300 or (reply["error"] and "fix" in reply)
    for part in ("events", "export", "summary"):  # whatever was stored still reads back
        code, reply = await fetch(jp_fetch, "sessions", sid, part)
        assert code == 200, reply


def _sendable(text: str) -> bool:
    """Return whether a query can carry `text` (and it is not the known '²' bug below)."""
    return (
        "\x00" not in text and "²" not in text and not any(0xD800 <= ord(c) <= 0xDFFF for c in text)
    )


QUERIES = [("sessions/{sid}/events", "since"), ("steps", "path"), ("catalog/similar", "path")]


@pytest.mark.parametrize(("route", "name"), QUERIES, ids=[q[0] for q in QUERIES])
async def test_random_queries_never_get_a_5xx(jp_fetch, jp_root_dir, route, name):
    sid = await start(jp_fetch, jp_root_dir)
    rng = random.Random(f"pairlab-{route}")  # noqa: S311 - a fixed seed, not a secret
    sendable = [str(a) for a in ATOMS if _sendable(str(a))]
    for _ in range(ROUNDS):
        sent = rng.choice(sendable)
        code, reply = await fetch(jp_fetch, *route.format(sid=sid).split("/"), params={name: sent})
        assert code < 500, (sent[:200], reply)


async def test_a_superscript_since_is_a_4xx(jp_fetch, jp_root_dir):
    sid = await start(jp_fetch, jp_root_dir)
    code, _ = await fetch(jp_fetch, "sessions", sid, "events", params={"since": "²"})
    assert code == 400
