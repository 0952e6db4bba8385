"""Infer an output port's ODCS contract from the result frame the notebook really produced."""

from __future__ import annotations

from typing import Any

import pandas as pd
import yaml

ACCEPTED_MAX = 12  # a text column with at most this many values gets an accepted-values rule


def logical_type(series: pd.Series) -> str:
    """Return the ODCS logicalType of a column (the one reading of a column's type in promote)."""
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_numeric_dtype(series):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "timestamp"
    sample = series.dropna()
    if len(sample) and all(type(v).__name__ == "date" for v in sample.head(50)):
        return "date"
    if len(sample) and all(type(v).__name__ == "Decimal" for v in sample.head(50)):
        return "number"
    return "string"


def _property(name: str, series: pd.Series, key: bool) -> dict[str, Any]:
    """Return one column's contract: type, required and unique as observed, accepted values."""
    prop: dict[str, Any] = {"name": str(name), "logicalType": logical_type(series)}
    prop["physicalType"] = str(series.dtype)
    prop["required"] = bool(series.notna().all())
    if key and series.notna().all() and series.is_unique:
        prop["unique"] = True
    values = series.dropna()
    if prop["logicalType"] == "string" and 0 < values.nunique() <= ACCEPTED_MAX:
        accepted = sorted(str(v) for v in values.unique())
        prop["quality"] = [
            {
                "name": "accepted values",
                "type": "library",
                "metric": "invalidValues",
                "arguments": {"validValues": accepted},
                "mustBe": 0,
            }
        ]
    return prop


def _business_rule(frame: pd.DataFrame, table: str) -> dict[str, Any] | None:
    """Return a rule the data keeps: the numeric columns seen non-negative stay non-negative."""
    numeric = [c for c in frame.columns if logical_type(frame[c]) in ("integer", "number")]
    kept = [c for c in numeric if frame[c].dropna().astype(float).ge(0).all()]
    if not kept:
        return None
    where = " OR ".join(f'"{c}" < 0' for c in kept)
    return {
        "name": f"no negative {', '.join(kept)}",
        "type": "sql",
        "query": f"SELECT COUNT(*) FROM {table} WHERE {where}",  # noqa: S608 - names from the frame
        "mustBe": 0,
    }


def contract(frame: pd.DataFrame | None, *, product_id: str, port: str, domain: str) -> str:
    """Return the ODCS v3 contract YAML for the output port, from the observed result."""
    obj: dict[str, Any] = {"name": port, "physicalType": "table", "properties": []}
    quality: list[dict[str, Any]] = [
        {"name": "has rows", "type": "library", "metric": "rowCount", "mustBeGreaterThan": 0}
    ]
    if frame is not None:
        first = frame.columns[0] if len(frame.columns) else None
        obj["properties"] = [_property(c, frame[c], c == first) for c in frame.columns]
        rule = _business_rule(frame, port)
        quality += [rule] if rule else []
    obj["quality"] = quality
    doc = {
        "apiVersion": "v3.0.2",
        "kind": "DataContract",
        "id": f"{product_id}.{port}",
        "name": port,
        "version": "0.1.0",
        "status": "draft",
        "domain": domain,
        "dataProduct": product_id,
        "schema": [obj],
    }
    head = f"# ODCS v3 contract of `{port}`, inferred by pairlab promote from a real run.\n"
    body: str = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    return head + body
