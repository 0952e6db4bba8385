"""Lesson 9's Check reuses the pair's own promote while lesson 8's notebook is unchanged.

The fresh run of lesson 9 runs the pair's promote cell again in a scratch copy of the folder;
the product the pair promoted is there, with promote's record, so promote prints the checked
result instead of promoting from scratch. Lesson 8's notebook edited since: promote runs again
and the step fails as a fresh promote does.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pairlab.checks import Selected, registry, run_checks, run_step

pytestmark = [pytest.mark.slow, pytest.mark.kernel]


@pytest.fixture
def lesson9(solutions, tmp_path: Path) -> Path:
    """Return a private copy of lesson 9's executed solution folder (its product inside)."""
    folder = shutil.copytree(solutions.folder / "09-promote", tmp_path / "09-promote")
    return Path(folder) / "09-promote.ipynb"


def test_an_unchanged_notebook_reuses_the_pairs_promote_in_the_fresh_run(lesson9: Path):
    check = registry.get("answers-match")
    args = {"through": "step:promote", "expect": {"'not run again' in done.stdout": "True"}}
    report = run_checks(lesson9, [Selected(check, check.validate_args(args), True)])
    assert [r.status for r in report.results] == ["pass"], report.to_json()
    assert run_step(lesson9, "promote/promote").verdict == "pass"


def test_lesson_eight_edited_after_the_promote_is_promoted_again_and_fails(lesson9: Path):
    source = lesson9.parent / "08-parameterize.ipynb"
    data = json.loads(source.read_text())
    cell = next(c for c in data["cells"] if "parameters" in c["metadata"].get("tags", []))
    cell["source"] = "".join(cell["source"]) + "\nsample = undefined_rows"
    source.write_text(json.dumps(data))
    result = run_step(lesson9, "promote/promote")
    assert result.verdict == "fail", result.to_json()
    assert "promote stopped" in json.dumps(result.to_json())
