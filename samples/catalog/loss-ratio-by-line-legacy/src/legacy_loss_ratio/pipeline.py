"""Build loss_ratio_by_line as the finance spreadsheet did: duplicate claims included."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend


def run(con: BaseBackend) -> ir.Table:
    """Return earned, incurred and loss ratio by product line and calendar year."""
    policies = con.table("policies").select("policy_id", "product_line")
    premiums = con.table("premiums").join(policies, "policy_id")
    claims = con.table("claims").join(policies, "policy_id")
    earned = premiums.group_by("product_line", year=premiums.month.year()).agg(
        earned=premiums.earned_premium.sum().cast("float64")
    )
    incurred = claims.group_by("product_line", year=claims.loss_date.year()).agg(
        incurred=claims.incurred.sum().cast("float64")
    )
    joined = earned.left_join(incurred, ["product_line", "year"]).select(
        "product_line", "year", "earned", incurred=ibis.coalesce(ibis._.incurred, 0.0)
    )
    return joined.mutate(loss_ratio=joined.incurred / joined.earned).order_by(
        "product_line", "year"
    )
