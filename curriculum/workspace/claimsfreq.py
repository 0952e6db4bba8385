"""Monthly claims frequency and loss ratio by product line and region: lesson 4's functions."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd

# A claim keyed twice carries the same policy, loss date, peril and amount (docs/warehouse.md).
CLAIM_KEY = ["policy_id", "loss_date", "peril", "incurred"]
UNKNOWN_REGION = "Unknown"


def clean_claims(claims: ir.Table) -> ir.Table:
    """Keep the first claim_id of every claim keyed twice."""
    first = claims.group_by(CLAIM_KEY).agg(claim_id=claims.claim_id.min())
    return claims.semi_join(first, "claim_id")


def with_region(policies: ir.Table) -> ir.Table:
    """Label policies without a region `Unknown` instead of dropping them from every total."""
    return policies.mutate(region=policies.region.fill_null(UNKNOWN_REGION))


def monthly_exposure(premiums: ir.Table, policies: ir.Table, year: int) -> ir.Table:
    """Return earned premium and exposure in years by month, product line and region."""
    cover = premiums.filter(premiums.month.year() == year).join(policies, "policy_id")
    return cover.group_by("month", "product_line", "region").agg(
        earned=cover.earned_premium.sum().cast("float64"),
        exposure_years=cover.earned_days.sum().cast("float64") / 365.0,
    )


def monthly_claims(claims: ir.Table, policies: ir.Table, year: int) -> ir.Table:
    """Return claim counts and incurred by loss month, product line and region."""
    losses = claims.filter(claims.loss_date.year() == year).join(policies, "policy_id")
    losses = losses.mutate(month=losses.loss_date.truncate("M"))
    return losses.group_by("month", "product_line", "region").agg(
        claims=losses.count(), incurred=losses.incurred.sum().cast("float64")
    )


def claims_frequency(con: ibis.BaseBackend, year: int, region: str | None = None) -> pd.DataFrame:
    """Return the product: frequency and loss ratio by month, product line and region."""
    policies = with_region(con.table("policies")).select("policy_id", "product_line", "region")
    exposure = monthly_exposure(con.table("premiums"), policies, year)
    counts = monthly_claims(clean_claims(con.table("claims")), policies, year)
    keys = ["month", "product_line", "region"]
    joined = exposure.left_join(counts, keys).select(
        *keys,
        "earned",
        "exposure_years",
        claims=ibis.coalesce(ibis._.claims, 0),
        incurred=ibis.coalesce(ibis._.incurred, 0.0),
    )
    if region is not None:
        joined = joined.filter(joined.region == region)
    result = joined.mutate(
        frequency=(joined.claims / joined.exposure_years).round(4),
        loss_ratio=(joined.incurred / joined.earned).round(4),
    )
    return result.order_by(keys).execute()
