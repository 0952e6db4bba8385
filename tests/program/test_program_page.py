"""The chain on the cohort service's Program view, in Chromium: states, generations, criteria.

The 25-team program and the chain of tests/program (Eli -> Ana -> Ben -> Cleo in claims, Sam
-> Dara in pricing) are recorded by the real session store, whose every event goes into the
cohort store as a pair's server forwards it. The service runs its real app and JupyterHub's
auth classes; the hub API it asks who a token belongs to is a small loopback app, and the
browser sends a facilitator's token.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tornado.web
from jupyterhub.services.auth import HubOAuth
from playwright.sync_api import Browser, expect
from program_helpers import Clock, Recorder, add_product, record_chain

from pairlab.hub._app import make_app
from pairlab.hub._program import program_store
from pairlab.hub._store import CohortStore, default_url
from pairlab.lab import free_port
from pairlab.sessions import Participant, SessionStore

pytestmark = pytest.mark.browser

PREFIX = "/services/pairlab-cohort/"
ACCESS = "access:services!service=pairlab-cohort"


class HubUserApi(tornado.web.RequestHandler):
    """JupyterHub's `GET /hub/api/user`: fran's token is a facilitator's."""

    def get(self) -> None:
        if self.request.headers.get("Authorization") != "token fran-token":
            raise tornado.web.HTTPError(403)
        self.finish({"kind": "user", "name": "fran", "scopes": [ACCESS]})


def _on(loop: asyncio.AbstractEventLoop, job: Any) -> Any:
    """Run a coroutine on a loop's thread and return its result."""
    return asyncio.run_coroutine_threadsafe(job, loop).result(timeout=30)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[str, CohortStore]]:
    """Run the cohort service and the hub's user API on loopback, each on its own loop."""
    hub_port, port = free_port(), free_port()
    store = CohortStore(default_url(tmp_path))
    loops = [asyncio.new_event_loop() for _ in range(2)]
    threads = [threading.Thread(target=loop.run_forever, daemon=True) for loop in loops]
    for thread in threads:
        thread.start()

    async def start_hub() -> Any:
        return tornado.web.Application([("/hub/api/user", HubUserApi)]).listen(
            hub_port, "127.0.0.1")  # fmt: skip

    async def start_service() -> Any:
        HubOAuth.clear_instance()
        HubOAuth.instance(
            api_url=f"http://127.0.0.1:{hub_port}/hub/api", api_token="service-token",
            oauth_client_id="service-pairlab-cohort", access_scopes={ACCESS},
            base_url=PREFIX, hub_prefix="/hub/", cache_max_age=0,
        )  # fmt: skip
        return make_app(store, PREFIX, b"k" * 32).listen(port, "127.0.0.1")

    servers = [_on(loops[0], start_hub()), _on(loops[1], start_service())]
    try:
        yield f"http://127.0.0.1:{port}{PREFIX}", store
    finally:

        async def stop(server: Any) -> None:
            server.stop()
            await server.close_all_connections()

        for server, loop, thread in zip(servers, loops, threads, strict=True):
            _on(loop, stop(server))
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            loop.close()
        HubOAuth.clear_instance()
        store.close()


def test_the_chain_of_25_teams_on_the_program_view(
    browser: Browser, service, tmp_path, monkeypatch
):
    url, cohort = service
    (tmp_path / "exports").mkdir()
    server = SessionStore(tmp_path / "server", clock=Clock(),
                          on_event=lambda item: cohort.add("ana", **item))  # fmt: skip
    chain = record_chain(Recorder(server, tmp_path / "exports"))
    program_store(cohort).put(chain.program.read_text(), "fran")

    context = browser.new_context(extra_http_headers={"Authorization": "token fran-token"})
    page = context.new_page()
    page.goto(f"{url}program")
    view = page.locator("#pairlab-program")
    expect(view).to_contain_text("2 of 25 teams reached, 0 capable, from 4 sessions.")
    grid = view.locator(".pl-grid")
    expect(grid.locator('[data-state="not-reached"]')).to_have_count(23)
    expect(grid.locator('[data-team="pricing"]')).to_have_attribute("data-state", "pairing")
    claims = grid.locator('[data-team="claims"]')
    expect(claims).to_have_attribute("data-state", "teaching")
    expect(claims).to_contain_text("reached 3/4, depth 3")
    # Generations: Eli (central) -> Ana 1 -> Ben 2 -> Cleo 3; Sam -> Dara 1.
    tree = view.locator(".pl-tree")
    for name, team, generation in [
        ("Ana Lima", "claims", 1),
        ("Ben Okafor", "claims", 2),
        ("Cleo Park", "claims", 3),
        ("Dara Fox", "pricing", 1),
    ]:
        expect(tree).to_contain_text(f"{name} ({team}, generation {generation})")
    row = view.locator("tr", has_text="teach-back")  # the next-action table
    row = row.filter(has_text="Claims")
    expect(row).to_contain_text("published-product: not yet")
    expect(row).to_contain_text(f"teach-back: ok (ana/{chain.ids['ana-ben']})")
    expect(row).to_contain_text("analysts-reached: ok")

    # The published product turns criterion (a); claims is capable once the view reads it.
    add_product(chain.catalog, "claims-kpis", "claims")
    monkeypatch.setenv("PAIRLAB_CATALOG", str(chain.catalog))
    page.reload()
    expect(claims).to_have_attribute("data-state", "capable")
    expect(row).to_contain_text("published-product: ok (claims-kpis)")
    expect(view).to_contain_text("2 of 25 teams reached, 1 capable")

    # Live: Ben pairs with Dev; the open page shows Dev reached without a reload.
    dev = (Participant("Dev Rao", "analyst"), Participant("Ben Okafor", "analyst"))
    server.start(dev, 15, None, {"team": "claims", "facilitator": "Ben Okafor"})
    expect(claims).to_contain_text("reached 4/4", timeout=30_000)
    expect(tree).to_contain_text("Dev Rao (claims, generation 3)")
    server.close()
    context.close()
