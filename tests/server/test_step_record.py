"""The check route decides a step's verdict and logs it in the session; clients cannot."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pairlab_routes import call

PAIR = [{"name": "Ana", "role": "analyst"}, {"name": "Eli", "role": "engineer"}]
STEP = "welcome/meet"


@pytest.fixture
def root(welcome_root: Path) -> Path:
    """Serve lesson 0 shipped and, in done/, finished (the shared welcome_root)."""
    return welcome_root


async def check(jp_fetch, path: str, **extra) -> dict:
    """Check lesson 0's meet step on `path` and return the reply."""
    code, reply = await call(jp_fetch, "check", body={"path": path, "step": STEP, **extra})
    assert code == 200, reply
    return reply


async def events(jp_fetch, sid: str, kind: str) -> list[dict]:
    """Return the data of the session's events of one kind."""
    code, body = await call(jp_fetch, "sessions", sid, "events")
    assert code == 200
    return [e["data"] for e in body["events"] if e["kind"] == kind]


async def start(jp_fetch) -> str:
    code, session = await call(jp_fetch, "sessions", body={"participants": PAIR})
    assert code == 201
    return session["id"]


async def test_the_server_logs_checks_and_completes_a_step_once(jp_fetch, root):
    sid = await start(jp_fetch)
    failing = await check(jp_fetch, "00-welcome.ipynb")
    assert failing["verdict"] == "fail" and failing["recorded"] == {
        "session": sid,
        "completed": False,
    }
    first = await check(jp_fetch, "done/00-welcome.ipynb")
    assert first["verdict"] == "pass" and first["recorded"]["completed"] is True
    await call(jp_fetch, "sessions", sid, "rotate", body={})
    again = await check(jp_fetch, "done/00-welcome.ipynb", session=sid)
    assert again["verdict"] == "pass" and again["recorded"]["completed"] is False

    checked = await events(jp_fetch, sid, "step-checked")
    assert [(c["status"], c["driver"]) for c in checked] == [
        ("fail", "Ana"),
        ("pass", "Ana"),
        ("pass", "Eli"),
    ]
    completed = await events(jp_fetch, sid, "step-completed")
    assert completed == [
        {"path": "done/00-welcome.ipynb", "lesson": "welcome", "step": "meet", "driver": "Ana"}
    ]
    code, summary = await call(jp_fetch, "sessions", sid, "summary")
    assert code == 200 and [s["step"] for s in summary["steps"]] == [STEP]


async def test_checks_at_once_complete_the_step_once(jp_fetch, root):
    sid = await start(jp_fetch)
    replies = await asyncio.gather(*(check(jp_fetch, "done/00-welcome.ipynb") for _ in range(6)))
    assert any(r["recorded"]["completed"] for r in replies)
    assert len(await events(jp_fetch, sid, "step-completed")) == 1
    # Equal checks while one runs share its run (check jobs): one step-checked per run.
    assert 1 <= len(await events(jp_fetch, sid, "step-checked")) <= 6


async def test_each_session_completes_the_step_for_itself(jp_fetch, root):
    one = await start(jp_fetch)
    await check(jp_fetch, "done/00-welcome.ipynb", session=one)
    await call(jp_fetch, "sessions", one, "end", body={})
    two = await start(jp_fetch)
    reply = await check(jp_fetch, "done/00-welcome.ipynb")
    assert reply["recorded"] == {"session": two, "completed": True}


async def test_without_a_session_the_verdict_is_kept_but_nothing_is_logged(jp_fetch, root):
    reply = await check(jp_fetch, "done/00-welcome.ipynb")
    assert reply["verdict"] == "pass" and reply["recorded"] == {"session": None, "completed": False}
    code, stored = await call(jp_fetch, "steps", params={"path": "done/00-welcome.ipynb"})
    assert code == 200 and stored["steps"][STEP]["status"] == "pass"


@pytest.mark.parametrize(
    ("session", "status", "words"),
    [("0123456789ab", 404, "no session"), (5, 400, "'session' must be a string")],
)
async def test_a_bad_session_is_refused_before_anything_runs(
    jp_fetch, root, session, status, words
):
    body = {"path": "done/00-welcome.ipynb", "step": STEP, "session": session}
    code, reply = await call(jp_fetch, "check", body=body)
    assert code == status and words in reply["error"] and reply["fix"]


async def test_an_ended_session_is_refused(jp_fetch, root):
    sid = await start(jp_fetch)
    await call(jp_fetch, "sessions", sid, "end", body={})
    body = {"path": "done/00-welcome.ipynb", "step": STEP, "session": sid}
    code, reply = await call(jp_fetch, "check", body=body)
    assert code == 400 and "has ended" in reply["error"]


@pytest.mark.parametrize("kind", ["step-checked", "step-completed", "rotated"])
async def test_clients_cannot_post_what_the_server_decides(jp_fetch, root, kind):
    sid = await start(jp_fetch)
    data = {"path": "00-welcome.ipynb", "lesson": "welcome", "step": "meet", "status": "pass"}
    code, reply = await call(jp_fetch, "sessions", sid, "events", body={"kind": kind, "data": data})
    assert code == 400 and "records" in reply["error"] and reply["fix"]
    assert await events(jp_fetch, sid, kind) == []


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"path": "00-welcome.ipynb", "set": "everything"}, "no check set 'everything'"),
        ({"path": "00-welcome.ipynb", "set": "practice", "step": STEP}, "'set' goes alone"),
    ],
)
async def test_bad_check_sets_are_refused(jp_fetch, root, body, words):
    code, reply = await call(jp_fetch, "check", body=body)
    assert code == 400 and words in reply["error"]
