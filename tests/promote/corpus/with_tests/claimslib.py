"""Claims helpers the pair moved out of the notebook."""


def closed_claims(con, year):
    """Return closed claims of `year` with their region and days to close."""
    claims = con.table("claims")
    policies = con.table("policies").select("policy_id", "region")
    closed = claims.filter(claims.status == "closed")
    closed = closed.filter(closed.loss_date.year() == year)
    closed = closed.join(policies, "policy_id")
    days = closed.closed_date.delta(closed.report_date, unit="day")
    return closed.select("claim_id", "region", days=days)


def days_label(days):
    """Return a label for a number of days to close."""
    return "fast" if days <= 30 else "slow"
