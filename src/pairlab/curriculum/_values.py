"""Other parameter values for a pack's headless run, drawn from the type and the data.

A number moves by one, a flag flips; a date becomes another date inside the range the input
tables hold; a category becomes another value present in the same column. A string is never
edited into a value that does not exist (`"home-2"`, `"2025-12-31-2"`): the step would pass on
an empty table or fail to parse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from pairlab.errors import BadInput


def _as_date(value: str) -> dt.date | None:
    """Return `value` as a date when it is an ISO date (2024-12-31), else None."""
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _columns(con: Any, tables: tuple[str, ...], kinds: tuple[str, ...]) -> list[tuple[Any, str]]:
    """Return (table expression, column) for the input tables' columns of these ibis kinds."""
    found = []
    for name in tables:
        table = con.table(name)
        for column, dtype in table.schema().items():
            if any(getattr(dtype, f"is_{kind}")() for kind in kinds):
                found.append((table, column))
    return found


def _other_date(day: dt.date, con: Any, tables: tuple[str, ...]) -> dt.date | None:
    """Return another date within a date column's range that holds `day`, a year earlier first."""
    for table, column in _columns(con, tables, ("date", "timestamp")):
        low, high = (
            table.aggregate(lo=table[column].min(), hi=table[column].max()).execute().iloc[0]
        )
        if low is None or high is None:
            continue
        low, high = _day(low), _day(high)
        if not low <= day <= high:
            continue
        for candidate in (_year_before(day), low, high):
            if candidate != day and low <= candidate <= high:
                return candidate
    return None


def _year_before(day: dt.date) -> dt.date:
    """Return the same day a year earlier (29 February: 365 days earlier)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day - dt.timedelta(days=365)


def _day(value: Any) -> dt.date:
    """Return a date from what the warehouse returned (a date, a timestamp)."""
    day = (
        value.date() if isinstance(value, dt.datetime) or hasattr(value, "to_pydatetime") else value
    )
    if not isinstance(day, dt.date):
        raise TypeError(f"not a date: {value!r}")
    return day


def _other_category(value: str, con: Any, tables: tuple[str, ...]) -> str | None:
    """Return another value of the first string column that holds `value`."""
    for table, column in _columns(con, tables, ("string",)):
        if int(table.filter(table[column] == value).count().execute()) == 0:
            continue
        values = table.select(column).distinct().order_by(column).limit(50).execute()[column]
        others = [v for v in values if isinstance(v, str) and v != value]
        if others:
            return others[0]
    return None


def other_value(name: str, value: Any, tables: tuple[str, ...], connect: Callable[[], Any]) -> Any:
    """Return another value for parameter `name`, of its type and present in the data."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value - 1
    if isinstance(value, str):
        day = _as_date(value)
        found = (
            _other_date(day, connect(), tables)
            if day is not None
            else _other_category(value, connect(), tables)
        )
        if found is not None:
            return found.isoformat() if isinstance(found, dt.date) else found
    raise BadInput(
        f"the product's parameter `{name}` = {value!r} is not a value its input tables hold "
        "(lesson 4 runs the notebook again with another value of it)",
        f"set `{name}` in the product notebook's parameters cell to a value from the data",
    )


def other_values(parameters: dict[str, Any], tables: tuple[str, ...]) -> dict[str, Any]:
    """Return another value for every parameter; connect to the warehouse once, if needed."""
    held: list[Any] = []

    def connect() -> Any:
        if not held:
            from pairlab.warehouse import connect as open_warehouse

            held.append(open_warehouse())
        return held[0]

    return {k: other_value(k, v, tables, connect) for k, v in parameters.items()}
