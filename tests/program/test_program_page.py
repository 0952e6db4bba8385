"""The chain on the cohort service's Program view, in Chromium: states, generations, criteria.

The 25-team program and the chain of tests/program (Eli -> Ana -> Ben -> Cleo in claims, Sam
-> Dara in pricing) are recorded by the real session store, whose every event goes into the
cohort store as a pair's server forwards it. The service runs its real app and JupyterHub's
auth classes; the hub API it asks who a token belongs to is a small loopback app, and the
browser sends a facilitator's token.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cohort_service import ACCESS, PREFIX, running_cohort_service
from playwright.sync_api import Browser, expect
from program_helpers import Clock, Recorder, add_product, record_chain

from pairlab.hub._program import program_store
from pairlab.hub._store import CohortStore, default_url
from pairlab.sessions import Participant, SessionStore

pytestmark = pytest.mark.browser

TOKENS = {"fran-token": {"kind": "user", "name": "fran", "scopes": [ACCESS]}}  # a facilitator


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[str, CohortStore]]:
    """Run the cohort service and the hub's user API on loopback."""
    store = CohortStore(default_url(tmp_path))
    try:
        with running_cohort_service(store, TOKENS) as port:
            yield f"http://127.0.0.1:{port}{PREFIX}", store
    finally:
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
