"""The `sql` metric: the value hypothesis measured by a query on the product's own output.

The product is published into a real DuckDB file; `pairlab review` runs the declared query
there (read-only, not counted as a read) and decides by the same rule as the other metrics.
"""

# ruff: noqa: S608 - the SQL names a constant table of the test
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from test_review import KPIS, catalog_with

from pairlab import usage
from pairlab.cli import main

TABLE = "products.claims_frequency_by_region__monthly_claims_kpis"
pytestmark = pytest.mark.slow  # the product is published once for the session


def sql_hypothesis(sql: str, threshold: float) -> dict[str, Any]:
    """Return a hypothesis measured by `sql` over 30 days."""
    return {"statement": "Loss ratios cover every region", "metric": "sql", "sql": sql,
            "threshold": threshold, "window": "30d", "reviewDate": "2026-12-31"}  # fmt: skip


def regions(published: Path) -> int:
    """Return how many regions the published table holds, asked of DuckDB directly."""
    with duckdb.connect(str(published.parent / "warehouse.duckdb"), read_only=True) as db:
        row = db.execute(f"SELECT count(DISTINCT region) FROM {TABLE}").fetchone()
    assert row is not None
    return int(row[0])


def review(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run `pairlab review --json`; return the exit code and what it printed."""
    with pytest.raises(SystemExit) as done:
        main(["review", KPIS, "--catalog", str(root), "--json", "--at", "2026-12-31"])
    out = capsys.readouterr()
    return int(done.value.code or 0), out.out + out.err


def test_the_sql_metric_measures_the_products_own_output(
    tmp_path: Path, published: Path, capsys: pytest.CaptureFixture[str], store: usage.Store
) -> None:
    """count(DISTINCT region) on the product's table: keep at that threshold, kill at 3x."""
    found = regions(published)
    assert found > 1
    sql = f"SELECT count(DISTINCT region) FROM {TABLE} WHERE month < {{window_end}}"
    code, out = review(catalog_with(tmp_path / "keep", published, sql_hypothesis(sql, found)),
                       capsys)  # fmt: skip
    answer = json.loads(out)
    assert (code, answer["metric"], answer["measured"], answer["decision"]) == (
        0, "sql", found, "keep")  # fmt: skip
    code, out = review(
        catalog_with(tmp_path / "kill", published, sql_hypothesis(sql, found * 3)), capsys
    )
    assert json.loads(out)["decision"] == "kill"
    usage.flush(store)
    assert store.list() == []  # measuring is not a read of the product


@pytest.mark.parametrize(
    ("sql", "said"),
    [
        ("SELECT count(*) FROM claims", "reads claims, not the product's output"),
        (f"SELECT max(region) FROM {TABLE}", "returned 'West', not a number"),
        (f"SELECT count(*) FROM {TABLE} WHERE", "valueHypothesis.sql does not parse"),
    ],
)
def test_a_sql_metric_that_cannot_measure_is_one_line(
    tmp_path: Path, published: Path, capsys: pytest.CaptureFixture[str], sql: str, said: str
) -> None:
    """Another table, a text value, SQL that does not parse: exit 2, nothing recorded."""
    root = catalog_with(tmp_path, published, sql_hypothesis(sql, 1))
    before = (root / KPIS / "dataproduct.yaml").read_bytes()
    code, out = review(root, capsys)
    assert code == 2 and said in out and "Traceback" not in out
    assert (root / KPIS / "dataproduct.yaml").read_bytes() == before
