"""`pairlab new data-product`: a real copier render that passes its checks and updates."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pairlab.catalog import load_product
from pairlab.checks import check_path
from pairlab.cli import main
from pairlab.kits import kit_repo, render
from pairlab.promote import run_product_checks
from pairlab.resources import kits_dir

LISTED = [
    "pyproject.toml",
    "src/weekly_claims/__init__.py",
    "src/weekly_claims/pipeline.py",
    "tests/test_pipeline.py",
    "tests/test_contract.py",
    "notebooks/weekly_claims.ipynb",
    "notebooks/weekly_claims.py",
    "dataproduct.yaml",
    "contracts/loss_ratio_by_region.odcs.yaml",
    ".pre-commit-config.yaml",
    ".gitattributes",
    ".github/workflows/ci.yml",
    ".gitlab-ci.yml",
    ".copier-answers.yml",
]


def new(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `pairlab new data-product ARGS`; return exit code, stdout and stderr."""
    with pytest.raises(SystemExit) as done:
        main(["new", "data-product", *args])
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` with a fixed identity and return its output."""
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Render the kit once through the CLI."""
    dest = tmp_path_factory.mktemp("new") / "weekly-claims"
    with pytest.raises(SystemExit) as done:
        main(["new", "data-product", str(dest), "--name", "Weekly claims", "--owner", "ana"])
    assert done.value.code in (0, None)
    return dest


def test_new_renders_every_file_the_issue_lists(rendered: Path):
    missing = [rel for rel in LISTED if not (rendered / rel).is_file()]
    assert not missing
    answers = yaml.safe_load((rendered / ".copier-answers.yml").read_text())
    assert answers["_commit"] and Path(answers["_src_path"]).name == "data-product"
    assert answers["product_id"] == "weekly-claims" and answers["owner"] == "ana"
    assert git(rendered, "log", "--format=%s").strip() == "Start from pairlab's data-product kit"
    assert git(rendered, "status", "--porcelain") == ""


def test_the_rendered_descriptor_and_notebook_are_valid(rendered: Path):
    product = load_product(rendered)
    assert product.owner == "ana" and product.descriptor.name == "Weekly claims"
    notebook = rendered / "notebooks/weekly_claims.ipynb"
    report = check_path(notebook, only="paired,has-parameters,lint-clean,no-secrets")
    assert [r.status for r in report.results] == ["pass"] * 4, report.to_json()
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=rendered,
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout


@pytest.mark.slow
def test_the_rendered_product_passes_every_product_check(rendered: Path, tmp_path: Path):
    copy = Path(shutil.copytree(rendered, tmp_path / "copy"))
    report = run_product_checks(copy)
    assert [r.status for r in report.results] == ["pass"] * len(report.results), report.to_json()
    assert {r.id for r in report.results} >= {"tests-pass", "contract-pass", "package-builds"}


def test_new_refuses_a_folder_that_is_not_empty(tmp_path: Path, capsys):
    (tmp_path / "notes.txt").write_text("mine\n")
    code, _, err = new(capsys, str(tmp_path))
    assert code == 2 and err.count("\n") == 1
    assert "is not empty" in err and "--force" in err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


@pytest.mark.slow
def test_copier_update_brings_kit_changes_and_keeps_the_users(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PAIRLAB_KITS_HOME", str(tmp_path / "kits"))
    kit = Path(shutil.copytree(kits_dir() / "data-product", tmp_path / "kit"))
    dest = tmp_path / "product"
    render("data-product", dest, {"owner": "ana"}, source=kit)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "start")
    readme = dest / "README.md"
    readme.write_text(readme.read_text() + "\nOur own notes.\n")
    git(dest, "commit", "-q", "-am", "notes")
    # The kit gains a file and a CI step in a later pairlab.
    (kit / "template/CONTRIBUTING.md").write_text("Run `pytest` before you push.\n")
    ci = kit / "template/.gitlab-ci.yml"
    ci.write_text(ci.read_text() + "  # kit v2\n")
    _, tag = kit_repo("data-product", source=kit)
    done = subprocess.run(
        [sys.executable, "-m", "copier", "update", "--defaults", "--quiet"],
        cwd=dest,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert (dest / "CONTRIBUTING.md").read_text() == "Run `pytest` before you push.\n"
    assert (dest / ".gitlab-ci.yml").read_text().endswith("  # kit v2\n")
    assert readme.read_text().endswith("Our own notes.\n")
    assert yaml.safe_load((dest / ".copier-answers.yml").read_text())["_commit"] == tag
