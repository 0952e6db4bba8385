"""Intake on a real JupyterHub: ana requests for her own team, fran runs the queue.

One hub (deploy/jupyterhub/jupyterhub_config.py as shipped) serves the module; Chromium logs
in through the hub's login page. Every user reaches the service; facilitators hold its
facilitate scope.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Dialog, expect
from test_hub_cohort import COHORT, log_in

pytestmark = pytest.mark.browser

PROGRAM = """name = "Intake on the hub"
central = "enablement"

[[teams]]
id = "enablement"
members = [
  { name = "Fran", role = "engineer", user = "fran" },
  { name = "Eli", role = "engineer", user = "eli" },
  { name = "Uma", role = "engineer" },
  { name = "Vic", role = "engineer" },
]

[[teams]]
id = "claims"
members = [{ name = "Ana", role = "analyst", user = "ana" }, { name = "Ben", role = "analyst" }]

[[teams]]
id = "pricing"
members = [{ name = "Dara", role = "analyst" }]
"""
FRAUD = {"team": "claims", "idea": "Fraud flags on new claims", "consumer": "SIU",
         "tables": ["claims", "customers"], "analysts": ["Ana", "Ben"],
         "hypothesis": {"statement": "SIU opens it weekly", "metric": "consumers",
                        "threshold": 3, "window": "30d"}}  # fmt: skip


def fill(form, fields: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """Fill the Intake page's request form by its labels."""
    for label, value in fields.items():
        form.get_by_label(label).fill(value)


def test_a_learner_requests_and_a_facilitator_starts_and_declines(browser: Browser, hub):
    fran_context, fran = log_in(browser, hub, "fran", f"{COHORT}program")
    fran.get_by_label("program.toml").fill(PROGRAM)
    fran.get_by_role("button", name="Save program").click()
    expect(fran.locator("#pl-said")).to_have_text("Saved.")

    # ana, a learner, opens the Intake page and requests a pairing for her team.
    ana_context, ana = log_in(browser, hub, "ana", f"{COHORT}intake")
    expect(ana.locator("h1")).to_have_text("Intake")
    form = ana.locator("#intake-form")
    expect(form.get_by_label("Team")).to_have_value("claims")  # from the program
    fill(form, {"Product idea": FRAUD["idea"], "Consumer": "SIU", "Tables": "claims, customers",
                "Analysts": "Ana, Ben", "Hypothesis": "SIU opens it weekly",
                "Threshold": "3"})  # fmt: skip
    form.get_by_role("button", name="Submit").click()
    expect(ana.locator("tbody tr")).to_have_count(1)
    expect(ana.locator("tbody tr")).to_contain_text("waiting")

    # For another team she is refused, in words; her page still shows only her request.
    fill(form, {"Team": "pricing", "Product idea": "Quote drop-off", "Consumer": "pricing",
                "Analysts": "Ana"})  # fmt: skip
    # Accepted as it opens: an alert left open holds the click (it waits for the page) until
    # its timeout, when the alert comes before the click has finished.
    ana.once("dialog", lambda dialog: dialog.accept())
    with ana.expect_event("dialog") as shown:
        form.get_by_role("button", name="Submit").click()
    said = shown.value.message
    assert said.startswith("ana may request only for their own team (claims), not 'pricing'")
    ana.reload()
    expect(ana.locator("tbody tr")).to_have_count(1)
    assert ana.locator('button[data-action="start"]').count() == 0

    # The queue and the decisions stay closed to her, with her login or a token of hers.
    ana.goto(hub.url("hub/token"))
    xsrf = ana.evaluate("window.jhdata.xsrf_token")
    made = ana.request.post(hub.url("hub/api/users/ana/tokens"), data={"note": "intake"},
                            headers={"X-XSRFToken": xsrf})  # fmt: skip
    assert made.ok, made.text()
    token = {"Authorization": f"token {made.json()['token']}"}
    api = hub.url(f"{COHORT}api/intake/")
    mine = ana.request.get(api + "requests", headers=token).json()
    assert mine["team"] == "claims" and [r["idea"] for r in mine["requests"]] == [FRAUD["idea"]]
    assert ana.request.get(api + "queue", headers=token).status == 403
    start = ana.request.post(api + f"requests/{mine['requests'][0]['id']}/start", headers=token)
    assert start.status == 403
    assert ana.goto(hub.url(COHORT)).status == 403  # nor the cohort page

    # fran requests for pricing through the page's form, starts ana's, declines pricing's.
    fran.goto(hub.url(f"{COHORT}intake"))
    form = fran.locator("#intake-form")
    broker = {"Team": "pricing", "Product idea": "Broker commission outliers",
              "Consumer": "sales", "Tables": "premiums, customers", "Analysts": "Dara"}  # fmt: skip
    fill(form, broker)
    form.get_by_role("button", name="Submit").click()
    rows = fran.locator("tbody tr")
    expect(rows).to_have_count(2)
    rows.filter(has_text=FRAUD["idea"]).get_by_role("button", name="start").click()
    expect(rows.filter(has_text=FRAUD["idea"])).to_contain_text("active")

    def reason(dialog: Dialog) -> None:
        dialog.accept("brokers are out of scope this year")

    fran.once("dialog", reason)
    rows.filter(has_text="Broker commission").get_by_role("button", name="decline").click()
    declined = rows.filter(has_text="Broker commission")
    expect(declined).to_contain_text("declined by fran: brokers are out of scope this year")

    queue = fran.request.get(api + "queue").json()
    states = {r["idea"]: (r["state"], r["decisions"][-1]["reason"]) for r in queue["requests"]}
    assert states == {
        FRAUD["idea"]: ("active", ""),
        "Broker commission outliers": ("declined", "brokers are out of scope this year"),
    }
    ana_context.close()
    fran_context.close()
