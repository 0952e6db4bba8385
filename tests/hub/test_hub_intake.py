"""Intake on a real JupyterHub: ana requests for her team with a hub token, fran runs the queue.

One hub (deploy/jupyterhub/jupyterhub_config.py as shipped) serves the module; Chromium logs
in through the hub's login page. On that hub only facilitators may open the service in a
browser, so ana uses the requester routes with a token she makes on the hub's token page.
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


def test_a_learner_requests_and_a_facilitator_starts_and_declines(browser: Browser, hub):
    fran_context, fran = log_in(browser, hub, "fran", f"{COHORT}program")
    fran.get_by_label("program.toml").fill(PROGRAM)
    fran.get_by_role("button", name="Save program").click()
    expect(fran.locator("#pl-said")).to_have_text("Saved.")

    # ana makes a token on the hub's token page; the service itself stays closed to her browser.
    ana_context, ana = log_in(browser, hub, "ana", "hub/token")
    ana.wait_for_url("**/hub/token")
    xsrf = ana.evaluate("window.jhdata.xsrf_token")
    made = ana.request.post(hub.url("hub/api/users/ana/tokens"), data={"note": "intake"},
                            headers={"X-XSRFToken": xsrf})  # fmt: skip
    assert made.ok, made.text()
    token = {"Authorization": f"token {made.json()['token']}"}
    api = hub.url(f"{COHORT}api/intake/")
    plain = ana_context.request  # a client without her hub cookie's XSRF: the token speaks

    sent = plain.post(api + "requests", data=FRAUD, headers=token)
    assert sent.status == 201 and sent.json()["state"] == "waiting"
    other = plain.post(api + "requests", data=FRAUD | {"team": "pricing"}, headers=token)
    assert other.status == 403
    assert (
        other.json()["error"] == "ana may request only for their own team (claims), not 'pricing'"
    )
    mine = plain.get(api + "requests", headers=token).json()
    assert mine["team"] == "claims" and [r["idea"] for r in mine["requests"]] == [FRAUD["idea"]]
    assert plain.get(api + "queue", headers=token).status == 403
    assert plain.post(api + f"requests/{sent.json()['id']}/start", headers=token).status == 403

    # fran requests for pricing through the page's form, starts ana's, declines pricing's.
    fran.goto(hub.url(f"{COHORT}intake"))
    expect(fran.locator("h1")).to_have_text("Intake")
    form = fran.locator("#intake-form")
    for label, value in (("Team", "pricing"), ("Product idea", "Broker commission outliers"),
                         ("Consumer", "sales"), ("Tables", "premiums, customers"),
                         ("Analysts", "Dara")):  # fmt: skip
        form.get_by_label(label).fill(value)
    form.get_by_role("button", name="Submit").click()
    rows = fran.locator("tbody tr")
    expect(rows).to_have_count(2)
    ana_row = rows.filter(has_text=FRAUD["idea"])
    ana_row.get_by_role("button", name="start").click()
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
    # The hub itself keeps the service's pages from a learner's browser (no access scope).
    assert ana.goto(hub.url(f"{COHORT}intake")).status == 403
    ana_context.close()
    fran_context.close()
