"""Kit tests render into temporary folders from a private kit repository and warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def kit_env(private_env: Path) -> Path:
    """Use the private warehouse and kit repository for every kit test."""
    return private_env
