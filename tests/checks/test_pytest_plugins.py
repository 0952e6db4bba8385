"""A check's pytest run loads the plugins the tests name, and every plugin when one is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairlab.checks._pytest_plugins import named_plugins

PLAIN = "def test_sum():\n    assert sum([1, 2]) == 3\n"
WITH_HYPOTHESIS = (
    "from hypothesis import given, strategies as st\n\n"
    "@given(st.integers())\ndef test_twice(n):\n    assert n * 2 == n + n\n"
)
# A fixture of anyio's plugin, named by no import: found only by loading every plugin.
FIXTURE_ONLY = "def test_backend(anyio_backend_name):\n    assert anyio_backend_name == 'asyncio'\n"


def _project(tmp_path: Path, test: str) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.pytest.ini_options]\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_it.py").write_text(test)
    return tmp_path


def test_plain_tests_load_none_of_the_installed_plugins(tmp_path: Path) -> None:
    project = _project(tmp_path, PLAIN)
    assert named_plugins(project, [project / "tests"]) == []


def test_a_plugin_named_by_an_import_or_in_settings_is_loaded(tmp_path: Path) -> None:
    project = _project(tmp_path, WITH_HYPOTHESIS)
    assert named_plugins(project, [project / "tests"]) == ["-p", "_hypothesis_pytestplugin"]
    (project / "tests" / "test_it.py").write_text(PLAIN)
    (project / "tests" / "conftest.py").write_text("pytest_plugins = ['anyio']\n")
    assert named_plugins(project, [project / "tests"]) == ["-p", "anyio.pytest_plugin"]


@pytest.mark.slow  # runs pytest in a subprocess: seconds, not milliseconds
@pytest.mark.parametrize(
    "test", [PLAIN, WITH_HYPOTHESIS, FIXTURE_ONLY], ids=["plain", "named", "fixture-only"]
)
def test_tests_pass_whichever_plugins_they_need(check, tmp_path: Path, test: str) -> None:
    result = check(_project(tmp_path, test), "tests-pass")
    assert result.status == "pass", result.message
    assert [d["outcome"] for d in result.details] == ["passed"]


@pytest.mark.slow
def test_a_fixture_nobody_provides_still_fails_naming_it(check, tmp_path: Path) -> None:
    result = check(_project(tmp_path, "def test_x(no_such_fixture):\n    pass\n"), "tests-pass")
    assert result.status == "fail"
    assert result.details[0]["message"] == "fixture 'no_such_fixture' not found"
    assert "no_such_fixture" in result.message
