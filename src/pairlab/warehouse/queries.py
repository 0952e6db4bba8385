"""Questions the lessons ask of the warehouse, as ibis expressions that run on any backend."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

# The planted data-quality defects, by the name the lessons and docs/warehouse.md use.
DEFECTS = (
    "duplicate_claims",
    "loss_outside_policy",
    "orphan_payments",
    "null_regions",
    "payments_exceeding_incurred",
)


def defect_checks(con: BaseBackend) -> dict[str, ir.IntegerScalar]:
    """Return one counting expression per planted defect."""
    claims = con.table("claims")
    policies = con.table("policies")
    payments = con.table("claim_payments")
    # A claim keyed twice: same policy, loss date, peril and amount; count the extra copies.
    copies = claims.group_by("policy_id", "loss_date", "peril", "incurred").agg(n=ibis._.count())
    covered = claims.join(policies, "policy_id")
    paid = payments.group_by("claim_id").agg(paid=payments.amount.sum())
    overpaid = claims.join(paid, "claim_id")
    return {
        "duplicate_claims": (copies.n - 1).sum(),
        "loss_outside_policy": covered.filter(
            (covered.loss_date < covered.start_date) | (covered.loss_date > covered.end_date)
        ).count(),
        "orphan_payments": payments.anti_join(claims, "claim_id").count(),
        "null_regions": policies.filter(policies.region.isnull()).count(),
        "payments_exceeding_incurred": overpaid.filter(overpaid.paid > overpaid.incurred).count(),
    }


def defect_counts(con: BaseBackend) -> dict[str, int]:
    """Count each planted defect on the backend."""
    return {name: int(expr.execute()) for name, expr in defect_checks(con).items()}


def loss_ratio(con: BaseBackend) -> ir.Table:
    """Return incurred over earned premium by product line and calendar year."""
    policies = con.table("policies").select("policy_id", "product_line")
    premiums = con.table("premiums").join(policies, "policy_id")
    claims = con.table("claims").join(policies, "policy_id")
    earned = premiums.group_by("product_line", year=premiums.month.year().cast("int32")).agg(
        earned=premiums.earned_premium.sum().cast("float64")
    )
    incurred = claims.group_by("product_line", year=claims.loss_date.year().cast("int32")).agg(
        incurred=claims.incurred.sum().cast("float64"), claims=claims.count()
    )
    joined = earned.left_join(incurred, ["product_line", "year"]).select(
        "product_line",
        "year",
        "earned",
        incurred=ibis.coalesce(ibis._.incurred, 0.0),
        claims=ibis.coalesce(ibis._.claims, 0),
    )
    return joined.mutate(loss_ratio=(joined.incurred / joined.earned).round(4)).order_by(
        "product_line", "year"
    )
