"""Stage 4: the original notebook and the promoted product must produce the same table."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pairlab.promote._contract import logical_type

RTOL = 1e-9
ATOL = 1e-9
SHOWN = 3


@dataclass
class Verdict:
    """Whether two tables match, and if not, the first differences found."""

    same: bool
    rows: int
    columns: list[str]
    differences: list[str] = field(default_factory=list)


def _kind(series: pd.Series) -> str:
    """Return a column's kind: its contract type, loose so that int64, Int64 and Decimal agree."""
    kind = logical_type(series)
    return {"integer": "number", "string": "text"}.get(kind, kind)


def _column_differences(name: str, left: pd.Series, right: pd.Series) -> list[str]:
    """Compare one column row by row; numbers within tolerance, the rest exactly."""
    if _kind(left) == "number":
        a, b = left.astype(float).to_numpy(), right.astype(float).to_numpy()
        bad = ~np.isclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True)
    else:
        a, b = left.astype(object).to_numpy(), right.astype(object).to_numpy()
        bad = np.array(
            [not (x == y or (pd.isna(x) and pd.isna(y))) for x, y in zip(a, b, strict=True)]
        )
    rows = np.flatnonzero(bad)
    return [f"column `{name}` row {i}: {a[i]!r} != {b[i]!r}" for i in rows[:SHOWN]]


def compare(original: pd.DataFrame, promoted: pd.DataFrame) -> Verdict:
    """Compare schema, row count and values (rows in a stable order on both sides)."""
    columns = list(original.columns)
    verdict = Verdict(True, len(original), columns)
    if list(promoted.columns) != columns:
        verdict.differences.append(f"columns {list(promoted.columns)} != {columns}")
    elif len(promoted) != len(original):
        verdict.differences.append(f"{len(promoted)} rows != {len(original)} rows")
    else:
        for name in columns:
            if _kind(original[name]) != _kind(promoted[name]):
                verdict.differences.append(
                    f"column `{name}` is {_kind(promoted[name])}, was {_kind(original[name])}"
                )
            else:
                verdict.differences += _column_differences(name, original[name], promoted[name])
    verdict.same = not verdict.differences
    return verdict


def compare_runs(original: Path, promoted: Path) -> dict[str, Verdict]:
    """Compare the original's result with the rewritten notebook's and with pipeline.run()'s."""
    base = pd.read_parquet(original / "original.parquet")
    return {
        "rewritten notebook": compare(base, pd.read_parquet(promoted / "promoted.parquet")),
        "pipeline.run()": compare(base, pd.read_parquet(promoted / "pipeline.parquet")),
    }
