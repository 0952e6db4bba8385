"""Who did what, in real Chromium: runs credited across rotations and browsers, the start form
by keyboard, and the facilitator's downloads equal to what the server and the CLI give."""

from __future__ import annotations

import json
import shutil
import urllib.request

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser
PAIR = [{"name": "Ana", "role": "analyst"}, {"name": "Eli", "role": "engineer"}]


def get(lab, path: str):
    """GET a pairlab route with the token; return its body (JSON parsed when it is JSON)."""
    with urllib.request.urlopen(lab.url(f"pairlab/{path}"), timeout=10) as response:
        body = response.read()
        return (
            json.loads(body)
            if response.headers["Content-Type"].startswith("application/json")
            else body.decode()
        )


def start(lab) -> str:
    """Start Ana and Eli's session through the route; return its id."""
    request = urllib.request.Request(
        lab.url("pairlab/sessions"), data=json.dumps({"participants": PAIR}).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["id"]


def runs(lab, sid: str, count: int, page: Page) -> list[dict]:
    """Wait until the session logged `count` cell runs; return every event of the export."""
    for _ in range(100):
        events = get(lab, f"sessions/{sid}/export")["events"]
        if sum(e["kind"] == "cell-executed" for e in events) >= count:
            return events
        page.wait_for_timeout(200)
    raise AssertionError(f"the session logged fewer than {count} cell runs: {events}")


def run_cell(page: Page, text: str) -> None:
    """Run the notebook's first cell with the keyboard and wait for its output."""
    cell = page.locator(".jp-Notebook .jp-CodeCell").first
    cell.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    expect(cell.locator(".jp-OutputArea-output").last).to_contain_text(text)


def open_notebook(page: Page, url: str) -> None:
    """Open a notebook in the lab and wait for an idle kernel."""
    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-CodeCell", state="visible")
    expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_be_visible()


def test_the_start_form_works_by_keyboard_and_speaks_in_words(page: Page, own_lab, output_dir):
    lab, _ = own_lab
    page.goto(lab.url("lab/workspaces/form"))
    page.locator(".jp-LauncherCard", has_text="Start a pairing session").click()
    form = page.locator("#pairlab-guide .jp-pairlab-start-form")
    first = form.get_by_label("Name of person 1")
    expect(first).to_be_focused()
    # Names are readable: the name box takes the row, the role stays compact beside it.
    name_box, role_box = first.bounding_box(), form.get_by_label("Role of person 1").bounding_box()
    assert name_box["width"] >= 100 and name_box["width"] > role_box["width"]
    assert role_box["y"] == pytest.approx(name_box["y"], abs=8)  # on the same row

    page.keyboard.type("Ana")
    page.keyboard.press("Enter")  # one name only
    error = page.locator("#pairlab-guide .jp-pairlab-error")
    expect(error).to_have_text("Add at least two people: Ana needs someone to pair with.")
    page.locator("#pairlab-guide").screenshot(path=str(output_dir / "start-form.png"))
    page.keyboard.press("Tab")  # to Ana's role
    page.keyboard.press("Tab")  # to the second name
    page.keyboard.type("Eli")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # a select changes with the arrows: engineer <-> analyst
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#pairlab-guide .jp-pairlab-driver")).to_have_text("Ana (analyst)")
    (session,) = get(lab, "sessions")["sessions"]
    assert [p["name"] for p in session["participants"]] == ["Ana", "Eli"]
    expect(error).to_be_empty()


def test_runs_follow_the_driver_across_rotations(page: Page, own_lab, write_notebook):
    lab, _ = own_lab
    sid = start(lab)
    name = write_notebook(lab.root, "scratch.ipynb", "print('hello')")
    open_notebook(page, lab.url(f"lab/workspaces/rotations/tree/{name}"))
    driver = page.locator("#pairlab-guide .jp-pairlab-driver")
    expect(driver).to_have_text("Ana (analyst)")
    run_cell(page, "hello")
    runs(lab, sid, 1, page)
    page.locator(".jp-pairlab-rotate").click()
    expect(driver).to_have_text("Eli (engineer)")
    run_cell(page, "hello")
    runs(lab, sid, 2, page)
    page.locator(".jp-pairlab-rotate").click()
    expect(driver).to_have_text("Ana (analyst)")
    run_cell(page, "hello")

    events = runs(lab, sid, 3, page)
    told = [
        (e["kind"], e["data"].get("user", e["data"].get("driver")))
        for e in events
        if e["kind"] in {"session-started", "rotated", "cell-executed"}
    ]
    assert told == [
        ("session-started", "Ana"),
        ("cell-executed", "Ana"),
        ("rotated", "Eli"),
        ("cell-executed", "Eli"),
        ("rotated", "Ana"),
        ("cell-executed", "Ana"),
    ]
    summary = get(lab, f"sessions/{sid}/summary")
    assert {e["user"]: e["runs"] for e in summary["executions"]} == {"Ana": 2, "Eli": 1}


def join(browser: Browser, url: str) -> Page:
    """Open the lab in a browser context of its own: another person's browser."""
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.set_default_timeout(60_000)
    page.clock.install()  # time flows as usual until a test fast-forwards it
    open_notebook(page, url)
    return page


def test_two_browsers_each_say_who_they_are(browser: Browser, shared_lab, write_notebook):
    lab = shared_lab
    facilitator_mode(lab)  # both browsers show the summary: each one's rotation prompt in it
    sid = start(lab)
    name = write_notebook(lab.root, "shared.ipynb", "print('hello')")
    url = lab.url(f"lab/workspaces/{{}}/tree/{name}")
    ana, eli = join(browser, url.format("ana")), join(browser, url.format("eli"))
    for page, person in ((ana, "Ana"), (eli, "Eli")):
        me = page.locator("#pairlab-guide .jp-pairlab-me")
        expect(me).to_have_value("")  # nobody chosen yet
        me.select_option(person)
        key = f"pairlab:me:{sid}"
        assert page.evaluate(f"localStorage.getItem('{key}')") == person
    identities = {
        page.evaluate("fetch('/api/me').then(r => r.json()).then(d => d.identity.display_name)")
        for page in (ana, eli)
    }

    run_cell(eli, "hello")
    runs(lab, sid, 1, eli)
    run_cell(ana, "hello")
    events = runs(lab, sid, 2, ana)
    credited = [
        (e["data"]["user"], e["data"]["driver"]) for e in events if e["kind"] == "cell-executed"
    ]
    assert credited == [("Eli", "Ana"), ("Ana", "Ana")]  # each browser's person; Ana drives
    assert {e["data"]["identity"] for e in events if e["kind"] == "cell-executed"} == identities
    assert not identities & {"Ana", "Eli"}  # the anonymous names are kept, never credited

    # Ana hands the keyboard on in her browser; Eli's browser follows, and Eli's runs stay his.
    ana.locator("#pairlab-guide .jp-pairlab-rotate").click()
    expect(eli.locator("#pairlab-guide .jp-pairlab-driver")).to_have_text("Eli (engineer)")
    run_cell(eli, "hello")
    events = runs(lab, sid, 3, eli)
    last = [e["data"] for e in events if e["kind"] == "cell-executed"][-1]
    assert (last["user"], last["driver"]) == ("Eli", "Eli")

    # The rotation falls due: each browser prompts and logs it once, as its own person's.
    for page in (ana, eli):
        page.clock.fast_forward("15:05")
        expect(page.locator("#pairlab-guide .jp-pairlab-prompt")).to_contain_text(
            "Time to rotate: Ana takes the keyboard."
        )
    prompts = prompted(lab, sid, 2, eli)
    assert sorted((p["participant"], p["rotation"], p["next"]) for p in prompts) == [
        ("Ana", 1, "Ana"),
        ("Eli", 1, "Ana"),
    ]
    # A browser that reloads and prompts again for the same turn logs nothing new.
    again = post(lab, f"sessions/{sid}/events", {"kind": "rotation-prompted",
                                                   "data": {"participant": "Eli"}})  # fmt: skip
    assert again["id"] in {p["id"] for p in prompted(lab, sid, 2, eli, events=True)}
    summary = get(lab, f"sessions/{sid}/summary")
    assert sorted(p["participant"] for p in summary["prompts"]) == ["Ana", "Eli"]

    eli.reload()  # the choice is remembered by this browser for this session
    expect(eli.locator("#pairlab-guide .jp-pairlab-me")).to_have_value("Eli")
    assert len(prompted(lab, sid, 2, eli)) == 2
    shown = eli.locator("#pairlab-guide .jp-pairlab-summary-prompts li")
    expect(shown).to_have_count(2)
    assert sorted(shown.all_inner_texts()) == [
        "Rotation 2: Ana's browser prompted (Ana next)",
        "Rotation 2: Eli's browser prompted (Ana next)",
    ]
    expect(eli.locator("#pairlab-guide .jp-pairlab-summary-lesson")).to_have_text(
        "Lesson: none chosen (started outside a lesson notebook)."
    )
    ana.context.close()
    eli.context.close()


def post(lab, path: str, body: dict) -> dict:
    """POST JSON to a pairlab route with the token; return the JSON reply."""
    request = urllib.request.Request(
        lab.url(f"pairlab/{path}"), data=json.dumps(body).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def prompted(lab, sid: str, count: int, page: Page, events: bool = False) -> list[dict]:
    """Wait until the session logged `count` rotation prompts; return their data (or events)."""
    for _ in range(100):
        found = [
            e for e in get(lab, f"sessions/{sid}/export")["events"]
            if e["kind"] == "rotation-prompted"
        ]  # fmt: skip
        if len(found) >= count:
            return found if events else [e["data"] for e in found]
        page.wait_for_timeout(200)
    raise AssertionError(f"the session logged fewer than {count} rotation prompts: {found}")


def facilitator_mode(lab) -> None:
    """Turn facilitator mode on in the user's settings, as the Settings Editor does."""
    # A PUT replaces the user's guide settings: keep the quiet start every test lab has.
    settings = {"facilitatorMode": True, "welcomeOnFirstStart": False}
    body = json.dumps({"raw": json.dumps(settings)}).encode()
    url = lab.url("lab/api/settings/pairlab:guide")
    request = urllib.request.Request(url, data=body, method="PUT")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 204


def test_facilitator_downloads_the_export_and_the_cohort_report(
    page: Page, own_lab, tmp_path, output_dir, monkeypatch
):
    lab, _ = own_lab
    facilitator_mode(lab)
    page.goto(lab.url("lab/tree/00-welcome.ipynb"))
    page.wait_for_selector(".jp-Notebook", state="visible")
    guide = page.locator("#pairlab-guide")
    expect(guide.locator(".jp-pairlab-step")).to_have_count(2)
    # Started beside lesson 0, the session works on lesson 0 (the report shows it).
    guide.locator(".jp-pairlab-start").click()
    guide.get_by_label("Name of person 1").fill("Ana")
    guide.get_by_label("Name of person 2").fill("Eli")
    page.keyboard.press("Enter")
    expect(guide.locator(".jp-pairlab-driver")).to_have_text("Ana (analyst)")
    (session,) = get(lab, "sessions")["sessions"]
    sid = session["id"]
    assert session["lesson"] == "welcome"
    expect(guide.locator(".jp-pairlab-facilitator")).to_be_visible()
    # The facilitator sees which lesson the session works on, numbered as the notebooks are.
    expect(guide.locator(".jp-pairlab-summary-lesson")).to_have_text(
        "Lesson 0. Welcome: how to pair here"
    )
    # Notes once per lesson, above its steps, rendered as markdown (not under every step).
    steps = guide.locator(".jp-pairlab-steps")
    expect(steps.locator(".jp-pairlab-step")).to_have_count(2)
    expect(steps.locator(".jp-pairlab-facilitator-notes")).to_have_count(1)
    expect(steps.locator(".jp-pairlab-facilitator-notes .jp-RenderedMarkdown p")).to_contain_text(
        "Keep the first rotation short (the guide's 15 minutes) so both people drive before the "
        "first break. Ask"
    )
    expect(steps.locator(".jp-pairlab-section-title")).to_have_text(
        "Steps: Lesson 0. Welcome: how to pair here"
    )
    code = guide.locator('.jp-pairlab-lesson[data-lesson-id="publish-and-measure"] code')
    expect(code).to_have_text("pairlab catalog")
    expect(guide.locator(".jp-pairlab-lesson-number").first).to_have_text("Lesson 0: ")
    expect(guide.locator(".jp-pairlab-lesson-number").last).to_have_text("Lesson 12: ")

    guide.screenshot(path=str(output_dir / "facilitator.png"))
    with page.expect_download() as info:
        guide.get_by_role("button", name="Export session").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name == f"pairlab-session-{sid}.json"
    assert json.loads(saved.read_text()) == get(lab, f"sessions/{sid}/export")

    with page.expect_download() as info:
        guide.get_by_role("button", name="Download cohort report").click()
    report = tmp_path / "cohort-report.html"
    info.value.save_as(report)
    assert info.value.suggested_filename == "cohort-report.html"
    assert report.read_text() == get(lab, "report")
    assert "<h1>Pairing cohort report</h1>" in report.read_text()
    assert "<td>Ana &amp; Eli</td><td>0 welcome</td>" in report.read_text()

    # `pairlab report` reads the downloaded export into the same page (docs/catalog.md), and
    # from the ambassador kit's cohort.csv naming it under sessions/ (the kit's README).
    kit = tmp_path / "ambassador"
    (kit / "sessions").mkdir(parents=True)
    shutil.copy(saved, kit / "sessions" / saved.name)
    (kit / "cohort.csv").write_text(
        f"teammate,team,date,export\nEli,claims,2027-03-01,sessions/{saved.name}\n"
    )
    monkeypatch.chdir(kit)
    assert cli("report", str(saved), "--out", "one.html") == 0
    assert (kit / "one.html").read_text() == report.read_text()
    assert cli("report", "cohort.csv", "--out", "cohort.html") == 0
    assert "<td>Ana &amp; Eli</td><td>0 welcome</td>" in (kit / "cohort.html").read_text()

    # The cohort report covers every session on the server, not only the guide's own.
    post(lab, "sessions", {"participants": [{"name": "Bo", "role": "analyst"},
                                            {"name": "Kim", "role": "engineer"}]})  # fmt: skip
    with page.expect_download() as info:
        guide.get_by_role("button", name="Download cohort report").click()
    info.value.save_as(report)
    assert "<td>Ana &amp; Eli</td>" in report.read_text()
    assert "<td>Bo &amp; Kim</td>" in report.read_text()


def cli(*args: str) -> int:
    """Run `pairlab ARGS` in this process; return its exit code."""
    from pairlab.cli import main

    with pytest.raises(SystemExit) as done:
        main(list(args))
    return done.value.code or 0
