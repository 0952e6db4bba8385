"""tests-pass runs real pytest; nbdime-configured reads a real git repository's settings."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from pairlab.checks import run_checks, select


@pytest.mark.slow  # runs pytest in a subprocess: seconds, not milliseconds
def test_tests_pass_on_a_passing_project(check, fixtures):
    result = check(fixtures / "tests_pass/analysis.ipynb", "tests-pass")
    assert result.status == "pass", result.message
    assert {d["outcome"] for d in result.details} == {"passed"} and len(result.details) == 2


@pytest.mark.slow  # runs pytest in a subprocess: seconds, not milliseconds
def test_tests_pass_fails_with_a_per_test_summary(check, fixtures):
    result = check(fixtures / "tests_fail", "tests-pass")
    assert result.status == "fail"
    assert "1 of 2" in result.message and "test_net_drops_refunds" in result.message
    outcomes = {d["test"].split("::")[-1]: d["outcome"] for d in result.details}
    assert outcomes == {"test_net_drops_refunds": "failed", "test_net_of_nothing": "passed"}
    assert "assert 5 == 4" in result.details[0]["message"]


@pytest.mark.slow  # runs pytest in a subprocess: seconds, not milliseconds
def test_tests_pass_leaves_no_cache_in_the_project(check, fixtures):
    check(fixtures / "tests_pass", "tests-pass")
    assert not (fixtures / "tests_pass/.pytest_cache").exists()
    assert not list((fixtures / "tests_pass").rglob("__pycache__"))


@pytest.mark.slow  # runs pytest in a subprocess: seconds, not milliseconds
def test_tests_pass_reports_a_test_file_that_does_not_import(check, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.pytest.ini_options]\n")
    (tmp_path / "test_typo.py").write_text("from salse import net\n\ndef test_x():\n    pass\n")
    result = check(tmp_path, "tests-pass")
    assert result.status == "fail" and "salse" in result.message


def test_tests_pass_asked_for_without_tests_fails(check, fixtures):
    result = check(fixtures / "no_tests", "tests-pass")
    assert result.status == "fail" and "test_" in result.message


def test_tests_pass_is_skipped_where_no_tests_exist(fixtures):
    chosen = [s for s in select() if s.check.id in ("tests-pass", "in-order")]
    report = run_checks(fixtures / "no_tests", chosen)
    assert [r.id for r in report.results] == ["in-order"]
    assert report.skipped == [{"id": "tests-pass", "reason": "no tests found"}]


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """Return a fresh git repository that sees neither this machine's global nor system config."""
    empty = tmp_path / "empty-gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    root = tmp_path / "product"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_nbdime_configured_after_nbdime_config_git(check, repo):
    subprocess.run([sys.executable, "-m", "nbdime", "config-git", "--enable"], cwd=repo, check=True)
    assert check(repo, "nbdime-configured").status == "pass"


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_nbdime_not_configured_in_a_fresh_clone(check, repo):
    result = check(repo, "nbdime-configured")
    assert result.status == "fail" and "nbdime config-git --enable" in result.message


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_nbdime_attributes_committed_but_drivers_missing(check, repo):
    # A teammate committed .gitattributes; this clone never ran `nbdime config-git`.
    (repo / ".gitattributes").write_text("*.ipynb diff=jupyternotebook merge=jupyternotebook\n")
    result = check(repo, "nbdime-configured")
    assert result.status == "fail" and "diff.jupyternotebook.command" in result.message


def test_nbdime_outside_git_fails_when_asked_and_is_skipped_otherwise(check, tmp_path):
    assert check(tmp_path, "nbdime-configured").status == "fail"
    report = run_checks(tmp_path, [s for s in select() if s.check.id == "nbdime-configured"])
    assert report.results == [] and report.skipped[0]["reason"] == "not in a git repository"
