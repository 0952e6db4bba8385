"""A pair's session logs `product-reused` when a kernel of its lab reads another team's product.

A real JupyterLab with pairlab, a real kernel it starts for a notebook, the sample product
(team actuarial) published: the kernel's `products.read` reaches the session's log.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest
from tornado.websocket import websocket_connect

from pairlab import usage
from pairlab.errors import BadInput
from pairlab.program import PublishedProduct
from pairlab.sessions import SessionStore
from pairlab.sessions.events import receive
from pairlab.sessions.model import parse_participants
from pairlab.usage._outbox import pending
from pairlab.usage._sessions import LAB_ENV
from pairlab.warehouse import connect

READ = (
    'from pairlab import products\nproducts.read("claims-frequency-by-region.monthly_claims_kpis")'
)
PAIR = [{"name": "Pia", "role": "analyst"}, {"name": "Tomas", "role": "engineer"}]


@pytest.fixture(autouse=True)
def _lab_reads_the_published_catalog(published: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lab (and so its kernels) reads the catalog where the sample product is published."""
    monkeypatch.setenv("PAIRLAB_CATALOG", str(published))


def call(lab: Any, path: str, body: Any = None) -> Any:
    """Call the lab's REST API with its token; return the JSON answer."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        lab.url(path, token=False), data=data, method="GET" if body is None else "POST",
        headers={"Authorization": f"token {lab.token}", "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read() or b"{}")


async def _execute(lab: Any, kernel: str, code: str) -> dict[str, Any]:
    """Run `code` in the lab's kernel over its websocket, as the notebook does; return the reply."""
    ws_url = lab.url(f"api/kernels/{kernel}/channels").replace("http://", "ws://")
    socket = await websocket_connect(ws_url)
    msg_id = uuid.uuid4().hex
    header = {"msg_id": msg_id, "username": "pia", "session": uuid.uuid4().hex, "date": "",
              "msg_type": "execute_request", "version": "5.3"}  # fmt: skip
    content = {"code": code, "silent": False, "store_history": False, "user_expressions": {},
               "allow_stdin": False, "stop_on_error": True}  # fmt: skip
    request = {"header": header, "parent_header": {}, "metadata": {}, "content": content,
               "channel": "shell", "buffers": []}  # fmt: skip
    try:
        await socket.write_message(json.dumps(request))
        while True:
            raw = await asyncio.wait_for(socket.read_message(), 120)
            assert raw is not None, "the kernel's websocket closed"
            msg = json.loads(raw)
            mine = msg.get("parent_header", {}).get("msg_id") == msg_id
            if mine and msg["msg_type"] == "execute_reply":
                return dict(msg["content"])
    finally:
        socket.close()
        while await asyncio.wait_for(socket.read_message(), 10) is not None:
            pass  # drain until the close completes, so no socket outlives the loop


def run_in_kernel(lab: Any, kernel: str, code: str) -> None:
    """Run code in a kernel of the lab and wait for its reply; fail on an error."""
    reply = asyncio.run(_execute(lab, kernel, code))
    assert reply["status"] == "ok", reply


def wait_drained(lab: Any, kernel: str) -> None:
    """Wait until the server has delivered every read the kernel made (its outbox is empty)."""
    name = uuid.uuid4().hex
    run_in_kernel(lab, kernel, f"import os; open({name!r}, 'w').write(os.environ['{LAB_ENV}'])")
    folder = Path((lab.root / name).read_text())
    deadline = time.monotonic() + 30
    while pending(folder):
        assert time.monotonic() < deadline, f"the server never drained {folder}"
        time.sleep(0.2)


def reuse_events(lab: Any, session: str, wait: float = 0.0) -> list[dict[str, Any]]:
    """Return the session's product-reused events, waiting up to `wait` s for a first one."""
    deadline = time.monotonic() + wait
    while True:
        events = call(lab, f"pairlab/sessions/{session}/events")["events"]
        found = [e for e in events if e["kind"] == "product-reused"]
        if found or time.monotonic() >= deadline:
            return found
        time.sleep(0.5)


@pytest.mark.slow
@pytest.mark.kernel
def test_reading_another_teams_product_logs_product_reused_once(own_lab) -> None:
    lab, _restart = own_lab
    (lab.root / "pricing.ipynb").write_text(json.dumps(
        {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))  # fmt: skip
    session = call(lab, "pairlab/sessions", {"participants": PAIR, "rotation_minutes": 15,
                                             "team": "pricing"})["id"]  # fmt: skip
    kernel = call(lab, "api/sessions", {"path": "pricing.ipynb", "type": "notebook",
                                        "name": "pricing.ipynb",
                                        "kernel": {"name": "python3"}})["kernel"]["id"]  # fmt: skip
    run_in_kernel(lab, kernel, READ)
    (event,) = reuse_events(lab, session, wait=30)
    assert event["data"]["product"] == "claims-frequency-by-region"
    assert event["data"]["team"] == "actuarial"  # the owner, not the reader
    assert event["data"]["path"] == "pricing.ipynb"

    run_in_kernel(lab, kernel, READ)  # the same product again: once per session and product
    wait_drained(lab, kernel)
    assert len(reuse_events(lab, session)) == 1

    # The team that owns the product reading it is no reuse.
    call(lab, f"pairlab/sessions/{session}/end", {})
    own = call(lab, "pairlab/sessions", {"participants": PAIR, "rotation_minutes": 15,
                                         "team": "actuarial"})["id"]  # fmt: skip
    run_in_kernel(lab, kernel, READ)
    wait_drained(lab, kernel)
    assert reuse_events(lab, own) == []


def test_a_client_cannot_post_product_reused(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    session = store.start(parse_participants(PAIR), 15, None, {"team": "pricing"})
    with pytest.raises(BadInput, match="the lab logs it"):
        receive(store, session.id, {"kind": "product-reused", "data": {"product": "x"}})


def test_only_a_person_reading_another_teams_product_is_reuse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "lab-reads"
    monkeypatch.setenv("PAIRLAB_LAB_READS", str(folder))
    store = SessionStore(tmp_path)
    session = store.start(parse_participants(PAIR), 15, None, {"team": "pricing"})
    products = [
        PublishedProduct("theirs", "actuarial", "mira", "active", ""),
        PublishedProduct("ours", "Pricing", "pia", "active", ""),
    ]
    usage.note_lab_read("ours", "p", None)  # the session's own team's product
    usage.note_lab_read("theirs", "p", "ours")  # a product's build: not the pair at work
    usage.note_lab_read("unknown", "p", None)  # no catalog entry: whose it is is unknown
    assert usage.log_session_reuse(store, folder, products) == 0
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "work" / "pricing.ipynb"))
    usage.note_lab_read("theirs", "p", None)
    usage.note_lab_read("theirs", "q", None)  # another port of it: the same product
    assert usage.log_session_reuse(store, folder, products, root=tmp_path) == 1
    (event,) = [e for e in store.events(session.id) if e.kind == "product-reused"]
    assert event.data == {
        "product": "theirs", "port": "p", "team": "actuarial", "path": "work/pricing.ipynb"
    }  # fmt: skip
    assert usage.log_session_reuse(store, folder, products) == 0  # drained, nothing twice
    usage.close_lab_reads(folder)  # the server stops: its kernels' reads go nowhere after
    usage.note_lab_read("theirs", "p", None)
    assert not folder.exists()


@pytest.mark.slow
def test_a_query_through_connect_counts_as_the_pair_reading(
    published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "lab-reads"
    monkeypatch.setenv("PAIRLAB_LAB_READS", str(folder))
    monkeypatch.setenv("PAIRLAB_CATALOG", str(published))
    con = connect(f"duckdb:///{published.parent / 'warehouse.duckdb'}?read_only=true")
    sql = "SELECT count(*) AS n FROM products.claims_frequency_by_region__monthly_claims_kpis"
    con.sql(sql).execute()  # type: ignore[attr-defined]
    usage.settle()  # the SQL is parsed off the reader's thread
    store = SessionStore(tmp_path)
    session = store.start(parse_participants(PAIR), 15, None, {"team": "pricing"})
    assert usage.log_session_reuse(store, folder) == 1  # the catalog's team: actuarial
    (event,) = [e for e in store.events(session.id) if e.kind == "product-reused"]
    assert event.data["product"] == "claims-frequency-by-region"
