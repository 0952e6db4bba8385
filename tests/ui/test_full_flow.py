"""The guide's full flow on lesson 4's learner notebook, driven through the UI as a pair would."""

import json
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from pairlab.resources import curriculum_dir

pytestmark = pytest.mark.browser

LESSON = "04-functions.ipynb"
FAILING_CELL = "04-05"  # the exploration cell the step "functions" concerns


def solution_source() -> str:
    """Return the fix a pair types: the solution version of the failing cell."""
    solution = json.loads((curriculum_dir() / "solutions" / LESSON).read_text())
    (cell,) = [c for c in solution["cells"] if c["id"] == FAILING_CELL]
    return "".join(cell["source"])


def lesson_steps(lab) -> list[str]:
    """Return the step ids the server declares for lesson 4."""
    with urllib.request.urlopen(lab.url("pairlab/lessons"), timeout=10) as response:
        lessons = json.loads(response.read())["lessons"]
    (lesson,) = [x for x in lessons if x["notebook"] == LESSON]
    return [s["id"] for s in lesson["steps"]]


def open_lesson(page: Page, lab) -> None:
    """Open lesson 4 and wait for its kernel."""
    page.goto(lab.url(f"lab/workspaces/flow/tree/{LESSON}"))
    page.wait_for_selector(".jp-Notebook .jp-CodeCell", state="visible")
    expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_be_visible()


def test_full_flow_on_lesson_4(page: Page, own_lab, output_dir):
    lab, restart = own_lab
    open_lesson(page, lab)
    steps = page.locator("#pairlab-guide .jp-pairlab-step")
    expect(steps).to_have_count(len(lesson_steps(lab)))
    step = page.locator('#pairlab-guide .jp-pairlab-step[data-step-id="functions"]')

    # Check: the shipped exploration cell is top-level code, no claims_by_line: the step fails.
    step.get_by_role("button", name="Check").click()
    expect(step).to_have_attribute("data-status", "fail")
    expect(step.locator('.jp-pairlab-result[data-check-id="uses-functions"]')).to_contain_text(
        "claims_by_line"
    )

    # The learner runs the connection cell, rewrites the exploration as a function, runs it.
    cells = page.locator(".jp-Notebook .jp-CodeCell")
    cells.nth(0).locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    exploration = cells.nth(1)
    exploration.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(solution_source())
    page.keyboard.press("Shift+Enter")
    expect(exploration.locator(".jp-OutputArea-output")).to_contain_text("product_line")
    page.keyboard.press("Control+s")

    step.get_by_role("button", name="Check").click()
    expect(step).to_have_attribute("data-status", "pass")
    page.screenshot(path=str(output_dir / "step-done.png"))

    # A session with two names: the driver is shown and Rotate swaps the roles.
    page.locator("#pairlab-guide .jp-pairlab-start").click()
    form = page.locator("#pairlab-guide .jp-pairlab-start-form")
    form.get_by_label("Name of person 1").fill("Ana")
    form.get_by_label("Name of person 2").fill("Eli")
    form.get_by_role("button", name="Start").click()
    driver = page.locator("#pairlab-guide .jp-pairlab-driver")
    expect(driver).to_have_text("Ana (analyst)")
    page.locator("#pairlab-guide .jp-pairlab-rotate").click()
    expect(driver).to_have_text("Eli (engineer)")

    # Reload, then restart the server: session, roles and step status are all still there.
    for survive in (page.reload, restart):
        survive()
        open_lesson(page, lab)
        expect(driver).to_have_text("Eli (engineer)")
        expect(step).to_have_attribute("data-status", "pass")
    page.screenshot(path=str(output_dir / "after-restart.png"))
