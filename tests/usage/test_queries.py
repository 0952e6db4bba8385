"""Queries through `pairlab.warehouse.connect()` that read a product's table count as reads.

Against a real DuckDB file into which the sample product was published: ibis expressions,
SQL through `con.sql` (a CTE, an alias, quoted names) and `raw_sql` are recorded once each, by
the same SQL parser the log import uses; a query of raw tables, a schema lookup and
`products.read` (recorded already) add nothing.
"""

# ruff: noqa: S608 - the SQL names a constant table of the test
from __future__ import annotations

from pathlib import Path

import pytest

from pairlab import products, usage
from pairlab.warehouse import connect

KPIS, PORT = "claims-frequency-by-region", "monthly_claims_kpis"
TABLE = "claims_frequency_by_region__monthly_claims_kpis"

pytestmark = pytest.mark.slow  # the product is published once for the session


@pytest.fixture
def con(published: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    """Return a connection to the warehouse the sample product was published into."""
    monkeypatch.setenv("PAIRLAB_CATALOG", str(published))
    monkeypatch.setenv("PAIRLAB_USER", "ana")
    warehouse = published.parent / "warehouse.duckdb"
    return connect(f"duckdb:///{warehouse}?read_only=true")


def _reads(store: usage.Store) -> list[tuple[str, str, str, str]]:
    """Flush this process's reads and return (product, port, reader, source) of each."""
    usage.flush(store)
    return sorted((r.product, r.port, r.reader, r.source) for r in store.list())


def test_each_kind_of_query_on_a_product_table_is_one_read(con: object, store: usage.Store) -> None:
    """An expression, SQL with a CTE and an alias, quoted names and raw_sql: four reads."""
    kpis = con.table(TABLE, database="products")  # type: ignore[attr-defined]
    kpis.filter(kpis.region == "North").count().execute()
    con.sql(  # type: ignore[attr-defined]
        f"WITH k AS (SELECT * FROM products.{TABLE} AS x WHERE x.claims > 0) SELECT count(*) FROM k"
    ).execute()
    con.sql(f'SELECT * FROM "products"."{TABLE}" LIMIT 3').to_pyarrow()  # type: ignore[attr-defined]
    con.raw_sql(f"SELECT max(claims) FROM products.{TABLE}").fetchall()  # type: ignore[attr-defined]
    assert _reads(store) == [(KPIS, PORT, "ana", "person")] * 4


def test_queries_that_read_no_product_and_lookups_record_nothing(
    con: object, store: usage.Store
) -> None:
    """A raw table, a CTE named like nothing published, a schema lookup: no read."""
    con.table("claims").count().execute()  # type: ignore[attr-defined]
    con.sql("WITH products AS (SELECT 1 AS a) SELECT * FROM products").execute()  # type: ignore[attr-defined]
    con.table(TABLE, database="products").schema()  # type: ignore[attr-defined]
    con.list_tables(database="products")  # type: ignore[attr-defined]
    assert _reads(store) == []


def test_products_read_then_execute_counts_once(
    con: object, store: usage.Store, published: Path
) -> None:
    """products.read records the read; running the table it returns adds none."""
    products.read(f"{KPIS}.{PORT}", catalog=published).count().execute()
    assert _reads(store) == [(KPIS, PORT, "ana", "person")]


def test_a_query_inside_a_pipeline_is_reuse(con: object, store: usage.Store) -> None:
    """A product's build querying the table through connect() reads it as that product."""
    with usage.as_pipeline("pricing-rates"):
        con.table(TABLE, database="products").count().execute()  # type: ignore[attr-defined]
    assert _reads(store) == [(KPIS, PORT, "ana", "pipeline")]


def test_recording_off_records_nothing(
    con: object, store: usage.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PAIRLAB_USAGE=off: the query runs, nothing is recorded."""
    monkeypatch.setenv("PAIRLAB_USAGE", "off")
    assert con.table(TABLE, database="products").count().execute() > 0  # type: ignore[attr-defined]
    assert _reads(store) == []
