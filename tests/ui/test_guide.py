"""The pairing guide in a real JupyterLab and real Chromium, at / and under a JupyterHub prefix."""

import json
import re
import urllib.request

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def open_lab(page: Page, live_lab, workspace: str) -> None:
    """Load the lab in its own named workspace and wait until the application has started."""
    page.goto(live_lab.url(f"lab/workspaces/{workspace}"))
    page.wait_for_selector("#jp-main-dock-panel", state="attached")
    page.wait_for_selector(".jp-LauncherCard", state="visible")


def guide_closed(data: dict) -> bool:
    """Say whether a saved workspace has shown the guide once and keeps the side bar closed."""
    shown = any(key.endswith(":guide-shown") for key in data)
    return shown and data.get("layout-restorer:data", {}).get("left", {}).get("collapsed") is True


def guide_tab(page: Page):
    """Return the guide's tab in the left side bar."""
    return page.locator('.jp-SideBar [data-id="pairlab-guide"]')


def server_lessons(live_lab) -> list[dict]:
    """Ask the server for the lessons, as the guide does."""
    with urllib.request.urlopen(live_lab.url("pairlab/lessons"), timeout=10) as response:
        return json.loads(response.read())["lessons"]


def test_a_new_workspace_opens_on_the_guide_once(
    page: Page, live_lab, wait_until_saved, wait_until_restored
):
    open_lab(page, live_lab, "first-start")
    expect(page.locator("#pairlab-guide")).to_be_visible()
    guide_tab(page).click()  # the pair closes it...
    expect(page.locator("#pairlab-guide")).to_be_hidden()
    wait_until_saved(live_lab, "first-start", guide_closed)  # the layout the reload restores
    page.reload()
    page.wait_for_selector(".jp-LauncherCard", state="visible")
    wait_until_restored(page)  # the guide decides on a first start right after the restore
    expect(page.locator("#pairlab-guide")).to_be_hidden()  # ...and it stays closed


def test_guide_lists_the_server_lessons(page: Page, live_lab, output_dir):
    open_lab(page, live_lab, "lessons")
    expect(guide_tab(page)).to_have_attribute("title", "Pairing guide")
    guide = page.locator("#pairlab-guide")
    expect(guide).to_be_visible()
    expect(guide.locator("h2")).to_have_text("Pairing guide")
    # Without a hub there is no intake queue to ask: the guide offers no request.
    expect(guide.get_by_role("button", name="Request a pairing")).to_be_hidden()
    lessons = server_lessons(live_lab)
    items = guide.locator(".jp-pairlab-lesson")
    expect(items).to_have_count(len(lessons))
    for item, lesson in zip(items.all(), lessons, strict=True):
        expect(item).to_have_attribute("data-lesson-id", lesson["id"])
        expect(item.locator(".jp-pairlab-lesson-title")).to_have_text(lesson["title"])
        # Numbered as the notebooks are: 00-welcome.ipynb is Lesson 0.
        number = int(lesson["notebook"].split("-")[0])
        expect(item.locator(".jp-pairlab-lesson-number")).to_have_text(f"Lesson {number}: ")
    page.screenshot(path=str(output_dir / "guide.png"))


def test_launcher_card_opens_the_guide(page: Page, live_lab):
    open_lab(page, live_lab, "launcher")
    expect(page.locator("#pairlab-guide")).to_be_visible()
    guide_tab(page).click()
    expect(page.locator("#pairlab-guide")).to_be_hidden()
    card = page.locator(".jp-LauncherCard", has_text="Start a pairing session")
    expect(card).to_have_count(1)
    card.click()
    expect(page.locator("#pairlab-guide")).to_be_visible()


def test_clicking_a_lesson_opens_its_notebook(page: Page, live_lab, output_dir):
    open_lab(page, live_lab, "open-lesson")
    first = server_lessons(live_lab)[0]
    page.locator("#pairlab-guide .jp-pairlab-lesson-title").first.click()
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=first["notebook"])
    expect(tab).to_be_visible()
    expect(page.locator(".jp-Notebook .jp-MarkdownOutput h1").first).to_contain_text(
        re.compile("Welcome")
    )
    page.screenshot(path=str(output_dir / "lesson-open.png"))
