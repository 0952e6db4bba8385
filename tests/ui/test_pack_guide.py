"""A lesson pack in the lab: the guide lists its lessons beside the core's and checks its steps."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from pairlab.curriculum import new_pack
from pairlab.kits import data_product_answers, new_project
from pairlab.lessons import PACKS_ENV

pytestmark = pytest.mark.browser


@pytest.fixture
def pack_known(private_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make a pack from a kit product and make it known, as `pairlab lab --pack` does."""
    product = tmp_path / "product" / "loss-ratio"
    new_project("data-product", product, data_product_answers(product, None, "ana"), force=False)
    pack = tmp_path / "loss-lessons"
    new_pack(pack, product)
    monkeypatch.setenv(PACKS_ENV, str(pack))
    return pack


@pytest.fixture
def pack_lab(pack_known, own_lab):
    """A lab whose workspace is seeded with the core lessons and the pack (known first)."""
    return own_lab[0]


def test_the_guide_lists_a_packs_lessons_and_checks_its_step(page: Page, pack_lab, output_dir):
    assert (pack_lab.root / "loss-lessons" / "04-loss-lessons-parameterize.ipynb").is_file()
    page.goto(pack_lab.url("lab/workspaces/pack"))
    page.wait_for_selector(".jp-LauncherCard", state="visible")
    guide = page.locator("#pairlab-guide")
    expect(guide.locator('.jp-pairlab-lesson[data-lesson-id="welcome"]')).to_be_visible()
    lesson = guide.locator('.jp-pairlab-lesson[data-lesson-id="loss-lessons-parameterize"]')
    expect(lesson).to_contain_text("(2 steps)")
    lesson.locator(".jp-pairlab-lesson-title").click()
    expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle")).to_be_visible()

    step = guide.locator('.jp-pairlab-step[data-step-id="parameters"]')
    expect(guide.locator(".jp-pairlab-step")).to_have_count(2)
    step.get_by_role("button", name="Check").click()
    expect(step).to_have_attribute("data-status", "fail")
    expect(step.locator('.jp-pairlab-result[data-check-id="has-parameters"]')).to_contain_text(
        "no code cell is tagged `parameters`"
    )
    page.screenshot(path=str(output_dir / "pack-step.png"))
