"""runs-top-to-bottom in real kernels through papermill; one kernel start per test."""

from __future__ import annotations

import shutil

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.kernel]


def test_runs_a_clean_notebook(check, fixtures):
    result = check(fixtures / "runs/pass.ipynb", "runs-top-to-bottom")
    assert result.status == "pass", result.message


def test_fails_on_a_name_only_the_old_kernel_knew(check, fixtures):
    result = check(fixtures / "runs/fail.ipynb", "runs-top-to-bottom")
    assert result.status == "fail" and result.cells == ("c2",)
    assert "NameError" in result.message and "sales" in result.message


def test_injects_parameters_into_a_copy_only(check, fixtures, tmp_path):
    path = tmp_path / "needs_region.ipynb"
    shutil.copy(fixtures / "runs/needs_region.ipynb", path)
    before = path.read_bytes()
    result = check(path, "runs-top-to-bottom", parameters={"region": "north"})
    assert result.status == "pass", result.message
    assert path.read_bytes() == before  # the learner's file is never written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["needs_region.ipynb"]


def test_without_its_parameter_the_notebook_fails(check, fixtures):
    result = check(fixtures / "runs/needs_region.ipynb", "runs-top-to-bottom")
    assert result.status == "fail" and "run me with a region" in result.message


def test_a_kernel_that_is_not_installed_is_an_error(check, fixtures):
    result = check(fixtures / "runs/r_kernel.ipynb", "runs-top-to-bottom")
    assert result.status == "error" and "'ir' is not installed" in result.message
