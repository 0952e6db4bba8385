"""Promote's last stage runs the product's own CI from a fresh clone; a failure says where and how.

The product here is the data-product kit's example, a real git repository; the green path of
every step is the corpus's (test_corpus.py), so these tests stop early on purpose.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from promote_helpers import tree

from pairlab.promote._ci import _tree_clean, fresh_clone, run_ci, workflow_steps

IDENT = ["-c", "user.name=t", "-c", "user.email=t@localhost"]


def git(cwd: Path, *args: str) -> str:
    """Run git in `cwd` and return its output."""
    done = subprocess.run(["git", *IDENT, *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def product(kit_repo: Path, tmp_path: Path) -> Path:
    """Return a private copy of the kit's repository."""
    return Path(shutil.copytree(kit_repo, tmp_path / "product"))


def test_the_steps_are_the_workflow_s_own_commands(product: Path):
    steps = {s.name: s.script for s in workflow_steps(product) if not s.skip}
    assert steps["Lint"] == "ruff check . && ruff format --check src tests"
    assert steps["Tests (unit, characterization, contract)"] == "pytest"
    assert "papermill" in steps["Notebooks through papermill"]
    # Publishing is a deployment on the default branch: left to CI, and said so.
    publish = [s for s in workflow_steps(product) if "publish" in s.script]
    assert publish and all(s.skip.startswith("job `publish` runs only if ") for s in publish)


def test_a_lint_failure_names_the_step_file_line_and_fix_and_leaves_the_product_alone(
    product: Path,
):
    pipeline = next(product.glob("src/*/pipeline.py"))
    pipeline.write_text(
        pipeline.read_text() + "\n\ndef pairs(a, b):\n    return list(zip(a, b))\n"
    )  # an uncommitted edit: the clone carries what git would commit
    before = tree(product)
    status = git(product, "status", "--porcelain")
    run = run_ci(product)
    lint = run.results[-1]
    assert [r.status for r in run.results] == ["pass", "fail"]
    assert lint.id == "ci: Lint"
    rel = pipeline.relative_to(product).as_posix()
    line = len(pipeline.read_text().splitlines())
    assert (
        f"{rel} line {line} (`pairs`): B905 `zip()` without an explicit `strict=`" in lint.message
    )
    assert "fix: pass `strict=True` to zip()" in lint.message and "\n" not in lint.message
    not_run = {s["id"] for s in run.skipped if s["reason"] == "not run: `Lint` failed first"}
    assert not_run == {
        "ci: Tests (unit, characterization, contract)",
        "ci: Contract test against the embedded warehouse",
        "ci: Notebooks through papermill",
    }
    assert tree(product) == before and git(product, "status", "--porcelain") == status


def test_the_clone_holds_what_git_would_commit_and_nothing_ignored(product: Path, tmp_path: Path):
    (product / "notes.md").write_text("new, not committed yet\n")
    (product / "build").mkdir()
    (product / "build/out.csv").write_text("ignored\n")
    (product / "README.md").unlink()
    clone = fresh_clone(product, tmp_path / "ci")
    assert (clone / "notes.md").read_text() == "new, not committed yet\n"
    assert not (clone / "build").exists() and not (clone / "README.md").exists()
    assert git(clone, "status", "--porcelain") == ""


@pytest.mark.slow
def test_a_failing_test_names_its_file_line_and_test(product: Path):
    (product / "tests/test_sums.py").write_text(
        "def test_sum_of_shares():\n    assert sum([0.5, 0.25]) == 1\n"
    )
    run = run_ci(product)
    tests = run.results[-1]
    assert tests.id == "ci: Tests (unit, characterization, contract)" and tests.status == "fail"
    assert "tests/test_sums.py line 2: AssertionError" in tests.message
    assert "in tests/test_sums.py::test_sum_of_shares" in tests.message
    assert "fix: run `pytest -x` in the product" in tests.message


def test_an_output_the_run_leaves_in_the_tree_fails_naming_it(product: Path, tmp_path: Path):
    clone = fresh_clone(product, tmp_path / "ci")
    (clone / "notebooks/summary.csv").write_text("region,total\n")  # as a notebook would
    found = _tree_clean(clone)
    assert found.status == "fail"
    assert found.message == (
        "the run left notebooks/summary.csv in the tree; fix: add it to .gitignore, or write "
        "the notebook's outputs under build/"
    )
