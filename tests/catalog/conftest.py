"""Catalog fixtures: the sample catalog, copies to break, and a scale-0.01 warehouse of our own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pairlab._files import CACHE_ENV
from pairlab.catalog.index import ENV
from pairlab.resources import samples_dir
from pairlab.warehouse import generate
from pairlab.warehouse.connection import ENV_PATH, ENV_URL

SAMPLE = samples_dir() / "catalog"


@pytest.fixture(scope="session")
def warehouse_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a scale-0.01, seed-42 warehouse shared by the contract tests."""
    return generate(tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb", 0.01, 42).path


@pytest.fixture(autouse=True)
def _own_environment(monkeypatch: pytest.MonkeyPatch, warehouse_file: Path, tmp_path: Path) -> None:
    """Keep a developer's catalog, kept indexes and warehouse settings out of every test."""
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / ".kept-index"))
    monkeypatch.delenv(ENV_URL, raising=False)
    monkeypatch.setenv(ENV_PATH, str(warehouse_file))


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    """Return a copy of the sample catalog that a test may break."""
    dest = tmp_path / "catalog"
    shutil.copytree(SAMPLE, dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest
