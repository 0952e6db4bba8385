"""A cohort on a real JupyterHub: ana pairs in her lab, fran watches the cohort page live.

One hub (deploy/jupyterhub/jupyterhub_config.py as shipped) serves the module; Chromium logs
in through the hub's login page; the service is killed by pid and the hub restarts it.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

pytestmark = pytest.mark.browser

COHORT = "services/pairlab-cohort/"
LESSON = "00-welcome.ipynb"
LIVE_SECONDS = 10  # the promise: a facilitator sees a run within 10 s


def log_in(browser: Browser, hub, user: str, next_path: str) -> tuple[BrowserContext, Page]:
    """Log in through the hub's own login page, as a person does; land on `next_path`."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(hub.url(f"hub/login?next=/{next_path}"))
    page.locator("#username_input").fill(user)
    page.locator("#password_input").fill(hub.password)
    page.locator("#login_submit").click()
    return context, page


def post(url: str, body: dict, token: str) -> tuple[int, dict]:
    """POST JSON with a hub token; return the status and the JSON reply."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def run_cell(page: Page, index: int, expected: str) -> None:
    """Run one code cell of the open notebook and wait for its output."""
    cell = page.locator(".jp-Notebook .jp-CodeCell").nth(index)
    cell.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    expect(cell.locator(".jp-OutputArea-output").last).to_contain_text(expected)


def local_export(page: Page, hub) -> dict:
    """Return the export of ana's only session, from her own server's store."""
    sessions = page.request.get(hub.url("user/ana/pairlab/sessions")).json()["sessions"]
    (session,) = sessions
    return page.request.get(hub.url(f"user/ana/pairlab/sessions/{session['id']}/export")).json()


def test_a_pair_on_the_hub_is_seen_live_by_the_facilitator(browser: Browser, hub):
    # fran, a facilitator, opens the cohort page first: nobody has paired yet.
    fran_context, fran = log_in(browser, hub, "fran", COHORT)
    expect(fran.locator("h1")).to_have_text("Pairing cohort (live)")
    expect(fran.locator("body")).to_contain_text("0 sessions")

    # ana logs in; the hub starts her pairlab lab; she opens lesson 0 and starts a session.
    ana_context, ana = log_in(browser, hub, "ana", "hub/")
    ana.wait_for_url(re.compile(r"/user/ana/lab"), timeout=120_000)
    ana.goto(hub.url(f"user/ana/lab/tree/{LESSON}"))
    expect(ana.locator("#pairlab-guide")).to_be_visible(timeout=90_000)
    expect(ana.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_be_visible(timeout=90_000)
    ana.locator("#pairlab-guide .jp-pairlab-start").click()
    form = ana.locator("#pairlab-guide .jp-pairlab-start-form")
    form.get_by_label("Name of person 1").fill("Ana")
    form.get_by_label("Name of person 2").fill("Eli")
    form.get_by_role("button", name="Start").click()
    expect(ana.locator("#pairlab-guide .jp-pairlab-driver")).to_have_text("Ana (analyst)")
    run_cell(ana, 0, "Ana (analyst)")
    run_cell(ana, 1, "steps in this lesson")
    ran = time.monotonic()

    # Within 10 s, without a reload, fran's page shows ana's session, lesson and runs.
    live = {"timeout": LIVE_SECONDS * 1000}
    sessions = fran.locator("table").last
    expect(sessions).to_contain_text(re.compile(r"ana/[0-9a-f]{12}"), **live)
    expect(sessions).to_contain_text("0 welcome", **live)
    people = fran.locator("table", has=fran.locator("th", has_text="cells run")).first
    expect(people.locator("tr", has_text="Ana")).to_contain_text("2 (0 failed)", **live)
    assert time.monotonic() - ran < LIVE_SECONDS + 1

    # The API agrees with the page, and with ana's own store, event for event.
    cohort = fran.request.get(hub.url(f"{COHORT}api/cohort")).json()
    (row,) = cohort["sessions"]
    assert (row["user"], row["lesson"], row["cell_runs"]) == ("ana", "welcome", {"Ana": 2})
    assert row["events"] == len(local_export(ana, hub)["events"])

    # ana is a learner: the page and the API are closed to her (her login, her server's token).
    assert ana.goto(hub.url(COHORT)).status == 403
    token = hub.servers()["ana"][1]["JUPYTERHUB_API_TOKEN"]  # her server's own token
    refused = ana.request.get(
        hub.url(f"{COHORT}api/cohort"), headers={"Authorization": f"token {token}"}
    )
    assert refused.status == 403 and refused.json()["error"] == "ana may not see the cohort"
    anonymous = ana.request.get(hub.url(f"{COHORT}api/cohort"), headers={"Cookie": ""})
    assert anonymous.status == 401 and anonymous.json()["fix"] == "log in to the hub"

    # A post for another user, with ana's own server token, is refused; the same for ana is not.
    ingest = hub.url(f"{COHORT}api/events")
    export = local_export(ana, hub)
    forged = {"user": "eli", "session": export["session"], "event": export["events"][0]}
    status, reply = post(ingest, forged, token)
    assert status == 403
    assert reply["error"] == "a server of ana may post only ana's events, not eli's"
    assert post(ingest, {**forged, "user": "ana"}, token)[0] == 200  # already stored: kept once
    assert post(ingest, forged, "not-a-token")[0] == 401
    status, reply = post(ingest, {"user": "ana"}, token)
    assert (status, reply["error"]) == (400, "'session' and 'event' must be objects")
    # What her server never records is refused, even for her own session with her own token.
    event = export["events"][-1]
    step = {"path": LESSON, "lesson": "welcome", "step": "meet", "driver": "Ana"}
    for forbidden, words in [
        ({"id": 10**6, "kind": "step-completed", "data": step}, "no passing check"),
        ({"id": 10**6, "kind": "step-checked", "data": step | {"step": "x", "status": "pass"}},
         "no step of the curriculum"),
        ({"id": 2**63, "kind": "cell-executed", "data": {}}, "larger than any event id"),
    ]:  # fmt: skip
        status, reply = post(ingest, {**forged, "user": "ana", "event": event | forbidden}, token)
        assert status == 400 and words in reply["error"], reply
    cohort = fran.request.get(hub.url(f"{COHORT}api/cohort")).json()
    assert cohort["sessions"][0]["steps_completed"] == []

    # The service is killed while ana keeps working; the hub restarts it; nothing is lost.
    os.kill(hub.service_pid(), signal.SIGKILL)
    ana.goto(hub.url(f"user/ana/lab/tree/{LESSON}"))
    expect(ana.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_be_visible(timeout=90_000)
    for _ in range(3):
        run_cell(ana, 1, "steps in this lesson")
    outbox = hub.home("ana") / "pairlab-workspace" / ".pairlab" / "outbox"
    expected = local_export(ana, hub)["events"]
    # The hub notices and restarts the service; fran's open page picks up again by itself.
    expect(people.locator("tr", has_text="Ana")).to_contain_text("5 (0 failed)", timeout=90_000)
    cohort = fran.request.get(hub.url(f"{COHORT}api/cohort")).json()
    assert cohort["sessions"][0]["events"] == len(expected)
    assert not list(outbox.glob("*.json"))

    # No password and no token in the hub's log, the page, or an outbox file name.
    page = fran.content()
    names = " ".join(p.name for p in outbox.rglob("*"))
    for secret in (hub.password, token):
        assert secret not in hub.log.read_text() and secret not in page and secret not in names
    ana_context.close()
    fran_context.close()
