"""The planted defects: their exact counts are the curriculum's known answers."""

from __future__ import annotations

from pathlib import Path

import ibis
import pytest
from ibis.backends import BaseBackend

from pairlab.warehouse import defect_counts, generate
from pairlab.warehouse.queries import DEFECTS

# Keep in step with the table in docs/warehouse.md: lessons and checks quote these numbers.
KNOWN = {
    (42, 0.01): {
        "duplicate_claims": 5,
        "loss_outside_policy": 5,
        "orphan_payments": 9,
        "null_regions": 35,
        "payments_exceeding_incurred": 4,
    },
    (42, 1): {
        "duplicate_claims": 420,
        "loss_outside_policy": 275,
        "orphan_payments": 572,
        "null_regions": 3755,
        "payments_exceeding_incurred": 578,
    },
    (7, 0.01): {
        "duplicate_claims": 1,
        "loss_outside_policy": 3,
        "orphan_payments": 15,
        "null_regions": 44,
        "payments_exceeding_incurred": 5,
    },
}


def test_default_warehouse_has_the_documented_defects(con: BaseBackend) -> None:
    assert defect_counts(con) == KNOWN[(42, 0.01)]


@pytest.mark.parametrize(("seed", "scale"), [(7, 0.01), (42, 1)])
def test_other_seeds_and_scales_have_their_documented_defects(
    tmp_path: Path, seed: int, scale: float
) -> None:
    done = generate(tmp_path / "w.duckdb", scale, seed)
    con = ibis.duckdb.connect(str(done.path), read_only=True)
    assert defect_counts(con) == KNOWN[(seed, scale)]


def test_the_docs_quote_the_same_counts() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "warehouse.md").read_text()
    for (seed, scale), counts in KNOWN.items():
        row = f"| {seed} | {scale} | " + " | ".join(str(counts[name]) for name in DEFECTS) + " |"
        assert row in docs, f"docs/warehouse.md lacks the row {row}"


@pytest.mark.parametrize("name", DEFECTS)
def test_each_defect_is_present_so_a_lesson_can_find_it(con: BaseBackend, name: str) -> None:
    assert defect_counts(con)[name] > 0


def test_duplicates_are_exact_copies_but_for_the_id(con: BaseBackend) -> None:
    claims = con.table("claims")
    key = ["policy_id", "loss_date", "report_date", "peril", "status", "incurred", "closed_date"]
    copies = claims.group_by(key).agg(n=claims.count()).filter(ibis._.n > 1)
    assert int(copies.n.sum().execute()) - int(copies.count().execute()) == 5


def test_orphan_payments_belong_to_claims_that_are_gone(con: BaseBackend) -> None:
    payments, claims = con.table("claim_payments"), con.table("claims")
    orphans = payments.anti_join(claims, "claim_id")
    # Their claim ids fall inside the range of real ids: deleted upstream, not mistyped.
    assert int(orphans.claim_id.max().execute()) < int(claims.claim_id.max().execute())
