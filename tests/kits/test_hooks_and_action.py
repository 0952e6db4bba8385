"""pairlab's pre-commit hooks and GitHub Action, run for real on a rendered data product.

The hooks are `language: system` (they run the pairlab installed where one commits), so
pre-commit here runs this venv's `pairlab`: the tests put its bin folder first on PATH.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from pairlab.cli import main
from pairlab.promote._ci import SHELL, fresh_clone

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
IDENT = ["-c", "user.name=t", "-c", "user.email=t@localhost"]


def git(cwd: Path, *args: str) -> str:
    """Run git in `cwd` and return its output."""
    done = subprocess.run(["git", *IDENT, *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Render the data-product kit once through the CLI (a git repository with one commit)."""
    dest = tmp_path_factory.mktemp("hooks") / "weekly-claims"
    with pytest.raises(SystemExit) as done:
        main(["new", "data-product", str(dest), "--name", "Weekly claims", "--owner", "ana"])
    assert done.value.code in (0, None)
    return dest


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Return a git repository holding this checkout's hooks file, and its commit.

    pre-commit clones a hook repository at a commit; the hooks file is all a system hook needs,
    so the test does not clone the whole checkout (and other people's work in progress).
    """
    repo = tmp_path_factory.mktemp("pairlab-hooks")
    shutil.copy(ROOT / ".pre-commit-hooks.yaml", repo / ".pre-commit-hooks.yaml")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hooks")
    return repo, git(repo, "rev-parse", "HEAD")


def pre_commit(cwd: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run pre-commit in `cwd` with this venv's tools first on PATH and a private cache."""
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", "")]),
        "PRE_COMMIT_HOME": str(home),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    return subprocess.run(
        [str(BIN / "pre-commit"), *args], cwd=cwd, env=env, capture_output=True, text=True
    )


def practice_notebook(extra_import: str) -> dict[str, object]:
    """Return a working notebook that passes the practice set, with `extra_import` on top."""

    def code(n: int, source: str, tags: list[str] | None = None) -> dict[str, object]:
        meta = {"tags": tags} if tags else {}
        return {
            "cell_type": "code",
            "execution_count": n,
            "id": f"c{n}",
            "metadata": meta,
            "outputs": [],
            "source": source,
        }

    cells = [
        code(1, "year = 2024", ["parameters"]),
        code(2, f"{extra_import}import math\n"),
        code(3, "def doubled(value: float) -> float:\n    return math.floor(value) * 2\n"),
        code(4, "total = doubled(year)\n"),
    ]
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def test_try_repo_fails_on_an_unused_import_and_passes_after_the_fix(
    rendered: Path, hooks_repo: tuple[Path, str], tmp_path: Path
):
    product = Path(shutil.copytree(rendered, tmp_path / "product"))
    notebook = product / "notebooks/explore.ipynb"
    notebook.write_text(json.dumps(practice_notebook("import os\n")))
    args = ("try-repo", str(hooks_repo[0]), "pairlab-check", "--files", "notebooks/explore.ipynb")
    failed = pre_commit(product, tmp_path / "cache", *args)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "FAIL  lint-clean" in failed.stdout and "F401" in failed.stdout
    notebook.write_text(json.dumps(practice_notebook("")))
    passed = pre_commit(product, tmp_path / "cache", *args)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "pairlab check (practice set)" in passed.stdout and "Passed" in passed.stdout


def test_the_kit_s_own_hook_config_runs_pairlab_s_hooks(
    rendered: Path, hooks_repo: tuple[Path, str], tmp_path: Path
):
    product = Path(shutil.copytree(rendered, tmp_path / "product"))
    config = yaml.safe_load((product / ".pre-commit-config.yaml").read_text())
    ours = [r for r in config["repos"] if r["repo"] == "https://github.com/pairlab/pairlab"]
    assert [h["id"] for h in ours[0]["hooks"]] == ["pairlab-check", "pairlab-catalog-lint"]
    # No network here: point pairlab's entry at the local hooks repository, drop the others.
    ours[0].update(repo=str(hooks_repo[0]), rev=hooks_repo[1])
    (product / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": ours}))
    git(product, "add", "-A")
    clean = pre_commit(product, tmp_path / "cache", "run", "--all-files")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "pairlab catalog lint" in clean.stdout
    notebook = next(product.glob("notebooks/*.ipynb"))
    data = json.loads(notebook.read_text())
    code = next(
        c for c in data["cells"] if c["cell_type"] == "code" and "import" in "".join(c["source"])
    )
    code["source"] = (
        ["import os\n", *code["source"]]
        if isinstance(code["source"], list)
        else "import os\n" + code["source"]
    )
    notebook.write_text(json.dumps(data))
    dirty = pre_commit(product, tmp_path / "cache", "run", "--all-files")
    assert dirty.returncode == 1 and "F401" in dirty.stdout, dirty.stdout


def action_steps() -> list[dict[str, object]]:
    """Return the composite action's steps."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    return list(action["runs"]["steps"])


def test_the_kit_s_workflow_uses_the_action_and_the_action_uploads_the_report(rendered: Path):
    jobs = yaml.safe_load((rendered / ".github/workflows/ci.yml").read_text())["jobs"]
    assert {"uses": "pairlab/pairlab@main"} in jobs["pairlab"]["steps"]
    upload = action_steps()[-1]
    assert str(upload["uses"]).startswith("actions/upload-artifact@")
    assert upload["if"] == "always()" and upload["with"]["path"] == "${{ inputs.junit }}"  # type: ignore[index]


@pytest.mark.slow
def test_the_action_s_steps_pass_in_a_fresh_clone_of_the_product(rendered: Path, tmp_path: Path):
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    inputs = {name: str(spec["default"]) for name, spec in action["inputs"].items()}
    clone = fresh_clone(rendered, tmp_path)
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", "")]),
        "PYTHONPATH": str(clone / "src"),  # what `pip install -e` gives the product
    }
    ran = []
    for step in action_steps():
        script = str(step.get("run", ""))
        if not script or script.startswith("pip install"):
            continue  # setup-python and the upload are GitHub's; pip would install here
        step_env = {
            key: inputs[str(value)[len("${{ inputs.") : -len(" }}")]]
            for key, value in dict(step.get("env", {})).items()  # type: ignore[call-overload]
        }
        done = subprocess.run(
            [*SHELL, script], cwd=clone, env={**env, **step_env}, capture_output=True, text=True
        )
        assert done.returncode == 0, f"{step['name']}: {done.stdout}{done.stderr}"
        ran.append(step["name"])
    assert ran == ["Contract tests (JUnit)", "Product checks"]
    report = ET.parse(clone / inputs["junit"]).getroot()  # noqa: S314 (the report we wrote)
    cases = report.findall(".//testcase")
    assert cases and not report.findall(".//failure")
    assert git(clone, "status", "--porcelain") == ""  # the report goes under build/, ignored
