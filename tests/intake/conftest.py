"""The program file every intake test starts from."""

from __future__ import annotations

from pathlib import Path

import pytest
from intake_scenario import PROGRAM


@pytest.fixture
def program_file(tmp_path: Path) -> Path:
    """Write the program into a fresh folder and return its path."""
    path = tmp_path / "program.toml"
    path.write_text(PROGRAM, encoding="utf-8")
    return path
