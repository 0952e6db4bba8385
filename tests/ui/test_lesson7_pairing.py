"""Lesson 7 through JupyterLab's real Jupytext command: the command the lesson names exists,
pairing and saving turns `pair` green, and it stays green across later saves from the browser."""

import json
import re
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from pairlab.resources import curriculum_dir

pytestmark = pytest.mark.browser

NOTEBOOK = "07-pair-and-version.ipynb"


def named_command() -> str:
    """Return the palette command lesson 7's text tells the pair to run."""
    text = (curriculum_dir() / "source" / "07-pair-and-version.py").read_text()
    found = re.search(r"run \*\*(.+?)\*\* \(Jupytext", text)
    assert found, "lesson 7 no longer names the palette command it asks for"
    return found.group(1)


def run_from_palette(page: Page, label: str) -> None:
    """Run the palette command whose label is exactly `label`, as a pair would."""
    page.keyboard.press("Control+Shift+C")
    palette = page.locator(".lm-CommandPalette")
    palette.locator("input").fill(label)
    active = palette.locator(".lm-CommandPalette-item.lm-mod-active .lm-CommandPalette-itemLabel")
    expect(active).to_have_text(label)  # the lesson names a command that exists
    page.keyboard.press("Enter")


def stored(lab) -> dict:
    """Return the server's stored verdict of lesson 7's `pair` step."""
    url = lab.url(f"pairlab/steps?path={urllib.parse.quote(NOTEBOOK)}")
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())["steps"].get("pair-and-version/pair", {})


def check_pair(page: Page, lab, after: float = 0.0) -> None:
    """Press Check on `pair` and wait for a verdict newer than `after`: it must be a pass."""
    step = page.locator('#pairlab-guide .jp-pairlab-step[data-step-id="pair"]')
    step.get_by_role("button", name="Check").click()
    for _ in range(120):
        if stored(lab).get("updated_at", 0) > after:
            break
        page.wait_for_timeout(500)
    verdict = stored(lab)
    assert verdict.get("updated_at", 0) > after, "the Check never ran"
    assert verdict["status"] == "pass", verdict
    expect(step).to_have_attribute("data-status", "pass")


def test_lesson_7_paired_through_the_real_command_stays_green(page: Page, own_lab, output_dir):
    lab, _ = own_lab
    page.goto(lab.url(f"lab/workspaces/lesson7/tree/{NOTEBOOK}"))
    expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_be_visible()
    page.locator(".jp-Notebook .jp-Cell").first.click()

    run_from_palette(page, named_command())
    page.keyboard.press("Control+s")
    script = lab.root / "07-pair-and-version.py"
    for _ in range(60):
        if script.is_file():
            break
        page.wait_for_timeout(500)
    assert script.is_file(), "saving the paired notebook wrote no percent script"
    assert "# %%" in script.read_text()
    # Jupytext's command writes `auto:percent`, the pairing the `paired` check once misread.
    formats = json.loads((lab.root / NOTEBOOK).read_text())["metadata"]["jupytext"]["formats"]
    assert formats == "ipynb,auto:percent"
    check_pair(page, lab)
    page.screenshot(path=str(output_dir / "paired.png"))
    first = stored(lab)["updated_at"]

    # The pair edits a cell and saves again from the browser: the twin follows, still green.
    code = page.locator(".jp-Notebook .jp-CodeCell").first
    code.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("\n# checked twice")
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    for _ in range(60):
        if "# checked twice" in script.read_text():
            break
        page.wait_for_timeout(500)
    assert "# checked twice" in script.read_text()
    check_pair(page, lab, after=first)
