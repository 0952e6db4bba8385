"""The guide for every keyboard and screen reader: axe-core in each state, live regions, shortcuts.

axe-core comes from npm (extension/package.json's devDependencies, installed by `jlpm install`);
the test injects it into the real JupyterLab page and runs it on the guide alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "extension/node_modules/axe-core/axe.min.js"


def load_axe(page: Page) -> None:
    """Put axe-core in the page once, and let it see the text JupyterLab's shell draws.

    JupyterLab's shell is positioned absolutely inside a `body` of height 0 with overflow
    hidden; axe takes that body for a clip hiding all text and skips its colour-contrast rule.
    Giving html and body the window's height changes no colour and lets the rule run.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        assert AXE.is_file(), "axe-core is missing: run `jlpm install` in extension/"
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        page.add_style_tag(content="html, body { height: 100%; }")


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the guide; return its serious and critical violations."""
    load_axe(page)
    found: dict[str, Any] = page.evaluate(
        """async () => {
            const result = await axe.run('#pairlab-guide');
            return {
                passes: result.passes.length,
                violations: result.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.html)}))
            };
        }"""
    )
    assert found["passes"] > 0  # axe ran its rules on the guide
    return list(found["violations"])


def test_the_guide_passes_axe_in_every_state_and_speaks_through_one_live_region(
    page: Page, own_lab, output_dir
):
    lab, _ = own_lab
    page.clock.install()
    page.goto(lab.url("lab/workspaces/accessible"))
    page.wait_for_selector(".jp-LauncherCard", state="visible")
    guide = page.locator("#pairlab-guide")
    live = guide.locator('.jp-pairlab-live[role="status"][aria-live="polite"]')
    expect(live).to_have_count(1)
    states = {"no session": serious_violations(page)}

    # A failed step, reached and checked by keyboard shortcut (Check the current step).
    guide.locator(".jp-pairlab-lesson-title").first.click()
    expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_be_visible()
    page.locator(".jp-Notebook").click()
    page.keyboard.press("Control+Alt+k")
    meet = guide.locator('.jp-pairlab-step[data-step-id="meet"]')
    expect(meet).to_have_attribute("data-status", "fail")
    expect(live).to_contain_text("Meet and agree roles: failed. ")
    states["a failed step"] = serious_violations(page)

    # A session running: the countdown is heard in minutes, not seconds.
    guide.locator(".jp-pairlab-start").click()
    form = guide.locator(".jp-pairlab-start-form")
    form.get_by_label("Name of person 1").fill("Ana")
    form.get_by_label("Name of person 2").fill("Eli")
    form.locator(".jp-pairlab-minutes").fill("1")
    form.get_by_role("button", name="Start").click()
    expect(guide.locator(".jp-pairlab-driver")).to_have_text("Ana (analyst)")
    expect(live).to_have_text("1 minute until Eli drives")
    page.clock.run_for(5_000)  # the visible countdown ticks; what is heard does not change
    expect(live).to_have_text("1 minute until Eli drives")
    states["session running"] = serious_violations(page)

    # Rotation due: the prompt is heard; the Rotate shortcut hands over the keyboard.
    page.clock.fast_forward("01:05")
    expect(guide.locator(".jp-pairlab-prompt")).to_contain_text("Time to rotate")
    expect(live).to_have_text("Time to rotate: Eli takes the keyboard.")
    page.clock.run_for(5_000)  # said once, not replaced by the overdue countdown
    expect(live).to_have_text("Time to rotate: Eli takes the keyboard.")
    states["rotation due"] = serious_violations(page)
    page.locator(".jp-Notebook").click()
    page.keyboard.press("Control+Alt+r")
    expect(guide.locator(".jp-pairlab-driver")).to_have_text("Eli (engineer)")

    # Facilitator mode.
    page.keyboard.press("Control+Shift+c")
    page.locator(".lm-CommandPalette-input").fill("Facilitator Mode")
    page.keyboard.press("Enter")
    expect(guide.locator(".jp-pairlab-facilitator")).to_be_visible()
    states["facilitator mode"] = serious_violations(page)
    page.screenshot(path=str(output_dir / "accessible.png"))
    assert states == {state: [] for state in states}, states
    # The same run finds a control without a name: the test can fail.
    guide.evaluate("g => g.append(Object.assign(document.createElement('input'), {type: 'text'}))")
    assert [v["id"] for v in serious_violations(page)] == ["label"]


@pytest.mark.parametrize("colours", ["none", "active"], ids=["theme", "forced-colours"])
def test_every_control_of_the_guide_shows_where_the_keyboard_is(page: Page, live_lab, colours: str):
    page.emulate_media(forced_colors=colours)  # type: ignore[arg-type]
    page.goto(live_lab.url(f"lab/workspaces/focus-{colours}"))
    page.wait_for_selector(".jp-LauncherCard", state="visible")
    start = page.locator("#pairlab-guide .jp-pairlab-start")
    start.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard: :focus-visible applies
    style = "n => getComputedStyle(n).outlineStyle + ' ' + getComputedStyle(n).outlineWidth"
    assert start.evaluate(style) == "solid 2px"


THEMES = ["JupyterLab Light", "JupyterLab Dark", "JupyterLab Dark High Contrast"]


def contrast_failures(page: Page) -> list[dict[str, Any]]:
    """Run axe-core's colour-contrast rule (WCAG AA) on the guide; return each failing node."""
    load_axe(page)
    found: dict[str, Any] = page.evaluate(
        """async () => {
            const only = {runOnly: {type: 'rule', values: ['color-contrast']}};
            const result = await axe.run('#pairlab-guide', only);
            return {
                checked: result.passes.flatMap(p => p.nodes).length,
                failing: result.violations.flatMap(v => v.nodes).map(
                    n => ({html: n.html, why: n.failureSummary}))
            };
        }"""
    )
    assert found["checked"] > 0  # the rule read the guide's text
    return list(found["failing"])


@pytest.mark.parametrize("theme", THEMES)
def test_the_guide_meets_aa_contrast_in_each_theme(page: Page, own_lab, theme: str, output_dir):
    lab, _ = own_lab
    themes = lab.root.parent / "settings/@jupyterlab/apputils-extension/themes.jupyterlab-settings"
    themes.write_text(json.dumps({"theme": theme}))  # Settings > Theme, as saved
    page.clock.install()
    page.goto(lab.url("lab/workspaces/contrast"))
    page.wait_for_selector(".jp-LauncherCard", state="visible")
    expect(page.locator("body")).to_have_attribute("data-jp-theme-name", theme)
    guide = page.locator("#pairlab-guide")
    states = {"no session": contrast_failures(page)}

    guide.locator(".jp-pairlab-lesson-title").first.click()
    expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_be_visible()
    page.locator(".jp-Notebook").click()
    page.keyboard.press("Control+Alt+k")
    expect(guide.locator('.jp-pairlab-step[data-step-id="meet"]')).to_have_attribute(
        "data-status", "fail"
    )
    states["a failed step"] = contrast_failures(page)

    guide.locator(".jp-pairlab-start").click()
    form = guide.locator(".jp-pairlab-start-form")
    form.locator(".jp-pairlab-name").nth(0).fill("Ana")
    form.locator(".jp-pairlab-name").nth(1).fill("Eli")
    form.locator(".jp-pairlab-minutes").fill("1")
    form.locator(".jp-pairlab-submit").click()
    expect(guide.locator(".jp-pairlab-driver")).to_contain_text("Ana")
    states["session running"] = contrast_failures(page)
    page.clock.fast_forward("01:05")
    expect(guide.locator(".jp-pairlab-prompt")).not_to_be_empty()
    states["rotation due"] = contrast_failures(page)

    page.locator(".jp-Notebook").click()
    page.keyboard.press("Control+Shift+c")
    page.locator(".lm-CommandPalette-input").fill("Facilitator Mode")
    page.keyboard.press("Enter")
    expect(guide.locator(".jp-pairlab-facilitator")).to_be_visible()
    states["facilitator mode"] = contrast_failures(page)
    page.screenshot(path=str(output_dir / "contrast.png"))
    assert states == {state: [] for state in states}, states
