"""The first hour as a new pair meets it: lesson 0 on a first start, the facilitator switch,
a session that picks up the lesson opened after it started, a lesson the folder lacks."""

import json
import re
import urllib.request

import pytest
from playwright.sync_api import Page, Request, expect

pytestmark = pytest.mark.browser

PAIR = [("Ana", "analyst"), ("Eli", "engineer")]


def welcome_on(lab) -> None:
    """Turn the first-start welcome back on: the shared test settings keep it off."""
    (lab.root.parent / "settings" / "pairlab" / "guide.jupyterlab-settings").unlink()


def tab(page: Page, name: str):
    return page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=name)


def start_session(page: Page) -> None:
    """Fill the guide's start form (opening it unless it is open already) and start."""
    guide = page.locator("#pairlab-guide")
    form = guide.locator(".jp-pairlab-start-form")
    if not form.is_visible():
        guide.locator(".jp-pairlab-start").click()
    for i, (name, role) in enumerate(PAIR, start=1):
        form.get_by_label(f"Name of person {i}").fill(name)
        form.get_by_label(f"Role of person {i}").select_option(role)
    form.get_by_role("button", name="Start").click()
    expect(guide.locator(".jp-pairlab-driver")).to_have_text("Ana (analyst)")


def only_session(lab) -> dict:
    with urllib.request.urlopen(lab.url("pairlab/sessions"), timeout=10) as response:
        (session,) = json.loads(response.read())["sessions"]
    return session


def lesson_0_closed(data: dict) -> bool:
    """Say whether a saved workspace's main area holds no lesson 0."""
    return "00-welcome.ipynb" not in json.dumps(data.get("layout-restorer:data", {}).get("main"))


def test_the_first_start_opens_lesson_0_with_the_guide_and_the_session_form(
    page: Page, own_lab, output_dir, wait_until_saved, wait_until_restored
):
    lab, _ = own_lab
    welcome_on(lab)
    page.goto(lab.url("lab"))
    expect(tab(page, "00-welcome.ipynb")).to_be_visible()
    expect(page.locator(".jp-Notebook .jp-MarkdownOutput h1").first).to_contain_text("Welcome")
    guide = page.locator("#pairlab-guide")
    expect(guide).to_be_visible()
    expect(guide.locator(".jp-pairlab-start-form")).to_be_visible()
    page.screenshot(path=str(output_dir / "first-start.png"))

    # The pair closes lesson 0; a reload is no first start: it stays closed.
    tab(page, "00-welcome.ipynb").locator(".lm-TabBar-tabCloseIcon").click()
    expect(tab(page, "00-welcome.ipynb")).to_have_count(0)  # opened clean: no Save dialog
    wait_until_saved(lab, "default", lesson_0_closed)  # the layout the reload restores
    page.reload()
    page.wait_for_selector("#jp-main-dock-panel", state="attached")
    wait_until_restored(page)  # a first start would open lesson 0 right after the restore
    expect(tab(page, "00-welcome.ipynb")).to_have_count(0)


def test_a_link_to_a_notebook_opens_that_one_only(
    page: Page, own_lab, write_notebook, wait_until_restored
):
    lab, _ = own_lab
    welcome_on(lab)
    name = write_notebook(lab.root, "ours.ipynb", "print('ours')")
    page.goto(lab.url(f"lab/tree/{name}"))
    expect(tab(page, "ours.ipynb")).to_be_visible()
    wait_until_restored(page)
    # The guide shows its form, then decides on the link: nothing more to open.
    expect(page.locator("#pairlab-guide .jp-pairlab-start-form")).to_be_visible()
    expect(tab(page, "00-welcome.ipynb")).to_have_count(0)


def test_the_facilitator_switch_in_the_guide(page: Page, live_lab):
    page.goto(live_lab.url("lab/workspaces/facilitator-switch"))
    guide = page.locator("#pairlab-guide")
    switch = guide.get_by_label("Facilitator mode")
    expect(switch).to_be_visible()
    summary = guide.locator(".jp-pairlab-facilitator")
    if switch.is_checked():  # another test left the setting on: start from off
        switch.click()
    expect(summary).to_be_hidden()

    switch.click()
    expect(switch).to_be_checked()
    expect(summary).to_contain_text("Facilitator: session summary")
    expect(summary.get_by_role("button", name="Download cohort report")).to_be_visible()

    page.reload()  # a setting: it stays on
    expect(guide.get_by_label("Facilitator mode")).to_be_checked()
    expect(summary).to_be_visible()

    guide.get_by_label("Facilitator mode").click()
    expect(summary).to_be_hidden()
    # The palette's command says the same state as the switch.
    page.keyboard.press("Control+Shift+C")
    palette = page.locator(".lm-CommandPalette")
    palette.locator("input").fill("Facilitator Mode")
    expect(palette.locator(".lm-CommandPalette-item.lm-mod-active")).to_contain_text(
        "Facilitator Mode"
    )
    page.keyboard.press("Enter")
    expect(guide.get_by_label("Facilitator mode")).to_be_checked()
    expect(summary).to_be_visible()
    guide.get_by_label("Facilitator mode").click()  # leave it off for the other tests
    expect(summary).to_be_hidden()


def test_a_session_started_before_a_lesson_picks_up_the_first_lesson_opened(page: Page, own_lab):
    lab, _ = own_lab
    page.goto(lab.url("lab/workspaces/pickup"))
    page.wait_for_selector(".jp-LauncherCard", state="visible")
    start_session(page)
    assert only_session(lab)["lesson"] is None

    page.locator("#pairlab-guide .jp-pairlab-lesson-title").first.click()
    expect(tab(page, "00-welcome.ipynb")).to_be_visible()
    for _ in range(60):
        if only_session(lab)["lesson"] == "welcome":
            break
        page.wait_for_timeout(500)
    assert only_session(lab)["lesson"] == "welcome"

    # The next lesson opened does not rewrite what the session began with: the guide shows its
    # steps (their records read back), turns its event loop, and sent no adoption meanwhile.
    adoptions: list[Request] = []
    page.on("request", lambda r: r.method == "POST" and "/lesson" in r.url and adoptions.append(r))
    with page.expect_response(lambda r: "steps?path=01-explore.ipynb" in r.url):
        page.locator("#pairlab-guide .jp-pairlab-lesson-title").nth(1).click()
    expect(tab(page, "01-explore.ipynb")).to_be_visible()
    expect(page.locator('#pairlab-guide .jp-pairlab-step[data-step-id="connect"]')).to_be_visible()
    page.evaluate("() => new Promise(done => setTimeout(() => setTimeout(done, 0), 0))")
    assert adoptions == []
    assert only_session(lab)["lesson"] == "welcome"
    summary = page.locator("#pairlab-guide .jp-pairlab-summary-lesson")
    guide = page.locator("#pairlab-guide")
    guide.get_by_label("Facilitator mode").click()
    expect(summary).to_contain_text("Lesson 0.")


def test_a_lesson_missing_from_the_folder_says_so(page: Page, own_lab):
    lab, _ = own_lab
    (lab.root / "01-explore.ipynb").unlink()
    page.goto(lab.url("lab/workspaces/missing-lesson"))
    page.wait_for_selector(".jp-LauncherCard", state="visible")
    page.locator("#pairlab-guide .jp-pairlab-lesson-title").nth(1).click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_contain_text("Lesson not found")
    expect(dialog).to_contain_text("01-explore.ipynb is not in this lab's folder")


def test_every_lesson_opens_clean(page: Page, own_lab):
    """Opening a lesson and its kernel starting mark nothing changed: no unsaved dot, and no
    Save dialog when the pair closes it without typing (the seed stamps the kernel's metadata)."""
    lab, _ = own_lab
    lessons = sorted(p.name for p in lab.root.glob("[0-9][0-9]-*.ipynb"))
    assert len(lessons) == 13
    page.goto(lab.url("lab"))
    status = page.locator("#jp-main-statusbar").get_by_text("Python 3 (ipykernel) | Idle")
    page.locator(".jp-SideBar [data-id='filebrowser']").click()
    for name in lessons:
        page.locator(".jp-DirListing-item", has_text=name).dblclick()
        expect(tab(page, name)).to_be_visible()
        # The kernel's spec and language_info reach the notebook as its status turns idle.
        expect(status).to_be_visible(timeout=60_000)
        expect(tab(page, name)).not_to_have_class(re.compile(r"\bjp-mod-dirty\b"))
        tab(page, name).locator(".lm-TabBar-tabCloseIcon").click()
        expect(tab(page, name)).to_have_count(0)
        expect(page.locator(".jp-Dialog")).to_have_count(0)
