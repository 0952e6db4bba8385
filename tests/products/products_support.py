"""Names and helpers the products tests share (pytest puts this folder on sys.path)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from pairlab.resources import samples_dir

SAMPLE = samples_dir() / "catalog" / "claims-frequency-by-region"
PRODUCT = "claims-frequency-by-region"
PORT = "monthly_claims_kpis"
TABLE = "claims_frequency_by_region__monthly_claims_kpis"
CONTRACT = "contracts/monthly_claims_kpis.odcs.yaml"
Edit = Callable[[dict[str, Any]], None]


def edit_yaml(path: Path, change: Edit) -> None:
    """Change a YAML file in place."""
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Return every file under `folder` with its bytes (to prove nothing changed)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".kept-index" not in p.parts
    }
