"""The rules of an ODCS contract on one output table: columns, types, required, unique, quality.

`pairlab.catalog.testing.run_contracts` builds each output port and calls `check_frame` here.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from open_data_contract_standard.model import DataQuality, OpenDataContractStandard, SchemaProperty

from pairlab.errors import one_line

Rule = tuple[str, bool, str]  # what a rule checks, whether the data kept it, what was seen

_KINDS = {
    "integer": pd.api.types.is_integer_dtype,
    "number": pd.api.types.is_numeric_dtype,
    "boolean": pd.api.types.is_bool_dtype,
    "string": lambda s: pd.api.types.is_string_dtype(s) or pd.api.types.is_object_dtype(s),
    "date": lambda s: pd.api.types.is_datetime64_any_dtype(s) or pd.api.types.is_object_dtype(s),
    "timestamp": pd.api.types.is_datetime64_any_dtype,
}
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "mustBe": lambda v, x: v == x,
    "mustNotBe": lambda v, x: v != x,
    "mustBeGreaterThan": lambda v, x: v > x,
    "mustBeGreaterOrEqualTo": lambda v, x: v >= x,
    "mustBeLessThan": lambda v, x: v < x,
    "mustBeLessOrEqualTo": lambda v, x: v <= x,
    "mustBeBetween": lambda v, x: x[0] <= v <= x[1],
    "mustNotBeBetween": lambda v, x: not x[0] <= v <= x[1],
}


@dataclass(frozen=True)
class RuleResult:
    """One contract rule on one output: did the data keep it, and what was seen."""

    port: str
    rule: str
    passed: bool
    detail: str


def _metric(frame: pd.DataFrame, name: str, q: DataQuality, column: str | None) -> float:
    """Compute a library metric (ODCS v3.1 names) on the frame or one column."""
    if name == "rowCount":
        return len(frame)
    series = frame[column]
    if name == "nullValues":
        return int(series.isna().sum())
    if name == "duplicateValues":
        return int(series.dropna().duplicated().sum())
    if name == "invalidValues":
        valid = (q.arguments or {}).get("validValues", [])
        return int((~series.dropna().isin(valid)).sum())
    raise ValueError(f"unknown metric '{name}'")


_DATABASE: list[Any] = []  # one in-memory DuckDB per process, opened on first use
_LOCK = threading.Lock()


def _database() -> Any:
    """Return the process's in-memory DuckDB (opening one costs about 50 ms; a cursor, none)."""
    with _LOCK:
        if not _DATABASE:
            import duckdb

            _DATABASE.append(duckdb.connect())
        return _DATABASE[0]


class _Sql:
    """A cursor of the in-memory DuckDB holding the frame, for every SQL rule of one contract.

    Each cursor is its own connection to one database: the frame it registers is its own.
    """

    def __init__(self, frame: pd.DataFrame, table: str) -> None:
        self.frame, self.table = frame, table
        self.con: Any = None

    def value(self, query: str) -> Any:
        """Run `query` on the frame and return its single value."""
        if self.con is None:
            self.con = _database().cursor()
            self.con.register(self.table, self.frame)
        row = self.con.execute(query).fetchall()
        return row[0][0] if row else 0

    def close(self) -> None:
        """Close the database, if one was opened."""
        if self.con is not None:
            self.con.close()


def _sql_value(sql: _Sql, q: DataQuality, table: str, column: str | None) -> float:
    """Run a quality rule's SQL on the frame (DuckDB) and return its single value."""
    query = (q.query or "").replace("${object}", table).replace("{object}", table)
    query = query.replace("${property}", column or "").replace("{property}", column or "")
    value: float = sql.value(query)
    return value


def _quality(frame: pd.DataFrame, q: DataQuality, sql: _Sql, column: str | None) -> Rule:
    """Evaluate one quality rule; return (rule text, passed, detail)."""
    table = sql.table
    name = q.name or q.metric or q.rule or q.type or "rule"
    label = f"{column}: {name}" if column else name
    try:
        if q.type == "sql":
            value = _sql_value(sql, q, table, column)
        else:
            value = _metric(frame, q.metric or q.rule or "", q, column)
    except Exception as exc:  # a broken rule is a failed rule, reported, never a crash
        return label, False, one_line(f"cannot evaluate: {exc}")
    ops = [(op, getattr(q, op)) for op in _OPS if getattr(q, op) is not None]
    if not ops:
        return label, False, "the rule has no mustBe... operator"
    ok = all(_OPS[op](value, want) for op, want in ops)
    wanted = ", ".join(f"{op} {want}" for op, want in ops)
    return label, ok, f"got {value}; {wanted}"


def _property_rules(frame: pd.DataFrame, prop: SchemaProperty, sql: _Sql) -> list[Rule]:
    """Check one column: present, typed, required, unique, and its quality rules."""
    name = prop.name or ""
    if name not in frame.columns:
        return [(f"{name}: present", False, f"no column '{name}' in {list(frame.columns)}")]
    series = frame[name]
    found = [(f"{name}: present", True, "")]
    test = _KINDS.get(prop.logicalType or "")
    if test is not None:
        ok = series.isna().all() or bool(test(series))
        found.append((f"{name}: logicalType {prop.logicalType}", ok, f"dtype {series.dtype}"))
    if prop.required:
        nulls = int(series.isna().sum())
        found.append((f"{name}: required", nulls == 0, f"{nulls} null value(s)"))
    if prop.unique:
        dups = int(series.dropna().duplicated().sum())
        found.append((f"{name}: unique", dups == 0, f"{dups} duplicate value(s)"))
    found += [_quality(frame, q, sql, name) for q in prop.quality or []]
    return found


def check_frame(
    frame: pd.DataFrame, contract: OpenDataContractStandard, port: str
) -> list[RuleResult]:
    """Return one RuleResult per rule of the contract's first schema object on `frame`."""
    obj = (contract.schema_ or [])[0]
    table = obj.name or port
    raw: list[Rule] = []
    sql = _Sql(frame, table)
    try:
        for prop in obj.properties or []:
            raw += _property_rules(frame, prop, sql)
        raw += [_quality(frame, q, sql, None) for q in obj.quality or []]
    finally:
        sql.close()
    return [RuleResult(port, rule, bool(ok), detail) for rule, ok, detail in raw]


def to_frame(value: Any) -> pd.DataFrame:
    """Return a pandas frame from what a build function returned (pandas, or an ibis table)."""
    if not isinstance(value, pd.DataFrame) and hasattr(value, "to_pandas"):
        value = value.to_pandas()
    if not isinstance(value, pd.DataFrame):
        raise TypeError(f"a build function returned {type(value).__name__}, not a table")
    # A grouped frame keeps its keys in the index: make them columns, as a table has them.
    return value.reset_index() if any(n is not None for n in value.index.names) else value


def build_function(root: Path, target: str) -> Any:
    """Import `package.module:function` from the product's src/ folder."""
    module_name, _, func_name = target.partition(":")
    src = str((root / "src").resolve())
    if src not in sys.path:
        sys.path.insert(0, src)
    return getattr(importlib.import_module(module_name), func_name)
