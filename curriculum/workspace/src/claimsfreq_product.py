"""Lesson 11's output port: the product over every year pricing reviews, as publish builds it."""

from __future__ import annotations

import ibis
import pandas as pd

# claimsfreq.py sits in the workspace folder, which the notebook's kernel imports from.
import claimsfreq

YEARS = range(2020, 2025)


def monthly(con: ibis.BaseBackend) -> pd.DataFrame:
    """Return frequency and loss ratio by month, product line and region for 2020-2024."""
    frames = [claimsfreq.claims_frequency(con, year=y) for y in YEARS]
    return pd.concat(frames, ignore_index=True)
