"""Session routes through a real server: start, rotate, events, export, and their bad input."""

import pytest
from pairlab_routes import call
from tornado.httpclient import HTTPClientError

PAIR = [{"name": "Ana", "role": "analyst"}, {"name": "Eli", "role": "engineer"}]


async def start(jp_fetch, **extra):
    code, session = await call(jp_fetch, "sessions", body={"participants": PAIR, **extra})
    assert code == 201, session
    return session


async def test_start_rotate_and_read_back(jp_fetch, jp_root_dir):
    session = await start(jp_fetch, rotation_minutes=20, lesson="welcome")
    assert session["driver"]["name"] == "Ana"
    assert session["rotation_minutes"] == 20

    code, rotated = await call(jp_fetch, "sessions", session["id"], "rotate", body={})
    assert code == 200
    assert rotated["driver"]["name"] == "Eli"
    assert [n["name"] for n in rotated["navigators"]] == ["Ana"]

    code, listed = await call(jp_fetch, "sessions")
    assert [s["id"] for s in listed["sessions"]] == [session["id"]]
    assert (jp_root_dir / ".pairlab" / "pairlab.db").is_file()


async def test_events_and_export(jp_fetch):
    session = await start(jp_fetch)
    sid = session["id"]
    executed = {"kind": "cell-executed", "data": {"path": "00-welcome.ipynb", "cell": "abc"}}
    code, event = await call(jp_fetch, "sessions", sid, "events", body=executed)
    assert code == 201 and event["kind"] == "cell-executed"

    code, listed = await call(
        jp_fetch, "sessions", sid, "events", params={"since": event["id"] - 1}
    )
    assert [e["id"] for e in listed["events"]] == [event["id"]]

    code, doc = await call(jp_fetch, "sessions", sid, "export")
    assert code == 200
    assert doc["format"] == "pairlab-session/1"
    assert [e["kind"] for e in doc["events"]] == ["session-started", "cell-executed"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "2 to 4 participants"),
        ({"participants": []}, "2 to 4 participants"),
        ({"participants": PAIR, "lesson": "no-such-lesson"}, "unknown lesson id"),
        ({"participants": PAIR, "rotation_minutes": 0}, "out of range"),
        ("not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
    ],
)
async def test_bad_start_is_json_400(jp_fetch, body, message):
    code, error = await call(jp_fetch, "sessions", body=body)
    assert code == 400
    assert message in error["error"]
    assert error["fix"]


@pytest.mark.parametrize(
    "event",
    [
        {"kind": "nope"},
        {"kind": "cell-executed", "data": {"path": "/etc/passwd"}},
        {"kind": "cell-executed", "data": {"path": "../../outside.ipynb"}},
        {"kind": "cell-executed", "data": "x"},
    ],
)
async def test_bad_event_is_json_400(jp_fetch, event):
    session = await start(jp_fetch)
    code, error = await call(jp_fetch, "sessions", session["id"], "events", body=event)
    assert code == 400, error


async def test_unknown_session_is_json_404(jp_fetch):
    code, error = await call(jp_fetch, "sessions", "0123456789ab", "rotate", body={})
    assert code == 404
    assert "no session" in error["error"]


ROUTES = [
    ("GET", ["sessions"]),
    ("POST", ["sessions"]),
    ("GET", ["sessions", "0123456789ab"]),
    ("POST", ["sessions", "0123456789ab", "rotate"]),
    ("POST", ["sessions", "0123456789ab", "end"]),
    ("GET", ["sessions", "0123456789ab", "events"]),
    ("POST", ["sessions", "0123456789ab", "events"]),
    ("GET", ["sessions", "0123456789ab", "export"]),
    ("GET", ["sessions", "0123456789ab", "summary"]),
    ("GET", ["report"]),
]


@pytest.mark.parametrize(
    ("method", "path"), ROUTES, ids=lambda x: "/".join(x) if isinstance(x, list) else x
)
async def test_every_session_route_needs_the_token(jp_fetch, method, path):
    body = "{}" if method == "POST" else None
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("pairlab", *path, method=method, body=body, headers={"Authorization": ""})
    assert info.value.code == 403


async def test_checked_step_status_is_kept_for_the_notebook(jp_fetch, jp_root_dir):
    from pairlab.lab import seed_workspace

    seed_workspace(jp_root_dir)
    body = {"path": "00-welcome.ipynb", "step": "welcome/meet"}
    code, reply = await call(jp_fetch, "check", body=body)
    assert code == 200
    assert reply["results"][0]["status"] == "fail"  # the lesson ships unexecuted

    code, stored = await call(jp_fetch, "steps", params={"path": "00-welcome.ipynb"})
    assert code == 200
    assert stored["steps"]["welcome/meet"]["status"] == "fail"
    assert stored["steps"]["welcome/meet"]["message"] == reply["results"][0]["message"]


@pytest.mark.parametrize(
    ("path", "message"),
    [("/etc/passwd", "not inside the server root"), ("../x.ipynb", "not inside"), ("", "missing")],
)
async def test_steps_refuses_paths_outside_the_root(jp_fetch, path, message):
    code, error = await call(jp_fetch, "steps", params={"path": path})
    assert code == 400
    assert message in error["error"]
