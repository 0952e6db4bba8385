"""Reading a notebook's tables statically: ibis calls, SQL strings, magics and broken cells."""

from __future__ import annotations

import pytest

from pairlab.catalog.tables import imported_modules, tables_in_cells, tables_in_code


@pytest.mark.parametrize(
    ("source", "tables"),
    [
        ('claims = con.table("claims")', {"claims"}),
        ("con.table('warehouse.policies')", {"policies"}),
        ('con.sql("SELECT * FROM premiums p JOIN main.policies USING (policy_id)")',
         {"premiums", "policies"}),
        ('q = """\nselect count(*)\nfrom "claim_payments"\n"""', {"claim_payments"}),
        ("%%sql\nSELECT region FROM customers", {"customers"}),
        ('%matplotlib inline\nx = con.table("claims")', {"claims"}),
        ('x = con.table("claims"', {"claims"}),  # a half-typed cell
        ('broken( "SELECT * FROM premiums"', {"premiums"}),
        ("from pairlab.warehouse import connect", set()),  # Python's from is not SQL
        ('print("data from the customers")', set()),  # nor is English without SELECT
        ("con.table(name)", set()),  # a variable: unknown statically, so nothing claimed
        ("", set()),
    ],
)  # fmt: skip
def test_tables_in_code(source: str, tables: set[str]) -> None:
    assert tables_in_code(source) == tables


def test_tables_in_cells_are_sorted_once() -> None:
    cells = ['con.table("claims")', 'con.table("Claims")', 'con.sql("select 1 from policies")']
    assert tables_in_cells(cells) == ["claims", "policies"]


def test_imported_modules_are_top_level_names() -> None:
    cells = ["import claimsfreq\nfrom pairlab.warehouse import connect", "  import os.path, sys"]
    assert imported_modules(cells) == ["claimsfreq", "os", "pairlab"]
