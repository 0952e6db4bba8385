"""Build settlement_times from the warehouse's claims, claim payments and policies."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend


def run(con: BaseBackend) -> ir.Table:
    """Return closed claims, mean days to close and amount paid by product line and peril."""
    claims = con.table("claims")
    closed = claims.filter(claims.status == "closed")
    payments = con.table("claim_payments")
    paid = payments.group_by("claim_id").agg(paid=payments.amount.sum().cast("float64"))
    policies = con.table("policies").select("policy_id", "product_line")
    rows = closed.join(policies, "policy_id").left_join(paid, "claim_id")
    rows = rows.mutate(days=rows.closed_date.delta(rows.report_date, unit="day"))
    return (
        rows.group_by("product_line", "peril")
        .agg(
            closed_claims=rows.count(),
            mean_days_to_close=rows.days.mean(),
            paid=ibis.coalesce(rows.paid, 0.0).sum(),
        )
        .order_by("product_line", "peril")
    )
