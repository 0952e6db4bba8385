"""The guide's steps on a lesson notebook: check, fix through the UI, save, done; kept on reload."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def open_lesson(page: Page, url: str) -> None:
    """Load the lab and open the first lesson from the guide."""
    page.goto(url)
    page.wait_for_selector(".jp-LauncherCard", state="visible")
    page.locator("#pairlab-guide .jp-pairlab-lesson-title").first.click()
    expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_be_visible()


def step(page: Page, step_id: str):
    return page.locator(f'#pairlab-guide .jp-pairlab-step[data-step-id="{step_id}"]')


def test_a_step_turns_done_only_when_its_checks_pass(page: Page, own_lab, output_dir):
    lab, _ = own_lab
    open_lesson(page, lab.url("lab/workspaces/steps"))
    steps = page.locator("#pairlab-guide .jp-pairlab-step")
    expect(steps).to_have_count(2)
    expect(page.locator("#pairlab-guide .jp-pairlab-steps h3")).to_contain_text(
        "Welcome: how to pair here"
    )
    meet = step(page, "meet")
    hint = meet.locator(".jp-pairlab-step-hint")
    expect(hint).to_be_hidden()
    meet.get_by_role("button", name="Hint").click()
    expect(hint).to_be_visible()

    meet.get_by_role("button", name="Check").click()
    expect(meet).to_have_attribute("data-status", "fail")
    expect(meet.locator('.jp-pairlab-result[data-check-id="in-order"]')).to_contain_text(
        "no code cell has run yet"
    )

    # Running the cell with the example names is not meeting: the step stays red.
    code = page.locator(".jp-Notebook .jp-CodeCell").first
    code.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    expect(code.locator(".jp-OutputArea-output")).to_contain_text("Ana (analyst) drives first")
    page.keyboard.press("Control+s")
    expect(meet.locator('.jp-pairlab-result[data-check-id="names-changed"]')).to_contain_text(
        "Ana (analyst)"
    )
    expect(meet).to_have_attribute("data-status", "fail")

    # The pair writes their own names, runs the cell and saves; the guide re-checks on save.
    code.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(
        'pair = {"driver": "Maria (analyst)", "navigator": "Jon (engineer)"}\n'
        'print(pair["driver"], "drives first,", pair["navigator"], "navigates")'
    )
    page.keyboard.press("Shift+Enter")
    expect(code.locator(".jp-OutputArea-output")).to_contain_text("Maria (analyst) drives first")
    page.keyboard.press("Control+s")
    expect(meet).to_have_attribute("data-status", "pass")
    # The guide's own save (a check of the first save still running) never raced this one.
    expect(page.get_by_text("File Changed")).to_have_count(0)
    page.screenshot(path=str(output_dir / "step-done.png"))

    page.reload()
    page.wait_for_selector(".jp-LauncherCard, .jp-Notebook", state="visible")
    expect(step(page, "meet")).to_have_attribute("data-status", "pass")
    expect(step(page, "run-in-order")).to_have_attribute("data-status", "unchecked")


def test_clicking_a_step_highlights_its_cells(page: Page, own_lab):
    lab, _ = own_lab
    open_lesson(page, lab.url("lab/workspaces/highlight"))
    meet = step(page, "meet")
    meet.get_by_role("button", name="Check").click()
    expect(meet).to_have_attribute("data-status", "fail")
    meet.locator(".jp-pairlab-step-title").click()
    highlighted = page.locator(".jp-Notebook .jp-Cell.jp-pairlab-highlight")
    expect(highlighted).to_have_count(1)
    expect(highlighted).to_contain_text("rotation_minutes = 15")


def test_a_failed_result_takes_the_pair_to_its_cell(page: Page, own_lab):
    lab, _ = own_lab
    open_lesson(page, lab.url("lab/workspaces/jump"))
    meet = step(page, "meet")
    meet.get_by_role("button", name="Check").click()
    result = meet.locator('.jp-pairlab-result[data-check-id="names-changed"]')
    expect(result).to_contain_text("cell ")  # named by its visible position
    page.locator(".jp-Notebook .jp-Cell").last.click()  # the pair is elsewhere in the notebook
    result.click()
    active = page.locator(".jp-Notebook .jp-Cell.jp-mod-active")
    expect(active).to_contain_text("Ana (analyst)")
    expect(active).to_have_class(re.compile("jp-pairlab-highlight"))


def test_other_notebooks_get_the_practice_checks(page: Page, own_lab):
    lab, _ = own_lab
    (lab.root / "scratch.ipynb").write_text(
        '{"cells": [{"cell_type": "code", "execution_count": null, "id": "a1", "metadata": {},'
        ' "outputs": [], "source": ["import os\\n", "password = \\"hunter2\\"\\n"]}],'
        ' "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",'
        ' "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}'
    )
    page.goto(lab.url("lab/workspaces/practice/tree/scratch.ipynb"))
    practice = page.locator("#pairlab-guide .jp-pairlab-practice")
    expect(page.locator("#pairlab-guide .jp-pairlab-steps h3")).to_have_text("Practice checks")
    practice.get_by_role("button", name="Check").click()
    expect(practice).to_have_attribute("data-status", "fail")
    for check in ("no-secrets", "lint-clean"):
        result = practice.locator(f'.jp-pairlab-result[data-check-id="{check}"]')
        expect(result).to_have_class(re.compile(r"\bjp-pairlab-status-fail\b"))


def test_empty_state_says_what_to_do(page: Page, live_lab):
    page.goto(live_lab.url("lab/workspaces/empty"))
    page.wait_for_selector(".jp-LauncherCard", state="visible")
    expect(page.locator("#pairlab-guide .jp-pairlab-steps .jp-pairlab-empty")).to_contain_text(
        "Open a lesson"
    )
