"""Build monthly_written_premium from the warehouse's policies and premiums."""

from __future__ import annotations

import ibis.expr.types as ir
from ibis.backends import BaseBackend


def run(con: BaseBackend) -> ir.Table:
    """Return policies sold and premium written by month, channel and product line."""
    premiums = con.table("premiums")
    written = premiums.filter(premiums.written_premium > 0)
    policies = con.table("policies").select("policy_id", "channel", "product_line")
    sold = written.join(policies, "policy_id")
    keys = ["month", "channel", "product_line"]
    return (
        sold.group_by(keys)
        .agg(policies_sold=sold.count(), written_premium=sold.written_premium.sum().cast("float64"))
        .order_by(keys)
    )
