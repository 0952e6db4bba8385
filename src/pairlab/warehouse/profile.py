"""Column profiles computed on the backend as SQL aggregates: a table is never pulled whole."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from pairlab.errors import BadInput
from pairlab.warehouse.info import check_table


@dataclass(frozen=True)
class ColumnProfile:
    """One column's type, null count, distinct count and (for ordered types) range."""

    name: str
    dtype: str
    nulls: int
    distinct: int
    min: object = None
    max: object = None


@dataclass(frozen=True)
class TableProfile:
    """Row count and per-column profiles of one table."""

    table: str
    rows: int
    columns: list[ColumnProfile]

    def numeric_columns(self) -> list[str]:
        """Return the names of columns a histogram can be drawn for."""
        return [c.name for c in self.columns if c.min is not None and _is_number(c.min)]


@dataclass(frozen=True)
class Histogram:
    """Counts of a numeric column's values in equal-width bins from lo to hi."""

    column: str
    edges: list[float]
    counts: list[int]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _has_range(expr: ir.Column) -> bool:
    dtype = expr.type()
    return bool(dtype.is_numeric() or dtype.is_temporal())


def _profile_expr(t: ir.Table) -> ir.Table:
    """Return one aggregate over t: row count, and per column non-nulls, distinct, min, max."""
    metrics: dict[str, ir.Scalar] = {"rows": t.count()}
    for i, name in enumerate(t.columns):
        col = t[name]
        metrics[f"n{i}"] = col.count()
        metrics[f"d{i}"] = col.nunique()
        if _has_range(col):
            metrics[f"lo{i}"] = col.min()
            metrics[f"hi{i}"] = col.max()
    return t.aggregate(**metrics)


def profile_sql(con: BaseBackend, table: str) -> str:
    """Return the SQL the profile runs on con's backend (to read, or to teach with)."""
    return str(ibis.to_sql(_profile_expr(con.table(check_table(con, table))), dialect=con.name))


def profile_table(con: BaseBackend, table: str) -> TableProfile:
    """Profile every column of table with one aggregate query on the backend."""
    t = con.table(check_table(con, table))
    row = _profile_expr(t).execute().iloc[0]
    rows = int(row["rows"])
    columns = [
        ColumnProfile(
            name=name,
            dtype=str(t[name].type()),
            nulls=rows - int(row[f"n{i}"]),
            distinct=int(row[f"d{i}"]),
            min=_plain(row.get(f"lo{i}")),
            max=_plain(row.get(f"hi{i}")),
        )
        for i, name in enumerate(t.columns)
    ]
    return TableProfile(table, rows, columns)


def histogram(
    con: BaseBackend,
    table: str,
    column: str,
    bins: int = 10,
    bounds: tuple[float, float] | None = None,
) -> Histogram:
    """Count column's values in `bins` equal-width bins, grouped on the backend."""
    t = con.table(check_table(con, table))
    if column not in t.columns or not t[column].type().is_numeric():
        numeric = [c for c in t.columns if t[c].type().is_numeric()]
        raise BadInput(
            f"{table}.{column} is not a numeric column", f"use one of: {', '.join(numeric)}"
        )
    if not 1 <= bins <= 200:
        raise BadInput(f"bins must be between 1 and 200, got {bins}", "use e.g. bins=10")
    col = t[column].cast("float64")
    if bounds is None:
        ends = t.aggregate(lo=col.min(), hi=col.max()).execute().iloc[0]
        bounds = (ends["lo"], ends["hi"])
    lo, hi = (float(b) for b in bounds)
    if math.isnan(lo):  # an empty or all-null column
        return Histogram(column, [], [])
    width = (hi - lo) / bins or 1.0
    bucket = ((col - lo) / width).floor().cast("int64").clip(lower=0, upper=bins - 1)
    counted = t.filter(col.notnull()).group_by(bucket=bucket).agg(n=ibis._.count()).execute()
    counts = [0] * bins
    for b, n in zip(counted["bucket"], counted["n"], strict=True):
        counts[int(b)] = int(n)
    return Histogram(column, [lo + width * k for k in range(bins + 1)], counts)


def _plain(value: object) -> object:
    """Turn pandas/numpy scalars into plain Python values that print and serialize simply."""
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
        if isinstance(value, pd.Timestamp):
            return value.date() if value == value.normalize() else value.to_pydatetime()
    except (TypeError, ValueError):
        pass
    if isinstance(value, date | datetime | Decimal | str):
        return value
    item = getattr(value, "item", None)
    return item() if callable(item) else value
