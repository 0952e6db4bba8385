"""The cohort service's api/usage through its real handlers and JupyterHub's token auth.

As in tests/intake/test_intake_hub.py: make_app with HubOAuth and a SQLite cohort store, and
the hub's `GET /hub/api/user` (which answers each token's owner) as a small loopback app.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cohort_service import PREFIX, running_cohort_service

from pairlab.hub._program import program_store
from pairlab.hub._store import CohortStore, default_url
from pairlab.hub._usage import usage_store
from pairlab.lab import free_port

TOKENS = {
    "ana-token": {"kind": "user", "name": "ana", "scopes": ["access:servers!user=ana"]},
    "svc-token": {"kind": "service", "name": "other-service", "scopes": []},
}
PROGRAM = """
central = "enablement"
[[teams]]
id = "enablement"
members = [{ name = "Tomas", role = "engineer", user = "tomas" }]
[[teams]]
id = "customer"
members = [{ name = "Ana", role = "analyst", user = "ana" }]
"""


@dataclass
class Service:
    """The running cohort service."""

    port: int
    store: CohortStore

    def post(self, body: Any, token: str | None) -> tuple[int, dict[str, Any]]:
        """POST api/usage with a hub token; return the status and the JSON reply."""
        headers = {"Content-Type": "application/json"}
        headers |= {"Authorization": f"token {token}"} if token else {}
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{PREFIX}api/usage",
                                         json.dumps(body).encode(), headers)  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    """Run the cohort service and the hub's user API on loopback."""
    store = CohortStore(default_url(tmp_path))
    program_store(store).put(PROGRAM, "fran")
    try:
        with running_cohort_service(store, TOKENS) as port:
            yield Service(port, store)
    finally:
        store.close()


def _read(reader: str) -> dict[str, Any]:
    """Return one read as a user's server posts it (as record_read writes it to the outbox)."""
    return {
        "key": uuid.uuid4().hex,
        "product": "claims-frequency-by-region",
        "port": "p",
        "reader": reader,
        "at": "2026-11-02T09:00:00+00:00",
        "source": "person",
        "pipeline": "",
        "team": "claims",
    }  # fmt: skip: a posted team is ignored


def test_a_users_server_posts_her_reads_once_with_her_team(service: Service) -> None:
    """201 with what was stored, 200 and nothing new the second time; the team from the program."""
    reads = [_read("ana"), _read("ana")]
    assert service.post({"user": "ana", "reads": reads}, "ana-token") == (201, {"stored": 2})
    assert service.post({"user": "ana", "reads": reads}, "ana-token") == (200, {"stored": 0})
    stored = usage_store(service.store).list()
    assert [(r.reader, r.team, r.origin) for r in stored] == [("ana", "customer", "pairlab")] * 2


def test_only_her_own_server_may_post_her_reads(service: Service) -> None:
    """Another user's reads, no token, a service's token, a malformed read: refused, none kept."""
    status, reply = service.post({"user": "ben", "reads": [_read("ben")]}, "ana-token")
    assert (status, reply["error"]) == (403, "a server of ana may post only ana's reads, not ben's")
    status, reply = service.post({"user": "ana", "reads": [_read("ana")]}, None)
    assert (status, reply["fix"]) == (401, "send 'Authorization: token ...'")
    assert service.post({"user": "ana", "reads": [_read("ana")]}, "svc-token")[0] == 403
    status, reply = service.post({"user": "ana", "reads": [_read("ana") | {"at": 5}]}, "ana-token")
    assert (status, reply["error"]) == (
        400,
        "reads[0]: 'at' must be a string of 1 to 255 characters",
    )
    assert usage_store(service.store).list() == []


def test_pairlab_usage_flush_hub_posts_the_outbox_and_keeps_it_while_the_service_is_down(
    service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Reads recorded on ana's server reach the cohort database; none lost while it is down."""
    from pairlab import usage
    from pairlab.cli import main
    from pairlab.usage import _outbox

    monkeypatch.setenv("JUPYTERHUB_USER", "ana")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "ana-token")
    monkeypatch.setenv("PAIRLAB_COHORT_URL", f"http://127.0.0.1:{free_port()}{PREFIX}")  # down
    usage.record_read("claims-frequency-by-region", "p")
    usage.record_read("claims-frequency-by-region", "p", pipeline="customer-portfolio")
    with pytest.raises(SystemExit) as done:
        main(["usage", "flush", "--hub"])
    assert done.value.code == 2 and "cannot take reads now" in capsys.readouterr().err
    assert _outbox.count(tmp_path / "outbox") == 2  # kept while the service is down
    monkeypatch.setenv("PAIRLAB_COHORT_URL", f"http://127.0.0.1:{service.port}{PREFIX}")
    with pytest.raises(SystemExit) as done:
        main(["usage", "flush", "--hub"])
    assert done.value.code in (0, None)
    assert capsys.readouterr().out == "pairlab: 2 new reads stored\n"
    stored = usage_store(service.store).list()
    assert sorted((r.reader, r.team, r.source) for r in stored) == [
        ("ana", "customer", "person"), ("ana", "customer", "pipeline")]  # fmt: skip
    assert _outbox.count(tmp_path / "outbox") == 0  # delivered, so gone from the outbox
