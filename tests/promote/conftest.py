"""Promotion tests run against a real scale-0.01 warehouse and a private kit repository."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from promote_helpers import FIXTURES

from pairlab.warehouse import generate


@pytest.fixture(scope="session", autouse=True)
def product_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point pairlab at a fresh warehouse and kit repository for the whole session."""
    root = tmp_path_factory.mktemp("promote-env")
    warehouse = generate(root / "warehouse.duckdb", 0.01, 42).path
    saved = {k: os.environ.get(k) for k in ("PAIRLAB_WAREHOUSE_PATH", "PAIRLAB_KITS_HOME")}
    os.environ["PAIRLAB_WAREHOUSE_PATH"] = str(warehouse)
    os.environ["PAIRLAB_KITS_HOME"] = str(root / "kits")
    yield root
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """Return a folder holding copies of the fixture notebooks, as a pair's workspace."""
    folder = tmp_path / "work"
    folder.mkdir()
    for notebook in FIXTURES.glob("*.ipynb"):
        shutil.copy(notebook, folder / notebook.name)
    return folder
