"""The contract gate: every rule of a port's ODCS contract on the built rows, failing rows named."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
from open_data_contract_standard.model import OpenDataContractStandard

from pairlab.catalog.contract import RuleResult, check_frame
from pairlab.errors import PairlabError, and_more

SHOWN_ROWS = 2


class GateFailed(PairlabError):
    """A publish gate said no (a contract rule, a version rule): exit 1, nothing written."""


def _masks(
    frame: pd.DataFrame, contract: OpenDataContractStandard
) -> Iterator[tuple[str, pd.Series]]:
    """Yield (rule, rows that break it) for the rules a row can break on its own."""
    obj = (contract.schema_ or [])[0]
    for prop in obj.properties or []:
        name = prop.name or ""
        if name not in frame.columns:
            continue
        series = frame[name]
        if prop.required:
            yield f"{name}: required", series.isna()
        if prop.unique:
            yield f"{name}: unique", series.notna() & series.duplicated(keep=False)
        for q in prop.quality or []:
            valid = (q.arguments or {}).get("validValues")
            if (q.metric or q.rule) == "invalidValues" and valid is not None:
                label = f"{name}: {q.name or q.metric or q.rule or q.type or 'rule'}"
                yield label, series.notna() & ~series.isin(valid)


def _show(value: Any) -> str:
    """Return a cell as people read it: null, 2024-01-01, 0.326027, 'home'."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return "null"
    if isinstance(value, pd.Timestamp):
        return str(value.date() if value == value.normalize() else value.isoformat())
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value) if isinstance(value, str) else str(value)


def failing_rows(frame: pd.DataFrame, contract: OpenDataContractStandard, rule: str) -> str:
    """Return the first rows that break `rule`, as text ('' when rows cannot be singled out)."""
    for label, mask in _masks(frame, contract):
        if label == rule and mask.any():
            rows = frame[mask].head(SHOWN_ROWS)
            shown = "; ".join(
                "row " + str(i) + " " + ", ".join(f"{k}={_show(v)}" for k, v in row.items())
                for i, row in zip(rows.index, rows.to_dict("records"), strict=True)
            )
            return shown + and_more(int(mask.sum()), len(rows))
    return ""


def gate(
    product: str, port: str, frame: pd.DataFrame, contract: OpenDataContractStandard
) -> list[RuleResult]:
    """Check every rule of the contract on `frame`; raise GateFailed naming each broken one."""
    results = check_frame(frame, contract, port)
    failed = [r for r in results if not r.passed]
    if not failed:
        return results
    parts = []
    for result in failed:
        rows = failing_rows(frame, contract, result.rule)
        parts.append(f"{result.rule} ({result.detail}{'; ' + rows if rows else ''})")
    raise GateFailed(
        f"{product}, port {port}: the contract gate refused to publish: {len(failed)} of "
        f"{len(results)} rules fail: " + "; ".join(parts),
        "fix the pipeline or the contract, then publish again (nothing was written)",
    )
