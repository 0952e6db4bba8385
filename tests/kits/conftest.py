"""Kit tests render into temporary folders from a private kit repository and warehouse."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pairlab.warehouse import generate


@pytest.fixture(scope="session", autouse=True)
def kit_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point pairlab at a fresh warehouse and kit repository for the whole session."""
    root = tmp_path_factory.mktemp("kit-env")
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
