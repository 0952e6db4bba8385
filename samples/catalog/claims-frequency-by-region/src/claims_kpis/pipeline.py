"""Build monthly_claims_kpis from the warehouse's policies, premiums and claims."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

# A claim keyed twice carries the same policy, loss date, peril and amount.
CLAIM_KEY = ["policy_id", "loss_date", "peril", "incurred"]
KEYS = ["month", "product_line", "region"]


def _policies(con: BaseBackend) -> ir.Table:
    """Return policies with a region, Unknown where the warehouse has none."""
    policies = con.table("policies")
    return policies.select("policy_id", "product_line", region=policies.region.fill_null("Unknown"))


def _claims(con: BaseBackend, year: int) -> ir.Table:
    """Return the year's claims with every claim keyed twice counted once."""
    claims = con.table("claims")
    first = claims.group_by(CLAIM_KEY).agg(claim_id=claims.claim_id.min())
    claims = claims.semi_join(first, "claim_id")
    return claims.filter(claims.loss_date.year() == year)


def run(con: BaseBackend, year: int = 2024) -> ir.Table:
    """Return frequency and loss ratio by month, product line and region for `year`."""
    policies = _policies(con)
    premiums = con.table("premiums")
    cover = premiums.filter(premiums.month.year() == year).join(policies, "policy_id")
    exposure = cover.group_by(KEYS).agg(
        exposure_years=cover.earned_days.sum().cast("float64") / 365.0,
        earned=cover.earned_premium.sum().cast("float64"),
    )
    losses = _claims(con, year).join(policies, "policy_id")
    losses = losses.mutate(month=losses.loss_date.truncate("M").cast("date"))
    counts = losses.group_by(KEYS).agg(
        claims=losses.count(), incurred=losses.incurred.sum().cast("float64")
    )
    joined = exposure.left_join(counts, KEYS).select(
        *KEYS,
        "exposure_years",
        "earned",
        claims=ibis.coalesce(ibis._.claims, 0),
        incurred=ibis.coalesce(ibis._.incurred, 0.0),
    )
    return joined.mutate(
        frequency=joined.claims / joined.exposure_years,
        loss_ratio=joined.incurred / joined.earned,
    ).order_by(KEYS)
