"""Two browsers in one notebook with jupyter-collaboration that never said who they are."""

import json
import urllib.request

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser
pytest.importorskip(
    "jupyter_collaboration", reason="optional: pip install jupyter-collaboration (test extra)"
)


def join(browser: Browser, url: str) -> Page:
    """Open the notebook in a browser context of its own: another person's browser."""
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-CodeCell", state="visible")
    expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_be_visible()
    return page


def me(page: Page) -> str:
    """Return the display name Jupyter gave this browser's user."""
    return page.evaluate("fetch('/api/me').then(r => r.json()).then(d => d.identity.display_name)")


def run_first_cell(page: Page) -> None:
    """Run the first code cell with the keyboard, as a learner does."""
    cell = page.locator(".jp-Notebook .jp-CodeCell").first
    cell.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")


def test_anonymous_collaborators_are_never_credited(browser: Browser, shared_lab, write_notebook):
    lab = shared_lab
    people = [{"name": "Ana", "role": "analyst"}, {"name": "Eli", "role": "engineer"}]
    start = urllib.request.Request(
        lab.url("pairlab/sessions"),
        data=json.dumps({"participants": people}).encode(),
        method="POST",
    )
    session = json.loads(urllib.request.urlopen(start, timeout=10).read())
    name = write_notebook(lab.root, "shared.ipynb", "print('hello')")
    url = lab.url(f"lab/workspaces/{{}}/tree/{name}")
    first, second = join(browser, url.format("one")), join(browser, url.format("two"))
    names = {me(first), me(second)}
    assert len(names) == 2, "each browser should be its own user"
    expect(first.locator(".jp-pairlab-driver")).to_have_text("Ana (analyst)")

    run_first_cell(first)
    run_first_cell(second)

    events_url = lab.url(f"pairlab/sessions/{session['id']}/events")
    for _ in range(100):
        events = json.loads(urllib.request.urlopen(events_url, timeout=10).read())["events"]
        runs = [e["data"] for e in events if e["kind"] == "cell-executed"]
        if len(runs) == 2:
            break
        first.wait_for_timeout(200)
    # Neither browser said who it is ("this is me"): the driver ran both, never "Anonymous ...";
    # the collaboration names are kept for the record.
    assert {r["user"] for r in runs} == {"Ana"}
    assert {r["driver"] for r in runs} == {"Ana"}
    assert {r["identity"] for r in runs} == names
    first.context.close()
    second.context.close()
