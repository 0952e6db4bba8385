"""The pairing guide in a real JupyterLab and real Chromium, at / and under a JupyterHub prefix."""

import json
import re
import urllib.request

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def open_lab(page: Page, live_lab) -> None:
    """Load the lab and wait until the application has started."""
    page.goto(live_lab.url("lab"))
    page.wait_for_selector("#jp-main-dock-panel", state="attached")
    page.wait_for_selector(".jp-LauncherCard", state="visible")


def server_lessons(live_lab) -> list[dict]:
    """Ask the server for the lessons, as the guide does."""
    with urllib.request.urlopen(live_lab.url("pairlab/lessons"), timeout=10) as response:
        return json.loads(response.read())["lessons"]


def test_guide_lists_the_server_lessons(page: Page, live_lab, output_dir):
    open_lab(page, live_lab)
    tab = page.locator('.jp-SideBar [data-id="pairlab-guide"]')
    expect(tab).to_have_attribute("title", "Pairing guide")
    tab.click()

    guide = page.locator("#pairlab-guide")
    expect(guide).to_be_visible()
    expect(guide.locator("h2")).to_have_text("Pairing guide")
    lessons = server_lessons(live_lab)
    items = guide.locator(".jp-pairlab-lesson")
    expect(items).to_have_count(len(lessons))
    for item, lesson in zip(items.all(), lessons, strict=True):
        expect(item).to_have_attribute("data-lesson-id", lesson["id"])
        expect(item.locator(".jp-pairlab-lesson-title")).to_have_text(lesson["title"])
    page.screenshot(path=str(output_dir / "guide.png"))


def test_launcher_card_opens_the_guide(page: Page, live_lab):
    open_lab(page, live_lab)
    card = page.locator(".jp-LauncherCard", has_text="Start a pairing session")
    expect(card).to_have_count(1)
    expect(page.locator("#pairlab-guide")).to_be_hidden()
    card.click()
    expect(page.locator("#pairlab-guide")).to_be_visible()


def test_clicking_a_lesson_opens_its_notebook(page: Page, live_lab, output_dir):
    open_lab(page, live_lab)
    page.locator('.jp-SideBar [data-id="pairlab-guide"]').click()
    first = server_lessons(live_lab)[0]
    page.locator("#pairlab-guide .jp-pairlab-lesson-title").first.click()
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=first["notebook"])
    expect(tab).to_be_visible()
    expect(page.locator(".jp-Notebook .jp-MarkdownOutput h1").first).to_contain_text(
        re.compile("Welcome")
    )
    page.screenshot(path=str(output_dir / "lesson-open.png"))
