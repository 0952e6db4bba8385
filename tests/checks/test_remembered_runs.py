"""Remembered test runs: pytest and the mutant runs are made again only when something changed.

Real pytest runs on small projects. Each project's test file appends a line to a log outside
the project when pytest imports it, so the log counts how often pytest really ran.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pairlab.checks import Result

FIXTURES = Path(__file__).resolve().parent / "fixtures"
pytestmark = pytest.mark.slow  # runs pytest in subprocesses: seconds, not milliseconds

COUNTER = (
    "from pathlib import Path as _Path\n"
    "with open(_Path(__file__).resolve().parents[2] / 'runs.log', 'a') as _log:\n"
    "    _log.write('ran\\n')\n"
)
MUTANTS = {
    "exposure off by one": {"function": "exposure_years", "old": "/ 365.0", "new": "/ 366.0"}
}


@pytest.fixture
def mode(monkeypatch, tmp_path):
    """Return a setter for PAIRLAB_CHECK_RUNS, with a cache folder of the test's own."""
    monkeypatch.setenv("PAIRLAB_CACHE_DIR", str(tmp_path / "cache"))

    def set_mode(name: str) -> None:
        monkeypatch.setenv("PAIRLAB_CHECK_RUNS", name)

    set_mode("fast")
    return set_mode


def counted(tmp_path: Path, source: Path) -> Path:
    """Copy fixture project `source` to tmp_path/project, its test file counting its runs."""
    project = tmp_path / "project"
    shutil.copytree(source, project)
    test = project / "tests" / "test_sales.py"
    test.write_text(COUNTER + test.read_text(encoding="utf-8"), encoding="utf-8")
    return project


def runs(project: Path) -> int:
    """Return how often pytest imported the project's test file."""
    log = project.parent / "runs.log"
    return len(log.read_text().splitlines()) if log.is_file() else 0


def same(a: Result, b: Result) -> None:
    """Assert two results say the same thing to the pair."""
    assert (a.status, a.message, a.details) == (b.status, b.message, b.details)


@pytest.mark.parametrize("fixture", ["tests_pass", "tests_fail"])
def test_a_remembered_run_says_what_a_cold_run_says(check, fixture, mode, tmp_path):
    project = counted(tmp_path, FIXTURES / fixture)
    mode("cold")
    cold = check(project, "tests-pass")
    mode("fast")
    first = check(project, "tests-pass")
    again = check(project, "tests-pass")
    assert runs(project) == 2, "the second fast check ran pytest again"
    same(first, cold)
    same(again, cold)
    assert cold.status == ("pass" if fixture == "tests_pass" else "fail")


@pytest.mark.parametrize(
    ("edited", "text"),
    [
        ("tests/test_sales.py", "\n\ndef test_one_sale():\n    assert net([1]) == 1\n"),
        ("sales.py", "\n\ndef gross(amounts):\n    return sum(amounts)\n"),
        ("data/refunds.csv", "-2\n"),
    ],
)
def test_editing_a_file_runs_the_tests_again(check, edited, text, mode, tmp_path):
    project = counted(tmp_path, FIXTURES / "tests_pass")
    (project / "data").mkdir()
    (project / "data" / "refunds.csv").write_text("-1\n")
    test = project / "tests" / "test_sales.py"
    reads = "\n\ndef test_refunds_are_dropped():\n"
    reads += "    assert net([3, int(open('data/refunds.csv').read().split()[0])]) == 3\n"
    test.write_text(test.read_text() + reads)
    first = check(project, "tests-pass")
    assert check(project, "tests-pass") == first and runs(project) == 1
    path = project / edited
    path.write_text(path.read_text() + text)
    after = check(project, "tests-pass")
    assert runs(project) == 2, f"editing {edited} did not run the tests again"
    assert after.status == "pass", after.message


def test_a_changed_data_file_gives_the_new_verdict(check, mode, tmp_path):
    project = counted(tmp_path, FIXTURES / "tests_pass")
    (project / "expected.txt").write_text("5\n")
    test = project / "tests" / "test_sales.py"
    reads = "\n\ndef test_net_matches_the_file():\n"
    reads += "    assert net([2, 3, -1]) == int(open('expected.txt').read())\n"
    test.write_text(test.read_text() + reads)
    assert check(project, "tests-pass").status == "pass"
    (project / "expected.txt").write_text("4\n")
    result = check(project, "tests-pass")
    assert result.status == "fail" and "test_net_matches_the_file" in result.message
    assert runs(project) == 2


@pytest.mark.parametrize("name", ["cold", "pool"])
def test_cold_and_pool_never_remember(check, name, mode, tmp_path):
    project = counted(tmp_path, FIXTURES / "tests_pass")
    mode(name)
    first = check(project, "tests-pass")
    same(check(project, "tests-pass"), first)
    assert runs(project) == 2
    assert not list((tmp_path / "cache").rglob("*.json")), "a run was remembered"


def test_a_timed_out_run_is_never_remembered(check, mode, tmp_path):
    project = counted(tmp_path, FIXTURES / "tests_pass")
    test = project / "tests" / "test_sales.py"
    test.write_text(
        test.read_text() + "\n\ndef test_slow():\n    import time\n    time.sleep(120)\n"
    )
    result = check(project, "tests-pass", timeout=8)
    assert result.status == "fail" and "longer than 8 s" in result.message
    assert not list((tmp_path / "cache").rglob("*.json")), "a timed-out run was remembered"


def _mutants_project(tmp_path: Path) -> Path:
    """Return a project whose tests catch the planted mutant, its test file counting runs."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "mutants" / "good", project)
    for shared in ("claims.py", "pyproject.toml"):
        shutil.copy(FIXTURES / "mutants" / shared, project / shared)
    test = project / "tests" / "test_claims.py"
    test.write_text(COUNTER + test.read_text(encoding="utf-8"), encoding="utf-8")
    return project


def test_mutant_runs_are_remembered_and_say_what_cold_says(check, mode, tmp_path):
    project = _mutants_project(tmp_path)
    args = {"module": "claims", "mutants": MUTANTS}
    mode("cold")
    cold = check(project, "tests-catch-mutants", **args)
    assert cold.status == "pass", cold.message
    cold_runs = runs(project)
    assert cold_runs == 2, "the baseline and the one mutant each run pytest"
    mode("fast")
    first = check(project, "tests-catch-mutants", **args)
    again = check(project, "tests-catch-mutants", **args)
    assert runs(project) == 2 * cold_runs, "the second fast check ran pytest again"
    same(first, cold)
    same(again, cold)
    # The module under test breaks: the tests run again and say so, nothing remembered.
    module = project / "claims.py"
    module.write_text(module.read_text().replace("/ 365.0", "/ 365.0 + 1"))
    broken = check(project, "tests-catch-mutants", **args)
    assert runs(project) == 2 * cold_runs + 1
    assert broken.status == "fail" and "test_a_year_of_days_is_one_year" in broken.message
