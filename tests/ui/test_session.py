"""A pairing session in the guide, driven through the UI as a pair would."""

import json
import urllib.request

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def open_lab(page: Page, url: str, ready: str = ".jp-LauncherCard") -> None:
    """Load the lab and wait until `ready` and the guide are on screen."""
    page.goto(url)
    page.wait_for_selector(ready, state="visible")
    expect(page.locator("#pairlab-guide")).to_be_visible()


def start_session(
    page: Page, people: list[tuple[str, str]], minutes: int = 15, via_launcher: bool = True
) -> None:
    """Fill the start form (opened from the launcher card unless already open), as a pair does."""
    if via_launcher:
        page.locator(".jp-LauncherCard", has_text="Start a pairing session").click()
    form = page.locator("#pairlab-guide .jp-pairlab-start-form")
    for _ in range(len(people) - 2):
        form.get_by_role("button", name="Add a person").click()
    for i, (name, role) in enumerate(people, start=1):
        form.get_by_label(f"Name of person {i}").fill(name)
        form.get_by_label(f"Role of person {i}").select_option(role)
    form.locator(".jp-pairlab-minutes").fill(str(minutes))
    form.get_by_role("button", name="Start").click()


def driver(page: Page):
    return page.locator("#pairlab-guide .jp-pairlab-driver")


def export(lab) -> dict:
    """Return the export of the lab's only session."""
    with urllib.request.urlopen(lab.url("pairlab/sessions"), timeout=10) as response:
        (session,) = json.loads(response.read())["sessions"]
    with urllib.request.urlopen(lab.url(f"pairlab/sessions/{session['id']}/export")) as response:
        return json.loads(response.read())


def test_session_survives_reload_and_server_restart(page: Page, own_lab, output_dir):
    lab, restart = own_lab
    open_lab(page, lab.url("lab/workspaces/session"))
    start_session(page, [("Ana", "analyst"), ("Eli", "engineer")])
    expect(driver(page)).to_have_text("Ana (analyst)")
    expect(page.locator(".jp-pairlab-navigators")).to_have_text("Eli (engineer)")
    expect(page.locator(".jp-pairlab-countdown")).to_contain_text("until Eli drives")

    page.locator(".jp-pairlab-rotate").click()
    expect(driver(page)).to_have_text("Eli (engineer)")
    page.screenshot(path=str(output_dir / "session.png"))

    page.reload()
    expect(driver(page)).to_have_text("Eli (engineer)")

    restart()
    open_lab(page, lab.url("lab/workspaces/session"))
    expect(driver(page)).to_have_text("Eli (engineer)")
    kinds = [e["kind"] for e in export(lab)["events"]]
    assert kinds == ["session-started", "rotated"]


def test_start_needs_two_names(page: Page, live_lab):
    open_lab(page, live_lab.url("lab/workspaces/one-name"))
    start_session(page, [("Ana", "analyst"), ("", "engineer")])
    expect(page.locator("#pairlab-guide .jp-pairlab-error")).to_have_text(
        "Add at least two people: Ana needs someone to pair with."
    )
    expect(driver(page)).to_have_count(0)


def test_rotation_prompt_once_when_due(page: Page, own_lab):
    lab, _ = own_lab
    page.clock.install()
    open_lab(page, lab.url("lab/workspaces/prompt"))
    start_session(page, [("Ana", "analyst"), ("Eli", "engineer"), ("Kim", "analyst")], 1)
    prompt = page.locator("#pairlab-guide .jp-pairlab-prompt")
    expect(prompt).to_be_empty()

    page.clock.fast_forward("01:05")
    expect(prompt).to_contain_text("Time to rotate: Eli takes the keyboard.")
    # A notification says it too, outside the sidebar, and stays until the pair rotates.
    toast = page.locator(".Toastify__toast", has_text="Time to rotate: Eli takes the keyboard.")
    expect(toast).to_be_visible()
    page.clock.fast_forward("00:30")
    expect(toast).to_be_visible()
    toast.get_by_role("button", name="Rotate now").click()
    expect(driver(page)).to_have_text("Eli (engineer)")
    expect(toast).to_have_count(0)
    expect(prompt).to_be_empty()
    kinds = [e["kind"] for e in export(lab)["events"]]
    assert kinds.count("rotation-prompted") == 1
    assert kinds.count("rotated") == 1


def test_cell_runs_are_attributed_to_the_driver(page: Page, own_lab, write_notebook):
    lab, _ = own_lab
    name = write_notebook(lab.root, "scratch.ipynb", "print('hello')")
    open_lab(page, lab.url(f"lab/workspaces/attribution/tree/{name}"), ".jp-Notebook")
    page.locator("#pairlab-guide .jp-pairlab-start").click()
    start_session(page, [("Ana", "analyst"), ("Eli", "engineer")], via_launcher=False)
    expect(driver(page)).to_have_text("Ana (analyst)")
    expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_be_visible()
    code = page.locator(".jp-Notebook .jp-CodeCell").first
    code.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    expect(code.locator(".jp-OutputArea-output")).to_have_text("hello")

    page.locator(".jp-pairlab-rotate").click()
    expect(driver(page)).to_have_text("Eli (engineer)")
    code.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\nraise ValueError('typo')")
    page.keyboard.press("Shift+Enter")
    expect(code.locator(".jp-OutputArea-output").last).to_contain_text("ValueError")

    def runs() -> list[dict]:
        return [e["data"] for e in export(lab)["events"] if e["kind"] == "cell-executed"]

    for _ in range(50):
        if len(runs()) == 2:
            break
        page.wait_for_timeout(200)
    assert [(r["user"], r["success"], r["path"], r["cell"]) for r in runs()] == [
        ("Ana", True, name, "c1"),
        ("Eli", False, name, "c1"),
    ]


def test_facilitator_mode_shows_notes_and_summary(page: Page, live_lab):
    open_lab(page, live_lab.url("lab/workspaces/facilitator"))
    notes = page.locator("#pairlab-guide .jp-pairlab-facilitator-notes")
    expect(notes).to_have_count(0)
    page.keyboard.press("Control+Shift+c")
    page.locator(".lm-CommandPalette-input").fill("Facilitator Mode")
    page.keyboard.press("Enter")
    expect(notes.first).to_contain_text("Keep the first rotation short")
    expect(page.locator("#pairlab-guide .jp-pairlab-facilitator")).to_be_visible()
