"""Products fixtures: a scale-0.01 warehouse file per test, copies of a sample product to change."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from products_support import SAMPLE

from pairlab._files import CACHE_ENV
from pairlab.catalog.index import ENV
from pairlab.warehouse import generate
from pairlab.warehouse.connection import ENV_PATH, ENV_URL


@pytest.fixture(scope="session")
def pristine_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a scale-0.01, seed-42 warehouse that tests copy before writing to it."""
    return generate(tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb", 0.01, 42).path


@pytest.fixture
def warehouse(pristine_warehouse: Path, tmp_path: Path) -> Path:
    """Return this test's own copy of the warehouse file (publish writes into it)."""
    return Path(shutil.copy(pristine_warehouse, tmp_path / "warehouse.duckdb"))


@pytest.fixture(autouse=True)
def _own_environment(monkeypatch: pytest.MonkeyPatch, warehouse: Path, tmp_path: Path) -> None:
    """Keep a developer's catalog, kept indexes and warehouse settings out of every test."""
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / ".kept-index"))
    monkeypatch.delenv(ENV_URL, raising=False)
    monkeypatch.setenv(ENV_PATH, str(warehouse))


@pytest.fixture(autouse=True)
def _fresh_imports(tmp_path: Path) -> Iterator[None]:
    """Forget the product packages a test imported: each test's copy builds from its own code."""
    path = list(sys.path)
    yield
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(str(tmp_path)):
            del sys.modules[name]
    sys.path[:] = path


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """Return an empty catalog folder."""
    folder = tmp_path / "catalog"
    folder.mkdir()
    return folder


@pytest.fixture
def product(tmp_path: Path) -> Path:
    """Return a copy of the sample product claims-frequency-by-region that a test may change."""
    dest = tmp_path / "product"
    shutil.copytree(SAMPLE, dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest
