"""Query-log import: each supported shape, SQL parsed for real, re-import counted once.

The samples in logs/ carry the columns each vendor documents (Snowflake's ACCESS_HISTORY view
with QUERY_HISTORY's query text, BigQuery's INFORMATION_SCHEMA.JOBS, Trino's query-completed
event as the HTTP event listener posts it); see pairlab.usage._logs for the sources.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pairlab import usage
from pairlab.errors import BadInput
from pairlab.usage._sql import Unparsed, tables_read

LOGS = Path(__file__).parent / "logs"

KPIS = "claims-frequency-by-region"
PREMIUM = "premium-by-channel"
TABLE = "products.claims_frequency_by_region__monthly_claims_kpis"  # where publish puts KPIS

# file, format, records, reads (user, product) expected, unparsed lines
PLAIN = [("ana", KPIS), ("ben", PREMIUM), ("cara", KPIS), ("eli", KPIS)]  # eli: through a view
CASES = [
    ("plain.csv", "csv", 7, PLAIN, 1),
    ("plain.jsonl", "jsonl", 7, PLAIN, 1),
    ("snowflake_access_history.csv", "snowflake", 5,
     [("ANA", KPIS), ("BEN", PREMIUM), ("CARA", KPIS), ("ELI", KPIS)], 0),
    ("bigquery_jobs.jsonl", "bigquery", 4,
     [("ana@acme.example", KPIS), ("ben@acme.example", PREMIUM), ("cara@acme.example", KPIS)], 0),
    ("trino_query_completed.jsonl", "trino", 4,
     [("ana", KPIS), ("ben", PREMIUM), ("cara", KPIS)], 0),
]  # fmt: skip


@pytest.mark.parametrize(("name", "fmt", "records", "expected", "unparsed"), CASES)
def test_each_shape_attributes_product_reads_to_users(
    store: usage.Store, tables: dict[str, usage.PortRef], name: str, fmt: str, records: int,
    expected: list[tuple[str, str]], unparsed: int,
) -> None:  # fmt: skip
    """A CTE, an alias and a quoted name count; a query of raw tables does not; twice is once."""
    first = usage.import_log(LOGS / name, fmt, store, tables)
    assert (first.records, first.reads, first.new, len(first.unparsed)) == (
        records, len(expected), len(expected), unparsed,
    )  # fmt: skip
    stored = sorted((r.reader, r.product) for r in store.list())
    assert stored == sorted(expected)
    assert {r.origin for r in store.list()} == {fmt}
    again = usage.import_log(LOGS / name, fmt, store, tables)
    assert (again.reads, again.new) == (len(expected), 0)
    assert len(store.list()) == len(expected)


def test_plain_csv_and_jsonl_of_the_same_queries_count_once(
    store: usage.Store, tables: dict[str, usage.PortRef]
) -> None:
    """The same user, time and query exported twice is one read."""
    usage.import_log(LOGS / "plain.csv", "csv", store, tables)
    assert usage.import_log(LOGS / "plain.jsonl", "jsonl", store, tables).new == 0


def test_unparsed_query_is_named_and_never_a_read(
    store: usage.Store, tables: dict[str, usage.PortRef]
) -> None:
    """dan's query is cut off: counted as unparsed with file:line, and dan never reads."""
    result = usage.import_log(LOGS / "plain.csv", "csv", store, tables)
    assert len(result.unparsed) == 1
    assert result.unparsed[0].startswith(f"{LOGS / 'plain.csv'}:6: the parser cannot read")
    assert "dan" not in {r.reader for r in store.list()}


def test_bad_lines_are_named_and_skipped(
    store: usage.Store, tables: dict[str, usage.PortRef], tmp_path: Path
) -> None:
    """A line that is not JSON and one without a time: each named, the good line kept."""
    log = tmp_path / "log.jsonl"
    query = "SELECT * FROM " + TABLE  # noqa: S608 - a constant, for a log line
    lines = [
        json.dumps({"user": "ana", "time": "2026-11-20T09:00:00Z", "query": query}),
        '{"user": "ben", "time": ',
        json.dumps({"user": "cara", "query": query}),
        json.dumps({"user": "dan", "time": "yesterday", "query": "SELECT 1"}),
    ]
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = usage.import_log(log, "jsonl", store, tables)
    assert (result.records, result.new) == (1, 1)
    assert [p.split(": ", 1)[0] for p in result.bad] == [f"{log}:2", f"{log}:3", f"{log}:4"]
    assert "no time column value" in result.bad[1]
    assert "'yesterday' is not an ISO date" in result.bad[2]


def test_a_file_of_another_shape_is_refused_in_one_line(
    store: usage.Store, tables: dict[str, usage.PortRef]
) -> None:
    """A Trino log read as Snowflake: no record, one line naming the file and --format."""
    with pytest.raises(BadInput, match=r"no line of .*trino_query_completed.jsonl is a snowflake"):
        usage.import_log(LOGS / "trino_query_completed.jsonl", "snowflake", store, tables)
    assert store.list() == []


def test_unknown_format_and_missing_file(
    store: usage.Store, tables: dict[str, usage.PortRef]
) -> None:
    """Both are one line naming the fix."""
    with pytest.raises(BadInput, match="use one of csv, jsonl, snowflake, bigquery, trino"):
        usage.import_log(LOGS / "plain.csv", "oracle", store, tables)
    with pytest.raises(BadInput, match="no log file"):
        usage.import_log(LOGS / "missing.csv", "csv", store, tables)


@pytest.mark.parametrize(
    ("sql", "dialect", "read"),
    [
        ("SELECT a.x FROM products.t AS a JOIN raw.c c ON a.id = c.id", "duckdb",
         {"products.t", "raw.c"}),
        ("WITH t AS (SELECT 1) SELECT * FROM t", "duckdb", set()),
        ("INSERT INTO mart.out SELECT * FROM products.t", "duckdb", {"products.t"}),
        ("SELECT * FROM (SELECT * FROM `p`.`products`.`t`) s", "bigquery", {"products.t"}),
        ('SELECT * FROM "PRODUCTS"."T"', "snowflake", {"products.t"}),
    ],
)  # fmt: skip
def test_tables_read(sql: str, dialect: str, read: set[str]) -> None:
    """Targets are not reads; CTE names and subquery aliases are not tables."""
    assert tables_read(sql, dialect, {}) == read


def test_views_over_views_resolve_to_the_product_table() -> None:
    """A view on a view on the product table reads the product table."""
    views: dict[str, set[str]] = {}
    tables_read("CREATE VIEW a.v1 AS SELECT * FROM products.t", "duckdb", views)
    tables_read("CREATE VIEW a.v2 AS SELECT * FROM a.v1", "duckdb", views)
    assert tables_read("SELECT * FROM a.v2", "duckdb", views) == {"products.t"}
    with pytest.raises(Unparsed):
        tables_read("   ", "duckdb", views)


def test_a_view_in_the_warehouse_over_a_product_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The log only queries pricing.kpis; the warehouse says it is a view over the product."""
    import duckdb

    from pairlab.cli import main

    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("CREATE SCHEMA products; CREATE SCHEMA pricing")
    con.execute(f"CREATE TABLE {TABLE} AS SELECT 'North' AS region")
    con.execute(f"CREATE VIEW pricing.kpis AS SELECT region FROM {TABLE}")  # noqa: S608
    con.close()
    log = tmp_path / "log.csv"
    log.write_text("user,time,query\nfay,2026-11-20T10:00:00Z,SELECT * FROM pricing.kpis\n")
    store = f"sqlite:///{tmp_path / 'views.sqlite'}"
    args = ["usage", "import", str(log), "--store", store, "--json"]
    for extra, reads in (([], 0), (["--url", f"duckdb:///{warehouse}"], 1)):
        with pytest.raises(SystemExit) as done:
            main([*args, *extra])
        assert done.value.code == 0
        assert json.loads(capsys.readouterr().out)["reads"] == reads
    [read] = usage.Store(store).list()
    assert (read.reader, read.product) == ("fay", KPIS)


def test_the_commands_import_list_and_flush(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """import summarises and names the unparsed line; list counts; flush moves the outbox."""
    from pairlab.cli import main

    def run(*args: str) -> str:
        with pytest.raises(SystemExit) as done:
            main(list(args))
        assert done.value.code == 0
        return capsys.readouterr().out

    out = run("usage", "import", str(LOGS / "plain.csv"))
    assert "7 queries, 4 reads of products (4 new), 1 unparsed, 0 bad lines skipped" in out
    assert f"{LOGS / 'plain.csv'}:6: the parser cannot read the query" in out
    monkeypatch.setenv("PAIRLAB_USER", "gus")
    with usage.as_pipeline("renewal-pack"):
        usage.record_read(KPIS, "monthly_claims_kpis")
    assert run("usage", "flush") == "pairlab: 1 new reads stored\n"
    assert run("usage", "list").splitlines() == [
        f"{KPIS}.monthly_claims_kpis: 4 reads by 4 readers, 1 reusing products",
        f"{PREMIUM}.monthly_written_premium: 1 reads by 1 readers, 0 reusing products",
    ]
    rows = json.loads(run("usage", "list", "--product", PREMIUM, "--json"))
    assert [(r["reader"], r["origin"]) for r in rows] == [("ben", "csv")]


def test_a_port_never_published_has_no_table_to_claim() -> None:
    """The sample catalog was never published: no table maps to a product."""
    from pairlab.resources import samples_dir

    assert usage.catalog_tables([samples_dir() / "catalog"]) == {}


def test_a_log_that_is_not_text_is_refused_in_one_line(
    store: usage.Store, tables: dict[str, usage.PortRef], tmp_path: Path
) -> None:
    """A compressed export given as is: the file and the fix named, nothing stored."""
    log = tmp_path / "export.csv"
    log.write_bytes(b"\x1f\x8b\x08\x00\xff\xfe compressed")
    with pytest.raises(BadInput, match=r"export.csv is not UTF-8 text .*export the log as UTF-8"):
        usage.import_log(log, "csv", store, tables)
    assert store.list() == []
