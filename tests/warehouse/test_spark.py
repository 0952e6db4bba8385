"""Portability proof: the same ibis expressions on the embedded DuckDB and on Apache Spark."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import ibis
import pandas as pd
import pytest
from ibis.backends import BaseBackend

from pairlab.warehouse import connect, defect_counts, loss_ratio, profile_table
from pairlab.warehouse.generator import TABLES

pytestmark = [
    pytest.mark.slow,
    # pyspark 4 has not caught up with pandas 3: it warns so on import and passes pandas the
    # deprecated copy= keyword when collecting results. Results still compare equal below.
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated:DeprecationWarning"),
]


@pytest.fixture(scope="module")
def spark_con(
    warehouse_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BaseBackend]:
    """Return `connect("pyspark://...")` on a local Spark holding the warehouse as Parquet."""
    from pyspark.sql import SparkSession

    scratch = tmp_path_factory.mktemp("spark")
    with duckdb.connect(str(warehouse_file), read_only=True) as con:
        for name in TABLES:
            con.execute(f"COPY {name} TO '{scratch / name}.parquet' (FORMAT parquet)")
    # Static settings (master, UI, folders) must exist before the session does, as a cluster's
    # do; the pyspark:// URL then joins the running session, as it would on Databricks.
    session = (
        SparkSession.builder.master("local[2]")
        .appName("pairlab-warehouse-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.warehouse.dir", str(scratch / "spark-warehouse"))
        .config("spark.local.dir", str(scratch / "local"))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    con = connect("pyspark://?spark.sql.shuffle.partitions=2")
    for name in TABLES:
        con.read_parquet(scratch / f"{name}.parquet", table_name=name)
    yield con
    session.stop()


def _frame(expr: ibis.Table) -> pd.DataFrame:
    return expr.execute().reset_index(drop=True)


def test_loss_ratio_is_the_same_on_spark_and_duckdb(
    con: BaseBackend, spark_con: BaseBackend
) -> None:
    on_duckdb, on_spark = _frame(loss_ratio(con)), _frame(loss_ratio(spark_con))
    assert len(on_duckdb) == 18  # three product lines, six years
    pd.testing.assert_frame_equal(on_spark, on_duckdb, check_dtype=False, rtol=1e-12)


def test_defects_are_found_the_same_on_spark(con: BaseBackend, spark_con: BaseBackend) -> None:
    assert defect_counts(spark_con) == defect_counts(con)


def test_profile_pushes_down_to_spark_too(con: BaseBackend, spark_con: BaseBackend) -> None:
    def summary(backend: BaseBackend) -> list[tuple[str, int, int]]:
        return [(c.name, c.nulls, c.distinct) for c in profile_table(backend, "policies").columns]

    assert summary(spark_con) == summary(con)
