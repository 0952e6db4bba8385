"""Promotion tests run against a real scale-0.01 warehouse and a private kit repository."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from promote_helpers import FIXTURES


@pytest.fixture(scope="session", autouse=True)
def product_env(private_env: Path) -> Path:
    """Use the private warehouse and kit repository for every promotion test."""
    return private_env


@pytest.fixture(scope="session")
def kit_product(product_env: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Render the data-product kit with its example once; a test that writes copies it first."""
    from pairlab.kits import render

    return render("data-product", tmp_path_factory.mktemp("kit") / "product", {})


@pytest.fixture(scope="session")
def kit_repo(kit_product: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a copy of the rendered kit as a git repository with a commit."""
    product = Path(shutil.copytree(kit_product, tmp_path_factory.mktemp("kit-repo") / "product"))
    ident = ["-c", "user.name=t", "-c", "user.email=t@localhost"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "first"]):
        subprocess.run(["git", *ident, *args], cwd=product, check=True, capture_output=True)
    return product


@pytest.fixture(scope="session")
def promoted(product_env: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Promote the loss-ratio notebook once (every stage, checks and CI): (notebook, product)."""
    from pairlab.promote import promote

    root = tmp_path_factory.mktemp("loss-ratio")
    notebook = Path(shutil.copy(FIXTURES / "loss_ratio.ipynb", root))
    outcome = promote(notebook, "loss-ratio", root / "product", echo=lambda _: None)
    assert outcome.ok, outcome.report
    return notebook, root / "product"


@pytest.fixture
def product(promoted: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """Return a private copy of the promoted notebook and product, for a test that writes."""
    notebook = Path(shutil.copy(promoted[0], tmp_path / promoted[0].name))
    return notebook, Path(shutil.copytree(promoted[1], tmp_path / "product", symlinks=True))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """Return a folder holding copies of the fixture notebooks, as a pair's workspace."""
    folder = tmp_path / "work"
    folder.mkdir()
    for notebook in FIXTURES.glob("*.ipynb"):
        shutil.copy(notebook, folder / notebook.name)
    return folder


# The corpus holds analysts' workspaces, their own tests among them: data for test_corpus.py,
# not tests of pairlab (they import modules only the promoted product provides).
collect_ignore_glob = ["corpus/*"]
