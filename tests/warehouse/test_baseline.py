"""The benchmark's pandas baseline must write the same tables, or its timing compares nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import ibis
from ibis.backends import BaseBackend

from pairlab.warehouse import defect_counts

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from warehouse_baseline import generate_baseline


def test_baseline_writes_the_same_schema_sizes_and_defects(
    tmp_path: Path, con: BaseBackend
) -> None:
    rows = generate_baseline(tmp_path / "baseline.duckdb", 0.01, 42)
    base = ibis.duckdb.connect(str(tmp_path / "baseline.duckdb"), read_only=True)
    for name in con.list_tables():
        assert base.table(name).schema() == con.table(name).schema(), name
        ours = con.table(name).count().execute()
        assert abs(rows[name] - ours) <= max(0.25 * ours, 5), name  # same sizes, other draws
    assert all(count > 0 for count in defect_counts(base).values())
