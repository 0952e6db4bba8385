"""Check tests: each check against fixtures a learner would produce (tests/checks/fixtures)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pairlab.checks import Result, Selected, registry, run_checks

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The fixture projects hold their own test files; they are run by tests-pass, not collected here.
collect_ignore_glob = ["fixtures/*"]

Run = Callable[..., Result]


def run_one(path: Path, check_id: str, **args: Any) -> Result:
    """Run one check (as a step asking for it by name would) and return its only result."""
    check = registry.get(check_id)
    report = run_checks(path, [Selected(check, check.validate_args(args), True)])
    assert len(report.results) == 1, report.to_json()
    return report.results[0]


@pytest.fixture
def check() -> Run:
    """Return `run_one`: check(path, check_id, **args) -> Result."""
    return run_one


@pytest.fixture
def fixtures() -> Path:
    """Return the fixtures folder."""
    return FIXTURES
