"""The hub's parts without a hub: the store's listener, the outbox forwarder, the cohort store.

The forwarder posts to a real HTTP server on loopback; the cohort store is real SQLite (WAL).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from pairlab.errors import BadInput
from pairlab.hub import Forwarder, forwarder_from_env
from pairlab.hub._store import CohortStore, parse_post
from pairlab.hub._views import cohort_json, live_page
from pairlab.lab import free_port
from pairlab.sessions import Participant, SessionStore, summarize
from pairlab.sessions.summary import attribute_run

PAIR = (Participant("Ana", "analyst"), Participant("Eli", "engineer"))
TOKEN = "secret-token-0123456789"


def pair_a_little(store: SessionStore) -> str:
    """Start a session on lesson 0, run cells (one fails), fail and pass a check, rotate."""
    session = store.start(PAIR, 15, "welcome")
    sid = session.id
    for ok in (True, False, True):
        run = {"path": "00-welcome.ipynb", "cell": "c1", "success": ok}
        store.record(sid, "cell-executed", attribute_run(store.get(sid), run))
    checked = {"path": "00-welcome.ipynb", "lesson": "welcome", "step": "meet", "driver": "Ana"}
    for verdict in ("fail", "pass"):
        results = [{"id": "named", "status": verdict}]
        store.record_step(sid, checked | {"status": verdict, "results": results}, verdict == "pass")
    store.rotate(sid)
    store.record(sid, "cell-executed", attribute_run(store.get(sid), {"success": True}))
    return sid


def test_the_store_tells_its_listener_each_committed_event_with_its_session(tmp_path):
    told: list[dict] = []
    store = SessionStore(tmp_path, on_event=told.append)
    sid = pair_a_little(store)
    stored = [e.to_json() for e in store.events(sid)]
    assert [t["event"] for t in told] == stored  # step-checked and step-completed both, in order
    assert told[-1]["session"]["rotations"] == 1 and told[-1]["session"]["id"] == sid
    store.close()


def test_a_failing_listener_never_loses_the_stored_event(tmp_path):
    def broken(_: dict) -> None:
        raise OSError("disk full")

    store = SessionStore(tmp_path, on_event=broken)
    sid = store.start(PAIR, 15, None).id
    store.record(sid, "cell-executed", {"success": True})
    assert [e.kind for e in store.events(sid)] == ["session-started", "cell-executed"]
    store.close()


def test_the_facilitator_summary_and_the_hub_cohort_agree_on_the_same_events(tmp_path, cohort_url):
    cohort = CohortStore(cohort_url)  # SQLite and PostgreSQL (tests/hub/conftest.py)
    store = SessionStore(tmp_path, on_event=lambda item: cohort.add("ana", **item))
    sid = pair_a_little(store)
    summary = summarize(store.get(sid), store.events(sid))

    (row,) = cohort_json(cohort)["sessions"]
    assert (row["id"], row["user"], row["lesson"]) == (f"ana/{sid}", "ana", "welcome")
    assert row["events"] == len(store.events(sid))
    assert row["rotations"] == len(summary["rotations"]) == 1
    assert row["steps_completed"] == [s["step"] for s in summary["steps"]] == ["welcome/meet"]
    assert row["failed_checks"] == {c["check"]: c["failures"] for c in summary["failed_checks"]}
    executions = {e["user"]: (e["runs"], e["errors"]) for e in summary["executions"]}
    assert executions == {u: (n, row["cell_errors"].get(u, 0)) for u, n in row["cell_runs"].items()}
    assert executions == {"Ana": (3, 1), "Eli": (1, 0)}
    # The live page is `pairlab report`'s page over the same rows.
    page = live_page(cohort, "xsrf")
    assert f"ana/{sid}" in page and "3 (1 failed)" in page and "0 welcome" in page
    store.close()
    cohort.close()


def test_the_cohort_store_keeps_each_event_once_and_the_newest_session(tmp_path, cohort_url):
    cohort = CohortStore(cohort_url)  # SQLite and PostgreSQL (tests/hub/conftest.py)
    told: list[dict] = []
    store = SessionStore(tmp_path, on_event=told.append)
    pair_a_little(store)
    store.close()
    late = [*told[:1], *told[2:], told[1]]  # an early run last (a retry); the session started
    assert all(cohort.add("ana", **t) for t in late)
    assert not any(cohort.add("ana", **t) for t in told)  # resent posts: each stored once
    (doc,) = cohort.exports()
    assert doc["session"]["rotations"] == 1  # the newest event's session, not the last posted
    assert [e["id"] for e in doc["events"]] == sorted(t["event"]["id"] for t in told)
    assert cohort.count() == len(told) and cohort.version() > 0
    cohort.close()


GOOD = {
    "user": "ana",
    "session": {"id": "0123456789ab", "started_at": 1.0, "lesson": None,
                "participants": [{"name": "Ana", "role": "analyst"},
                                 {"name": "Eli", "role": "engineer"}]},
    "event": {"id": 1, "session_id": "0123456789ab", "at": 2.0, "kind": "rotated", "data": {}},
}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"user": ""}, "'user' is missing"),
        ({"event": []}, "'session' and 'event' must be objects"),
        ({"session": {**GOOD["session"], "id": "../x"}}, "session 'id' must be 12 hex digits"),
        ({"event": {**GOOD["event"], "id": True}}, "event 'id' must be a positive whole number"),
        ({"event": {**GOOD["event"], "at": "now"}}, "'at' must be a time in seconds"),
        ({"event": {**GOOD["event"], "kind": "x"}}, "unknown event kind 'x'"),
        ({"event": {**GOOD["event"], "session_id": "ffffffffffff"}}, "another session"),
        ({"event": {**GOOD["event"], "data": {"success": "yes"}}}, "'success' must be a boolean"),
    ],
)
def test_a_bad_post_is_refused_in_one_line(change, message):
    with pytest.raises(BadInput, match=message):
        parse_post({**GOOD, **change})


class _Service(BaseHTTPRequestHandler):
    """Records posts; answers 403 to a post for "eli" (as the cohort service would)."""

    received: ClassVar[list[tuple[str, dict]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        forged = body["user"] != "ana"
        if not forged:
            self.received.append((self.headers["Authorization"], body))
        self.send_response(403 if forged else 201)
        self.end_headers()
        self.wfile.write(b'{"error": "not yours"}')

    def log_message(self, *args: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def service_port() -> Iterator[tuple[int, list, threading.Event]]:
    """Return a free port, the posts received there, and an event that starts the service."""
    port, received, up = free_port(), [], threading.Event()
    _Service.received = received

    def serve() -> None:
        up.wait()
        server.append(ThreadingHTTPServer(("127.0.0.1", port), _Service))
        server[0].serve_forever(poll_interval=0.1)

    server: list[ThreadingHTTPServer] = []
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield port, received, up
    up.set()
    for _ in range(50):
        if server:
            break
        time.sleep(0.05)
    server[0].shutdown()
    server[0].server_close()
    thread.join()


def wait_until(condition, seconds: float = 20) -> None:
    """Poll until `condition()` holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_events_wait_in_the_outbox_until_the_service_answers_then_go_in_order(
    tmp_path, service_port
):
    port, received, up = service_port
    url = f"http://127.0.0.1:{port}/services/pairlab-cohort/api/events"
    sender = Forwarder(tmp_path / "outbox", url, "ana", TOKEN)
    items = [{"session": GOOD["session"], "event": {**GOOD["event"], "id": i}} for i in (1, 2, 3)]
    for item in items:
        sender.submit(item)
    wait_until(lambda: sender._down)  # the service is down: a try failed, nothing is dropped
    assert len(sender.pending()) == 3 and not received
    sender.close()

    again = Forwarder(tmp_path / "outbox", url, "ana", TOKEN)  # the server restarted
    up.set()
    wait_until(lambda: len(received) == 3 and not again.pending())
    assert [body["event"]["id"] for _, body in received] == [1, 2, 3]
    assert {auth for auth, _ in received} == {f"token {TOKEN}"}
    assert all(TOKEN not in p.name for p in (tmp_path / "outbox").rglob("*"))
    again.close()


def test_a_refused_event_is_set_aside_and_never_blocks_the_rest(tmp_path, service_port):
    port, received, up = service_port
    up.set()
    sender = Forwarder(tmp_path / "outbox", f"http://127.0.0.1:{port}/", "ana", TOKEN)
    sender.user = "eli"  # as a server misconfigured for another user would post
    sender.submit({"event": {"id": 1}})
    sender.user = "ana"
    sender.submit({"event": {"id": 2}})
    wait_until(lambda: len(received) == 1 and not sender.pending())
    assert [b["event"]["id"] for _, b in received] == [2]
    assert len(list((tmp_path / "outbox" / "refused").glob("*.json"))) == 1
    sender.close()


@pytest.mark.parametrize(
    ("env", "forwards"),
    [
        ({}, False),  # a lab outside a hub
        ({"JUPYTERHUB_USER": "ana", "JUPYTERHUB_API_TOKEN": TOKEN}, False),  # no service set
        (
            {
                "JUPYTERHUB_USER": "ana",
                "JUPYTERHUB_API_TOKEN": TOKEN,
                "PAIRLAB_COHORT_URL": "http://127.0.0.1:1/services/pairlab-cohort/",
            },
            True,
        ),
    ],
)
def test_a_server_forwards_only_under_a_hub_with_the_service_set(tmp_path, env, forwards):
    sender = forwarder_from_env(tmp_path, env)
    assert (sender is not None) == forwards
    if sender is not None:
        assert sender.url == "http://127.0.0.1:1/services/pairlab-cohort/api/events"
        assert sender.outbox == tmp_path / ".pairlab" / "outbox"
        sender.close()


def test_a_database_url_that_is_not_one_says_so(tmp_path: Path):
    with pytest.raises(BadInput, match="cohort database URL is not usable"):
        CohortStore("not a url")


def test_cohort_serve_outside_a_hub_says_how_to_run_it(monkeypatch, capsys):
    from pairlab.cli import main

    monkeypatch.delenv("JUPYTERHUB_SERVICE_URL", raising=False)
    with pytest.raises(SystemExit) as exited:
        main(["cohort", "serve"])
    assert exited.value.code == 2
    assert "JUPYTERHUB_SERVICE_URL is not set" in capsys.readouterr().err
