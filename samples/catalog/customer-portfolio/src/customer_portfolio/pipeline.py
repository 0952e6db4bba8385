"""Build customer_portfolio from the warehouse's customers and policies."""

from __future__ import annotations

import ibis.expr.types as ir
from ibis.backends import BaseBackend


def run(con: BaseBackend) -> ir.Table:
    """Return customers and policies by the customer's region, segment and product line."""
    customers = con.table("customers").select("customer_id", "region", "segment")
    policies = con.table("policies").select("policy_id", "customer_id", "product_line")
    held = policies.join(customers, "customer_id")
    return (
        held.group_by("region", "segment", "product_line")
        .agg(customers=held.customer_id.nunique(), policies=held.count())
        .order_by("region", "segment", "product_line")
    )
