"""Publish to Apache Spark in local mode through the same ibis code path as DuckDB."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from products_support import PORT, PRODUCT, TABLE

from pairlab import products
from pairlab.warehouse import connect
from pairlab.warehouse.generator import TABLES

pytestmark = [
    pytest.mark.slow,
    # pyspark 4 has not caught up with pandas 3 (as in tests/warehouse/test_spark.py).
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated:DeprecationWarning"),
]
URL = "pyspark://?spark.sql.shuffle.partitions=2"


@pytest.fixture(scope="module")
def spark(pristine_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Return a local Spark session holding the warehouse's tables, as tests/warehouse does."""
    from pyspark.sql import SparkSession

    scratch = tmp_path_factory.mktemp("spark")
    with duckdb.connect(str(pristine_warehouse), read_only=True) as con:
        for name in TABLES:
            con.execute(f"COPY {name} TO '{scratch / name}.parquet' (FORMAT parquet)")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("pairlab-products-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.warehouse.dir", str(scratch / "spark-warehouse"))
        .config("spark.local.dir", str(scratch / "local"))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    con = connect(URL)
    for name in TABLES:
        con.read_parquet(scratch / f"{name}.parquet", table_name=name)
    yield session
    session.stop()


def test_publish_to_spark_writes_the_contract_columns(
    spark: Any, product: Path, catalog_dir: Path
) -> None:
    result = products.publish(product, url=URL, catalog=catalog_dir)
    assert [(p.table, p.rows, p.action) for p in result.ports] == [(TABLE, 215, "written")]
    fields = {f.name: f.dataType.simpleString() for f in spark.table(f"products.{TABLE}").schema}
    assert fields == {
        "month": "date", "product_line": "string", "region": "string",
        "exposure_years": "double", "earned": "double", "claims": "bigint",
        "incurred": "double", "frequency": "double", "loss_ratio": "double",
    }  # fmt: skip
    # published again with new rows: the swap replaces the table, the side table is gone
    pipeline = product / "src" / "claims_kpis" / "pipeline.py"
    pipeline.write_text(pipeline.read_text().replace("year: int = 2024", "year: int = 2023"))
    assert [p.action for p in products.publish(product, url=URL, catalog=catalog_dir).ports] == [
        "written"
    ]
    names = {t.name for t in spark.catalog.listTables("products") if not t.isTemporary}
    assert names == {TABLE}
    table = products.read(f"{PRODUCT}.{PORT}", catalog=catalog_dir, url=URL)
    assert table.month.year().max().execute() == 2023
