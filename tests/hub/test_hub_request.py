"""Request a pairing from JupyterLab on a real JupyterHub, and the start form's prefill.

One hub (deploy/jupyterhub/jupyterhub_config.py as shipped) serves the module; Chromium logs
in through the hub's login page. ana's lab files requests through her own server's
/pairlab/intake/requests, which asks the cohort service with her server's token; the
service's catalog is the sample one, whose active claims-frequency-by-region product reads
claims and policies.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from test_hub_cohort import COHORT, log_in
from test_hub_intake import PROGRAM

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "extension/node_modules/axe-core/axe.min.js"


def serious_violations(page: Page, selector: str) -> list[dict[str, Any]]:
    """Run axe-core on one part of the page; return its serious and critical violations."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    page.add_style_tag(content="html, body { height: 100%; }")  # see tests/ui/test_accessible.py
    found: list[dict[str, Any]] = page.evaluate(
        """async (selector) => (await axe.run(selector)).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({id: v.id, nodes: v.nodes.map(n => n.html)}))""",
        selector,
    )
    return found


def open_form(page: Page) -> Any:
    """Open "Request a pairing" from the command palette, by keyboard."""
    page.keyboard.press("Control+Shift+c")
    page.locator(".lm-CommandPalette-input").fill("Request a pairing")
    page.keyboard.press("Enter")
    return page.locator("#pairlab-request-pairing")


def fill(form: Any, fields: dict[str, str]) -> None:
    """Type into the form's fields by their labels."""
    for label, value in fields.items():
        form.get_by_label(label, exact=True).fill(value)


def test_a_learner_requests_a_pairing_from_her_lab_and_hears_where_it_stands(browser: Browser, hub):
    fran_context, fran = log_in(browser, hub, "fran", f"{COHORT}program")
    fran.get_by_label("program.toml").fill(PROGRAM)
    fran.get_by_role("button", name="Save program").click()
    expect(fran.locator("#pl-said")).to_have_text("Saved.")

    ana_context, ana = log_in(browser, hub, "ana", "hub/")
    ana.wait_for_url(re.compile(r"/user/ana/lab"), timeout=120_000)
    ana.wait_for_selector(".jp-LauncherCard", state="visible")
    expect(ana.locator(".jp-LauncherCard", has_text="Request a pairing")).to_be_visible()
    form = open_form(ana)
    expect(form.get_by_label("Team (required)", exact=True)).to_have_value("claims")
    expect(form.get_by_label("Team (required)", exact=True)).to_be_focused()
    expect(form.locator(".jp-pairlab-intake-mine")).to_have_text("None yet.")
    said = form.get_by_role("status")

    # A new idea is queued: she hears its place, the expected start and the score's parts.
    fill(form, {"Product idea (required)": "Fraud flags on new claims",
                "Consumer (required)": "SIU", "Value hypothesis": "SIU opens it weekly",
                "Metric": "consumers", "Threshold": "3", "Window": "30d",
                "Warehouse tables": "claims, customers",
                "The two analysts who would pair (required)": "Ana, Ben"})  # fmt: skip
    form.get_by_label("Window", exact=True).press("Enter")  # the keyboard submits
    expect(said).to_contain_text("is number 1 in the queue, expected to start", timeout=60_000)
    expect(said).to_contain_text("Score")
    expect(said).to_contain_text("measurable hypothesis +")
    expect(form.locator(".jp-pairlab-intake-request")).to_have_count(1)

    # An idea an active product covers is answered by reuse, naming the team to talk to.
    fill(form, {"Product idea (required)": "Monthly claims frequency by region",
                "Consumer (required)": "claims review",
                "Warehouse tables": "claims, policies"})  # fmt: skip
    form.get_by_role("button", name="Send the request").click()
    expect(said).to_contain_text("is answered by reuse and not queued: reuse", timeout=60_000)
    expect(said).to_contain_text("claims-frequency-by-region")
    expect(said).to_contain_text("talk to team")
    expect(form.locator(".jp-pairlab-intake-request")).to_have_count(2)

    # Another team's request is refused in the service's words; what she typed stays.
    fill(form, {"Team (required)": "pricing"})
    form.get_by_role("button", name="Send the request").click()
    alert = form.get_by_role("alert")
    expect(alert).to_contain_text("Ana may request only for their own team (claims), not 'pricing'")
    expect(form.get_by_label("Product idea (required)", exact=True)).to_have_value(
        "Monthly claims frequency by region"
    )
    # The form is usable by keyboard and screen reader: no serious axe-core violation.
    assert serious_violations(ana, "#pairlab-request-pairing") == []

    # The guide's start form is prefilled from the program and her hub user: Ana of claims.
    ana.keyboard.press("Control+Shift+c")
    ana.locator(".lm-CommandPalette-input").fill("Start a pairing session")
    ana.keyboard.press("Enter")
    start = ana.locator("#pairlab-guide .jp-pairlab-start-form")
    expect(start.locator(".jp-pairlab-team")).to_have_value("claims")
    expect(start.locator(".jp-pairlab-name").first).to_have_value("Ana")
    expect(start.locator(".jp-pairlab-role").first).to_have_value("analyst")
    expect(start.locator(".jp-pairlab-facilitator")).to_have_value("")  # not reached yet

    # The guide offers the same request on the hub: its button opens the form.
    ana.locator("#pairlab-guide").get_by_role("button", name="Request a pairing").click()
    expect(ana.locator("#pairlab-request-pairing")).to_be_visible()

    # fran sees ana's queued request on the Intake view, with who filed it.
    fran.goto(hub.url(f"{COHORT}intake"))
    expect(fran.locator("tbody")).to_contain_text("Fraud flags on new claims")
    ana_context.close()
    fran_context.close()
