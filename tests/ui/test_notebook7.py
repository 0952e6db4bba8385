"""The guide in Jupyter Notebook 7's notebook view (same server, same prebuilt extension)."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.browser


def show_or_hide_the_guide(page: Page) -> None:
    """Click View > Left Sidebar > Show Pairing guide, as lesson 0 tells Notebook 7 users.

    Notebook 7 adds the Left Sidebar submenu once the page has restored, and redraws its menu
    bar as it does: a View menu opened before that lacks the submenu, or closes under the
    pointer. So the whole path is tried again until the item is clicked.
    """
    submenu = page.locator(".lm-Menu-item", has_text="Left Sidebar")
    deadline = time.monotonic() + 60
    while True:
        page.locator(".lm-MenuBar-item", has_text="View").click()
        try:
            submenu.wait_for(state="visible", timeout=1000)  # a menu opens at once, or lacks it
            submenu.hover(timeout=2000)
            page.locator(".lm-Menu-item", has_text="Show Pairing guide").click(timeout=2000)
            return
        except PlaywrightTimeout:
            assert time.monotonic() < deadline, "Notebook 7's View menu never showed the guide"
            page.keyboard.press("Escape")


def test_notebook_7_shows_the_guide_beside_a_lesson_and_checks_a_step(
    page: Page, own_lab, output_dir
):
    lab, _ = own_lab  # a fresh workspace: the guide shows itself the first time, as in JupyterLab
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "pairlab" in m.text else None)
    page.goto(lab.url("tree"))
    expect(page.get_by_text("00-welcome.ipynb")).to_be_visible()
    page.goto(lab.url("notebooks/00-welcome.ipynb"))
    expect(page.locator(".jp-Notebook .jp-CodeCell").first).to_be_visible()
    guide = page.locator("#pairlab-guide")
    expect(guide).to_be_visible()
    show_or_hide_the_guide(page)
    expect(guide).to_be_hidden()
    show_or_hide_the_guide(page)
    expect(guide).to_be_visible()
    expect(guide.locator(".jp-pairlab-steps h3")).to_contain_text("Welcome: how to pair here")
    meet = guide.locator('.jp-pairlab-step[data-step-id="meet"]')
    meet.get_by_role("button", name="Check").click()
    expect(meet).to_have_attribute("data-status", "fail")
    expect(meet.locator('.jp-pairlab-result[data-check-id="in-order"]')).to_contain_text(
        "no code cell has run yet"
    )
    # The session and its rotation work here as in JupyterLab.
    guide.locator(".jp-pairlab-start").click()
    form = guide.locator(".jp-pairlab-start-form")
    for i, (name, role) in enumerate([("Ana", "analyst"), ("Eli", "engineer")], start=1):
        form.get_by_label(f"Name of person {i}").fill(name)
        form.get_by_label(f"Role of person {i}").select_option(role)
    form.get_by_role("button", name="Start").click()
    expect(guide.locator(".jp-pairlab-driver")).to_have_text("Ana (analyst)")
    expect(guide.locator(".jp-pairlab-countdown")).to_contain_text("until Eli drives")
    guide.locator(".jp-pairlab-rotate").click()
    expect(guide.locator(".jp-pairlab-driver")).to_have_text("Eli (engineer)")
    page.screenshot(path=str(output_dir / "notebook7-guide.png"))
    assert not [e for e in errors if "failed to activate" in e], errors
