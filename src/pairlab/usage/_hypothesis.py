"""A product's value hypothesis, structured: what would prove it, measured how, judged when.

It lives in the descriptor's customProperties (ODPS leaves their values free):

    customProperties:
      - property: valueHypothesis
        value:
          statement: Pricing analysts use the loss ratios in their quarterly review.
          metric: consumers        # consumers | queries | reusing-products | sql
          threshold: 3
          window: 30d              # the days before the review that count
          reviewDate: 2027-01-15
          rule: {keep: 3, iterate: 1.5}   # optional; default keep >= threshold, iterate >= half
          # metric: sql measures with a query on the product's own output tables instead:
          # sql: SELECT count(DISTINCT region) FROM products.x WHERE month >= {window_start}
      - property: reviews          # written by `pairlab review`, one entry per decision
        value: [{date, window, measured, threshold, decision, by}]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pairlab.errors import BadInput

METRICS = ("consumers", "queries", "reusing-products", "sql")
DECISIONS = ("keep", "iterate", "kill")
_WINDOW = re.compile(r"^\s*(\d+)\s*d?\s*$")
FIX = "see docs/usage.md: valueHypothesis {statement, metric, threshold, window, reviewDate}"


@dataclass(frozen=True)
class Hypothesis:
    """A structured value hypothesis."""

    statement: str
    metric: str
    threshold: float
    window_days: int
    review_date: date | None
    keep: float
    iterate: float
    sql: str = ""  # metric sql: the query whose first value is the measure

    def decide(self, measured: float) -> str:
        """Apply the rule written before looking: keep, iterate or kill."""
        if measured >= self.keep:
            return "keep"
        return "iterate" if measured >= self.iterate else "kill"

    def window(self, at: date) -> tuple[date, date]:
        """Return the window [start, end) that ends on the review day (included)."""
        end = at + timedelta(days=1)
        return end - timedelta(days=self.window_days), end


def _number(value: Any, field: str) -> float:
    """Return a number field (whole numbers stay whole), or say which field is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadInput(f"valueHypothesis.{field} is {value!r}, not a number", FIX)
    return value


def _date(value: Any, field: str) -> date | None:
    """Return a date field (YAML reads 2027-01-15 as a date already)."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise BadInput(
            f"valueHypothesis.{field} is {value!r}, not a date YYYY-MM-DD", FIX
        ) from None


def parse_hypothesis(value: Any, product: str) -> Hypothesis:
    """Return the structured hypothesis of a product, or say in one line what is missing."""
    if not isinstance(value, dict):
        raise BadInput(
            f"{product}: the valueHypothesis states no metric to measure",
            "write it as {statement, metric, threshold, window, reviewDate} (docs/usage.md)",
        )
    metric = value.get("metric")
    if metric not in METRICS:
        raise BadInput(f"{product}: valueHypothesis.metric is {metric!r}",
                       f"use one of {', '.join(METRICS)}")  # fmt: skip
    threshold = _number(value.get("threshold"), "threshold")
    match = _WINDOW.match(str(value.get("window", "")))
    if not match or int(match.group(1)) < 1:
        raise BadInput(f"{product}: valueHypothesis.window is {value.get('window')!r}",
                       "give a number of days, e.g. 30d")  # fmt: skip
    rule = value.get("rule") or {}
    if not isinstance(rule, dict):
        raise BadInput(f"{product}: valueHypothesis.rule is not a mapping", "write {keep, iterate}")
    keep = _number(rule.get("keep", threshold), "rule.keep")
    iterate = _number(rule.get("iterate", threshold / 2), "rule.iterate")
    sql = value.get("sql")
    if metric == "sql" and (not isinstance(sql, str) or not sql.strip()):
        raise BadInput(
            f"{product}: valueHypothesis.metric is sql but it gives no `sql` query",
            "add sql: a SELECT on the product's output tables returning one number",
        )
    return Hypothesis(
        str(value.get("statement") or ""), metric, threshold, int(match.group(1)),
        _date(value.get("reviewDate"), "reviewDate"), keep, iterate,
        sql.strip() if metric == "sql" and isinstance(sql, str) else "",
    )  # fmt: skip
