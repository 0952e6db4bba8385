"""The Program view on a real JupyterHub: fran saves the program, ana's session shows up live.

One hub (deploy/jupyterhub/jupyterhub_config.py as shipped) serves the module; Chromium logs
in through the hub's login page. ana's session is started through her own server's API with
her server's token (the guide's start form sends the same body).
"""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from playwright.sync_api import Browser, expect
from test_hub_cohort import COHORT, log_in

pytestmark = pytest.mark.browser

PROGRAM = """name = "Hub program"
central = "enablement"

[[teams]]
id = "enablement"
members = [{ name = "Eli", role = "engineer" }, { name = "Fran", role = "engineer", user = "fran" }]

[[teams]]
id = "claims"
name = "Claims"
members = [{ name = "Ana", role = "analyst", user = "ana" }, { name = "Ben", role = "analyst" }]

[[teams]]
id = "pricing"
name = "Pricing"
members = [{ name = "Dara", role = "analyst" }]
"""


def start_session(hub, body: dict) -> dict:
    """Start a session on ana's own server with her server's token; return it."""
    token = hub.servers()["ana"][1]["JUPYTERHUB_API_TOKEN"]
    request = urllib.request.Request(
        hub.url("user/ana/pairlab/sessions"), data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


def test_the_program_view_follows_a_pairing_live(browser: Browser, hub):
    fran_context, fran = log_in(browser, hub, "fran", f"{COHORT}program")
    expect(fran.locator("h1")).to_have_text("Enablement program (live)")
    expect(fran.locator("#pairlab-program")).to_contain_text("no program yet")

    # A program with a duplicate team id is refused in one line; the fixed one is kept.
    editor = fran.get_by_label("program.toml")
    editor.fill(PROGRAM.replace('id = "pricing"', 'id = "claims"'))
    fran.get_by_role("button", name="Save program").click()
    expect(fran.locator("#pl-said")).to_contain_text("two teams have the id 'claims'")
    editor.fill(PROGRAM)
    fran.get_by_role("button", name="Save program").click()
    expect(fran.locator("#pl-said")).to_have_text("Saved.")
    grid = fran.locator("#pairlab-program .pl-grid")
    expect(grid.locator('[data-team="claims"]')).to_have_attribute("data-state", "not-reached")

    # ana's server starts (she logs in); Eli of the central team pairs with her for claims.
    ana_context, ana = log_in(browser, hub, "ana", "hub/")
    ana.wait_for_url(re.compile(r"/user/ana/lab"), timeout=120_000)
    pair = [{"name": "Ana", "role": "analyst", "team": "claims"},
            {"name": "Eli", "role": "engineer", "team": "enablement"}]  # fmt: skip
    session = start_session(hub, {"participants": pair, "team": "claims", "facilitator": "Eli"})
    assert (session["team"], session["facilitator"]) == ("claims", "Eli")

    # fran's open page turns claims to pairing without a reload, and says who trained Ana.
    live = {"timeout": 30_000}
    expect(grid.locator('[data-team="claims"]')).to_have_attribute("data-state", "pairing", **live)
    expect(grid.locator('[data-team="pricing"]')).to_have_attribute("data-state", "not-reached")
    expect(fran.locator("#pairlab-program .pl-tree")).to_contain_text("Ana (claims, generation 1)")
    status = fran.request.get(hub.url(f"{COHORT}api/program")).json()["status"]
    assert status["people"]["Ana"]["trained_by"] == "Eli" and status["unreached"] == ["pricing"]

    # ana is a learner: the Program view and its API are closed to her (login, server token).
    assert ana.goto(hub.url(f"{COHORT}program")).status == 403
    token = hub.servers()["ana"][1]["JUPYTERHUB_API_TOKEN"]
    refused = ana.request.put(hub.url(f"{COHORT}api/program"), data=json.dumps({"text": ""}),
                              headers={"Authorization": f"token {token}"})  # fmt: skip
    assert refused.status == 403 and "may see the cohort" in refused.json()["error"]
    kept = fran.request.get(hub.url(f"{COHORT}api/program")).json()
    assert kept["updated_by"] == "fran" and kept["status"]["teams_reached"] == 1
    ana_context.close()
    fran_context.close()
