"""docs/steps.md documents every registered check and every argument it accepts."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairlab.checks import registry

DOCS = (Path(__file__).resolve().parents[2] / "docs" / "steps.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("check", list(registry), ids=lambda c: c.id)
def test_every_check_and_argument_is_documented(check):
    assert f"### `{check.id}`" in DOCS
    section = DOCS.split(f"### `{check.id}`", 1)[1].split("\n### ", 1)[0]
    for name in check.params:
        assert f"`{name}`" in section, f"{check.id}: argument {name} is not documented"
