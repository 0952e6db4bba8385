"""A check that takes a while: the step shows its progress and a Cancel button, in a real lab."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, Request, expect

pytestmark = pytest.mark.browser

SLEEP = "import time\ntime.sleep(20)  # a slow cell: the fresh-kernel run takes a while"


@pytest.fixture(params=["cold", "fast"])
def runs(request, monkeypatch) -> str:
    """Run notebooks cold (papermill) or pooled (the default) in the lab it starts after this."""
    monkeypatch.setenv("PAIRLAB_CHECK_RUNS", request.param)
    return str(request.param)


def slow_lesson(root) -> None:
    """Put a slow first cell into lesson 0, counted as run in order, so its run takes 20 s."""
    path = root / "00-welcome.ipynb"
    nb = json.loads(path.read_text())
    cell = {"cell_type": "code", "execution_count": None, "id": "slow", "metadata": {},
            "outputs": [], "source": SLEEP}  # fmt: skip
    nb["cells"].insert(0, cell)
    count = 0
    for each in nb["cells"]:
        if each["cell_type"] == "code":
            count += 1
            each["execution_count"] = count
    path.write_text(json.dumps(nb))


def is_step_check(request: Request, step: str) -> bool:
    """Whether the browser asked the server to check `step`."""
    return (
        request.method == "POST"
        and request.url.split("?")[0].endswith("/pairlab/check")
        and (step in (request.post_data or ""))
    )


def test_a_slow_check_shows_progress_and_cancels(runs, page: Page, own_lab, output_dir):
    lab, _ = own_lab
    slow_lesson(lab.root)
    posts: list[Request] = []
    page.on("request", lambda r: posts.append(r) if is_step_check(r, "run-in-order") else None)
    page.goto(lab.url("lab/workspaces/progress"))
    page.wait_for_selector(".jp-LauncherCard", state="visible")
    page.locator("#pairlab-guide .jp-pairlab-lesson-title").first.click()
    expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_be_visible()
    step = page.locator('#pairlab-guide .jp-pairlab-step[data-step-id="run-in-order"]')
    check = step.get_by_role("button", name="Check")

    check.dblclick()  # two quick presses
    check.click(force=True)  # and a third, on the button while it runs
    progress = step.locator(".jp-pairlab-progress")
    expect(progress).to_have_text(re.compile(r"(Checking|Running cell \d+ of \d+) \(\d+ s\)"))
    if runs == "fast":  # a pooled kernel tells which cell it runs: the slow first one
        expect(progress).to_have_text(re.compile(r"Running cell 1 of \d+ \(\d+ s\)"))
    live = page.locator(".jp-pairlab-live")
    expect(live).to_contain_text("Cancel stops the check")
    first = progress.text_content()
    expect(progress).not_to_have_text(first or "")  # the seconds go on; the notebook is usable
    assert len(posts) == 1  # one run for all the presses

    # The notebook is not blocked: a cell runs in the pair's own kernel meanwhile.
    code = page.locator(".jp-Notebook .jp-CodeCell", has_text="steps_today")
    code.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    expect(code.locator(".jp-OutputArea-output")).to_contain_text("steps in this lesson")
    expect(step).to_have_attribute("data-status", "running")

    cancel = step.get_by_role("button", name="Cancel")
    cancel.focus()
    expect(cancel).to_be_focused()
    page.screenshot(path=str(output_dir / "check-progress.png"))
    page.keyboard.press("Enter")  # keyboard alone
    expect(step).to_have_attribute("data-status", "cancelled")
    expect(live).to_contain_text("check cancelled")
    expect(step.locator(".jp-pairlab-progress")).to_have_count(0)
    expect(check).to_be_focused()  # the focus stays on the step, not lost to the page
    assert len(posts) == 1
