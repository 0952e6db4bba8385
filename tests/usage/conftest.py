"""Fixtures of the usage room: a store per test, the sample catalog's product tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairlab import usage

LOGS = Path(__file__).parent / "logs"


@pytest.fixture
def store(tmp_path: Path) -> usage.Store:
    """Return an empty usage store in a SQLite file of its own."""
    return usage.Store(f"sqlite:///{tmp_path / 'usage.sqlite'}")


@pytest.fixture(scope="session")
def tables() -> dict[str, usage.PortRef]:
    """Return the sample catalog's product tables (products.<port>)."""
    return usage.catalog_tables()


@pytest.fixture(autouse=True)
def _private_usage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test's outbox, store and identity out of the user's own folders."""
    monkeypatch.setenv("PAIRLAB_USAGE_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("PAIRLAB_USAGE_DB", f"sqlite:///{tmp_path / 'usage.sqlite'}")
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.delenv("PAIRLAB_PROGRAM", raising=False)
    monkeypatch.delenv("PAIRLAB_PIPELINE_PRODUCT", raising=False)
    monkeypatch.delenv("PAIRLAB_USAGE", raising=False)
    monkeypatch.chdir(tmp_path)
