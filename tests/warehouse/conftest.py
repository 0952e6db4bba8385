"""Warehouse fixtures: real DuckDB files generated at scale 0.01, an environment of our own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import ibis
import pytest
from ibis.backends import BaseBackend

from pairlab.warehouse import generate
from pairlab.warehouse.connection import ENV_PATH, ENV_URL
from pairlab.warehouse.generator import DEFAULT_SCALE, DEFAULT_SEED


@pytest.fixture(autouse=True)
def _own_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep a developer's warehouse settings and user data dir out of every test."""
    monkeypatch.delenv(ENV_URL, raising=False)
    monkeypatch.setenv(ENV_PATH, str(tmp_path / "default" / "warehouse.duckdb"))


@pytest.fixture(scope="session")
def warehouse_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a scale-0.01, seed-42 warehouse file shared by the read-only tests."""
    path = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    generate(path, DEFAULT_SCALE, DEFAULT_SEED)
    return path


@pytest.fixture(scope="session")
def con(warehouse_file: Path) -> Iterator[BaseBackend]:
    """Return a read-only ibis connection to the shared warehouse file."""
    backend = ibis.duckdb.connect(str(warehouse_file), read_only=True)
    yield backend
    backend.disconnect()
