"""Promote's equivalence gate reads a column's type as the contract does, loosely for numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd

from pairlab.promote._contract import logical_type
from pairlab.promote.equivalence import compare


def test_integers_decimals_and_floats_of_equal_values_are_the_same_result() -> None:
    original = pd.DataFrame({"n": [1, 2], "premium": [Decimal("10.50"), Decimal("3.25")]})
    promoted = pd.DataFrame({"n": pd.array([1, 2], dtype="Int64"), "premium": [10.5, 3.25]})
    assert compare(original, promoted).same


def test_dates_turned_into_text_are_named_as_a_changed_type() -> None:
    days = [dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    verdict = compare(pd.DataFrame({"day": days}), pd.DataFrame({"day": [str(d) for d in days]}))
    assert not verdict.same
    assert verdict.differences == ["column `day` is text, was date"]
    assert logical_type(pd.Series(days)) == "date"
