"""On a hub, reads reach the cohort service by themselves: on a timer and when a kernel exits.

The cohort service runs for real (its handlers, JupyterHub's token check, a SQLite cohort
store: the `service` fixture of test_hub_usage); the reader is a real IPython kernel with the
environment a hub gives a user's server, reading the product published into a DuckDB file.
"""

# ruff: noqa: F811 - the tests take the imported `service` fixture as a parameter
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_client.manager import KernelManager
from test_hub_usage import PREFIX, Service, service  # noqa: F401 - the fixture

from pairlab.hub._usage import usage_store
from pairlab.lab import free_port
from pairlab.usage import _outbox

KPIS, PORT = "claims-frequency-by-region", "monthly_claims_kpis"
pytestmark = pytest.mark.slow  # a published product and a kernel per test


def _env(tmp_path: Path, published: Path, url: str, seconds: str) -> dict[str, str]:
    """Return what a hub gives ana's server (and so her kernels), plus where pairlab looks."""
    import os

    return {
        **os.environ,
        "JUPYTERHUB_USER": "ana",
        "JUPYTERHUB_API_TOKEN": "ana-token",
        "PAIRLAB_COHORT_URL": url,
        "PAIRLAB_USAGE_OUTBOX": str(tmp_path / "outbox"),
        "PAIRLAB_USAGE_FORWARD_SECONDS": seconds,
        "PAIRLAB_CATALOG": str(published),
    }


@pytest.fixture
def kernel() -> Iterator[list[KernelManager]]:
    """Yield a list the test puts its kernels in; shut every one down at the end."""
    started: list[KernelManager] = []
    yield started
    for manager in started:
        if manager.is_alive():
            manager.shutdown_kernel(now=True)


def _start(started: list[KernelManager], env: dict[str, str]) -> KernelManager:
    """Start a real kernel with `env`."""
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(env=env)
    started.append(manager)
    return manager


def _run(manager: KernelManager, code: str) -> None:
    """Run code in the kernel and wait for it; fail on an error."""
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        reply = client.execute_interactive(code, timeout=120)
        assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        client.stop_channels()


READ = f"""
from pairlab import products
from pairlab.warehouse import connect
products.read("{KPIS}.{PORT}").count().execute()
con = connect("duckdb:///{{warehouse}}?read_only=true")
con.table("claims_frequency_by_region__monthly_claims_kpis", database="products").count().execute()
"""


def _stored(running: Service) -> list[tuple[str, str, str]]:
    """Return (reader, team, product) of every read the cohort database holds."""
    return sorted((r.reader, r.team, r.product) for r in usage_store(running.store).list())


def _until(check: object, seconds: float = 30) -> None:
    """Wait until `check()` is true."""
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the reads never reached the cohort service"
        time.sleep(0.2)


def test_reads_reach_the_service_on_a_timer_while_the_kernel_runs(
    service: Service,
    tmp_path: Path,
    published: Path,
    kernel: list[KernelManager],
) -> None:
    """Two reads (products.read and a query through connect()) posted within the interval."""
    url = f"http://127.0.0.1:{service.port}{PREFIX}"
    manager = _start(kernel, _env(tmp_path, published, url, "0.5"))
    _run(manager, READ.format(warehouse=published.parent / "warehouse.duckdb"))
    _until(lambda: len(_stored(service)) == 2)
    assert _stored(service) == [("ana", "customer", KPIS)] * 2
    assert manager.is_alive()  # sent while ana keeps working, no flush typed
    assert _outbox.count(tmp_path / "outbox") == 0


def test_a_kernel_shut_down_sends_what_is_left_and_a_down_service_loses_nothing(
    service: Service,
    tmp_path: Path,
    published: Path,
    kernel: list[KernelManager],
) -> None:
    """Service down: the reads wait on disk; the next kernel's exit sends them, and its own."""
    down = f"http://127.0.0.1:{free_port()}{PREFIX}"
    warehouse = published.parent / "warehouse.duckdb"
    first = _start(kernel, _env(tmp_path, published, down, "600"))
    _run(first, READ.format(warehouse=warehouse))
    first.shutdown_kernel(now=False)  # a polite shutdown: the kernel's exit handlers run
    assert _outbox.count(tmp_path / "outbox") == 2 and _stored(service) == []
    up = f"http://127.0.0.1:{service.port}{PREFIX}"
    second = _start(kernel, _env(tmp_path, published, up, "600"))
    _run(second, READ.format(warehouse=warehouse))
    assert _stored(service) == []  # the interval is long: nothing sent yet
    second.shutdown_kernel(now=False)
    _until(lambda: len(_stored(service)) == 4)
    assert _outbox.count(tmp_path / "outbox") == 0
