"""The cohort service and its forwarder survive their own failures (issue 25).

A folder named `*.json` in an outbox once killed the forwarder thread until the server
restarted; a corrupt cohort database was a crash loop.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pairlab.hub import Forwarder
from pairlab.hub._store import DEFAULT_DB, CohortStore, default_url
from pairlab.hub._views import cohort_json, live_page

TOKEN = "secret-token-0123456789"


class _Collect(BaseHTTPRequestHandler):
    """Answer 201 to every post and remember its body."""

    received: list[dict] = []  # noqa: RUF012 - one list per test, set by the fixture

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        self.send_response(201)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def service() -> Iterator[tuple[str, list[dict]]]:
    """A loopback HTTP service that stores what it is posted."""
    _Collect.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collect)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/events", _Collect.received
    server.shutdown()
    server.server_close()
    thread.join()


def test_entries_it_cannot_read_are_set_aside_and_later_events_still_arrive(tmp_path, service):
    url, received = service
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    (outbox / "00000000000000000001-000000.json").mkdir()  # a folder named like an event
    (outbox / "00000000000000000002-000000.json").write_text("{not json")
    loop = outbox / "00000000000000000003-000000.json"
    loop.symlink_to(loop)  # unreadable, even to root: a link to itself
    elsewhere = tmp_path / "secret.json"
    elsewhere.write_text('{"secret": "TOPSECRET"}')
    (outbox / "00000000000000000004-000000.json").symlink_to(elsewhere)  # not ours to send
    logged: list[str] = []

    class Log:
        def warning(self, msg: str, *args: object) -> None:
            logged.append(msg % args)

        info = warning
        exception = warning

    sender = Forwarder(outbox, url, "ana", TOKEN, logger=Log())  # type: ignore[arg-type]
    try:
        sender.submit({"event": {"id": 1}})
        deadline = time.monotonic() + 20
        while not (received and not sender.pending()):
            assert time.monotonic() < deadline, (received, sender.pending(), logged)
            time.sleep(0.05)
        sender.submit({"event": {"id": 2}})  # the thread is alive: a later event arrives too
        while len(received) < 2:
            assert time.monotonic() < deadline, (received, logged)
            time.sleep(0.05)
    finally:
        sender.close()
    assert [r["event"]["id"] for r in received] == [1, 2]
    assert all("TOPSECRET" not in json.dumps(r) for r in received)
    aside = sorted(p.name for p in (outbox / "unreadable").iterdir())
    assert aside == [f"0000000000000000000{i}-000000.json" for i in (1, 2, 3, 4)]
    assert sum("skipped" in line for line in logged) == 4


def test_a_corrupt_cohort_database_is_moved_aside_with_a_notice_on_the_page(tmp_path: Path):
    (tmp_path / DEFAULT_DB).write_bytes(b"this is not a database" * 100)
    store = CohortStore(default_url(tmp_path))  # once: DatabaseError, and a crash loop
    aside = [p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1 and aside[0].startswith(f"{DEFAULT_DB}.corrupt-")
    assert (tmp_path / aside[0]).read_bytes().startswith(b"this is not a database")
    notice = f"the cohort database could not be read; it was moved aside to {aside[0]}"
    assert notice in live_page(store, "xsrf") and cohort_json(store)["notice"].startswith(notice)
    assert store.count() == 0
    store.close()
    assert CohortStore(default_url(tmp_path)).notice == ""  # the new one opens quietly
    assert os.path.exists(tmp_path / DEFAULT_DB)


def _serve_env(port: int) -> dict[str, str]:
    """Return the environment a hub gives its managed service, for `port` on loopback."""
    return os.environ | {
        "JUPYTERHUB_SERVICE_URL": f"http://127.0.0.1:{port}/",
        "JUPYTERHUB_SERVICE_PREFIX": "/services/pairlab-cohort/",
        "JUPYTERHUB_API_TOKEN": TOKEN,
        "JUPYTERHUB_API_URL": "http://127.0.0.1:1/hub/api",
        "JUPYTERHUB_CLIENT_ID": "service-pairlab-cohort",
    }


def test_a_port_in_use_names_the_port_and_the_process_holding_it(tmp_path: Path):
    import socket
    import subprocess
    import sys

    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "pairlab", "cohort", "serve"],
            cwd=tmp_path, env=_serve_env(port), capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert f"port {port} on 127.0.0.1 is in use by pid {os.getpid()}: " in line, line


def test_the_service_stops_when_the_hub_that_started_it_is_killed(tmp_path: Path):
    import signal
    import socket
    import subprocess
    import sys

    from pairlab.lab import free_port, port_holder

    port = free_port()
    # A stand-in hub: starts the service as JupyterHub does, then waits to be killed.
    hub = subprocess.Popen(
        [sys.executable, "-c", "import subprocess, sys, time; "
         "subprocess.Popen([sys.executable, '-m', 'pairlab', 'cohort', 'serve']); time.sleep(600)"],
        cwd=tmp_path, env=_serve_env(port),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not port_holder(port):
            assert time.monotonic() < deadline, "the service never listened"
            time.sleep(0.2)
        hub.send_signal(signal.SIGKILL)
        hub.wait(10)
        deadline = time.monotonic() + 15
        while port_holder(port):  # once a restarted service met "Address already in use"
            assert time.monotonic() < deadline, f"still held by {port_holder(port)}"
            time.sleep(0.2)
        with socket.socket() as again:
            again.bind(("127.0.0.1", port))
    finally:
        hub.kill()
        hub.wait()
