"""A pack's headless run gets other parameter values of the same type, present in the data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pairlab.curriculum._values import other_value
from pairlab.errors import BadInput
from pairlab.warehouse import connect


@pytest.fixture(scope="module")
def con(private_env: Path):
    """Return the private warehouse."""
    return connect()


def test_a_date_becomes_another_date_inside_the_data_s_range(con):
    got = other_value("start", "2024-06-30", ("claims",), lambda: con)
    claims = con.table("claims")
    low, high = (
        claims.aggregate(a=claims.loss_date.min(), b=claims.loss_date.max()).execute().iloc[0]
    )
    assert got == "2023-06-30"  # a year earlier, still a date the table holds losses around
    assert low.date() <= dt.date.fromisoformat(got) <= high.date()


def test_a_category_becomes_another_value_of_the_same_column(con):
    got = other_value("peril", "fire", ("claims",), lambda: con)
    perils = set(con.table("claims").peril.execute())
    assert got in perils and got != "fire"
    claims = con.table("claims")
    assert int(claims.filter(claims.peril == got).count().execute()) > 0  # never an empty table


def test_numbers_and_flags_change_without_the_warehouse():
    def never():
        raise AssertionError("no warehouse needed")

    assert other_value("year", 2024, (), never) == 2023
    assert other_value("strict", True, (), never) is False


def test_a_string_the_data_does_not_hold_is_refused_naming_the_parameter(con):
    with pytest.raises(BadInput) as caught:
        other_value("segment", "no-such-segment", ("claims",), lambda: con)
    message = str(caught.value)
    assert "parameter `segment` = 'no-such-segment' is not a value its input tables hold" in message
    assert "set `segment` in the product notebook's parameters cell" in message
