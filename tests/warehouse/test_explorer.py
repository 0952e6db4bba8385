"""The explorer's model state and its profile queries, checked against plain SQL; no browser."""

from __future__ import annotations

import ibis
import pytest
from ibis.backends import BaseBackend

from pairlab.errors import BadInput, NotFound
from pairlab.explorer import (
    Explorer,
    ExplorerModel,
    explore,
    render_histogram,
    render_profile,
    render_sample,
)
from pairlab.warehouse import histogram, profile_table
from pairlab.warehouse.profile import Histogram, profile_sql


def _sql(con: BaseBackend, query: str) -> tuple:
    return tuple(con.sql(query).execute().iloc[0])


def test_profile_matches_plain_sql(con: BaseBackend) -> None:
    profile = profile_table(con, "policies")
    by_name = {c.name: c for c in profile.columns}
    rows, regions, null_regions, lo, hi = _sql(
        con,
        "SELECT count(*), count(DISTINCT region), count(*) - count(region),"
        " min(sum_insured), max(sum_insured) FROM policies",
    )
    assert profile.rows == rows == 2500
    assert (
        (by_name["region"].distinct, by_name["region"].nulls) == (regions, null_regions) == (5, 35)
    )
    assert (by_name["sum_insured"].min, by_name["sum_insured"].max) == (lo, hi)
    assert by_name["region"].min is None  # strings get no range
    assert by_name["policy_id"].dtype == "int64"


def test_profile_counts_nulls_of_open_claims(con: BaseBackend) -> None:
    closed_date = next(c for c in profile_table(con, "claims").columns if c.name == "closed_date")
    (open_claims,) = _sql(con, "SELECT count(*) FROM claims WHERE status = 'open'")
    assert closed_date.nulls == open_claims > 0


def test_profile_is_one_aggregate_query_on_the_backend(con: BaseBackend) -> None:
    # One SELECT of aggregates, no GROUP BY: one row comes back however big the table.
    sql = profile_sql(con, "premiums")
    assert sql.count("SELECT") == 1 and "GROUP BY" not in sql
    assert 'COUNT(DISTINCT "t0"."policy_id")' in sql and 'MAX("t0"."earned_premium")' in sql
    assert con.sql(sql).count().execute() == 1


def test_histogram_counts_every_non_null_value_once(con: BaseBackend) -> None:
    hist = histogram(con, "claims", "incurred", bins=8)
    (non_null,) = _sql(con, "SELECT count(incurred) FROM claims")
    assert sum(hist.counts) == non_null and len(hist.counts) == 8 and len(hist.edges) == 9
    claims = con.table("claims")
    top_bin = claims.filter(claims.incurred >= hist.edges[-2]).count().execute()
    assert hist.counts[-1] == top_bin  # the maximum lands in the last bin, not past it


def test_histogram_refuses_text_columns_and_silly_bins(con: BaseBackend) -> None:
    with pytest.raises(
        BadInput, match=r"claims\.peril is not a numeric column; use one of: claim_id"
    ):
        histogram(con, "claims", "peril")
    with pytest.raises(BadInput, match="bins must be between 1 and 200"):
        histogram(con, "claims", "incurred", bins=0)


def test_unknown_table_lists_the_real_ones(con: BaseBackend) -> None:
    with pytest.raises(NotFound, match="no table 'claimz' in the warehouse; use one of: claim_pay"):
        profile_table(con, "claimz")


def test_model_starts_on_the_first_table(con: BaseBackend) -> None:
    model = ExplorerModel(con)
    assert model.tables == ["claim_payments", "claims", "customers", "policies", "premiums"]
    assert model.table == "claim_payments"
    assert model.schema[0] == ("payment_id", "int64")
    assert len(model.sample) == 10
    assert model.column == "amount"  # a measure, not an identifier
    assert model.histogram is not None and sum(model.histogram.counts) == 614


def test_model_select_loads_schema_sample_profile_and_histogram(con: BaseBackend) -> None:
    model = ExplorerModel(con, sample_rows=3, bins=5)
    model.select("premiums")
    assert [name for name, _ in model.schema] == [
        "policy_id",
        "month",
        "written_premium",
        "earned_premium",
        "earned_days",
    ]
    assert list(model.sample.columns) == [name for name, _ in model.schema]
    assert len(model.sample) == 3
    assert model.profile is not None and model.profile.rows == 28530
    assert model.numeric_columns == [
        "policy_id",
        "written_premium",
        "earned_premium",
        "earned_days",
    ]
    assert model.column == "written_premium"
    model.select_column("earned_days")
    assert model.histogram is not None and model.histogram.column == "earned_days"
    assert len(model.histogram.counts) == 5 and sum(model.histogram.counts) == 28530


def test_model_with_an_empty_warehouse_has_nothing_picked() -> None:
    model = ExplorerModel(ibis.duckdb.connect())
    assert (model.tables, model.table, model.histogram) == ([], None, None)


def test_widget_follows_the_pickers(con: BaseBackend) -> None:
    widget = explore(con)
    assert isinstance(widget, Explorer)
    widget.table_picker.value = "claims"
    assert widget.model.table == "claims"
    assert widget.column_picker.options == ("claim_id", "policy_id", "incurred")
    assert widget.column_picker.value == "incurred"
    assert "<b>claims</b>: 304 rows" in widget.profile_view.value
    widget.column_picker.value = "policy_id"
    assert widget.model.histogram is not None and widget.model.histogram.column == "policy_id"
    assert "<b>policy_id</b>" in widget.histogram_view.value


def test_widget_shows_a_bad_pick_as_a_message(con: BaseBackend) -> None:
    widget = explore(con)
    widget._on_table({"new": "nope"})
    assert "no table &#x27;nope&#x27; in the warehouse" in widget.error.value
    assert widget.model.table == "claim_payments"  # the last good pick stays on screen


def test_explore_without_arguments_opens_the_embedded_warehouse() -> None:
    assert explore().model.tables[0] == "claim_payments"


def test_rendering_escapes_values() -> None:
    hist = Histogram("<b>x</b>", [0.0, 1.0], [3])
    assert "<b>x</b>" not in render_histogram(hist).replace("<b>&lt;b&gt;x&lt;/b&gt;</b>", "")
    import pandas as pd

    assert "<script>" not in render_sample(pd.DataFrame({"a": ["<script>"]}))
    assert render_histogram(None) == "<i>no numeric column to chart</i>"


def test_profile_render_shows_every_column(con: BaseBackend) -> None:
    html = render_profile(profile_table(con, "customers"))
    for column in ("customer_id", "birth_date", "region", "segment"):
        assert f"<td>{column}</td>" in html
