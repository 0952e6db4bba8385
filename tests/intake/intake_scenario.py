"""The intake tests' program (four central engineers: a limit of 2), requests and clock."""

from __future__ import annotations

from dataclasses import dataclass

PROGRAM = """\
name = "Intake test program"
central = "enablement"

[[teams]]
id = "enablement"
members = [
  { name = "Eli Novak", role = "engineer", user = "eli" },
  { name = "Sam Ortiz", role = "engineer", user = "sam" },
  { name = "Uma Reed", role = "engineer", user = "uma" },
  { name = "Vic Hale", role = "engineer", user = "vic" },
]

[[teams]]
id = "claims"
members = [
  { name = "Ana Lima", role = "analyst", user = "ana" },
  { name = "Ben Okafor", role = "analyst", user = "ben" },
]

[[teams]]
id = "pricing"
members = [{ name = "Dara Fox", role = "analyst", user = "dara" }]

[[teams]]
id = "marketing"
members = [{ name = "Mo Chen", role = "analyst", user = "mo" }]

[[teams]]
id = "finance"
members = [{ name = "Fay Diaz", role = "analyst", user = "fay" }]

[[teams]]
id = "distribution"
members = [{ name = "Dov Kim", role = "analyst" }]

[[teams]]
id = "underwriting"
members = [{ name = "Uli Berg", role = "analyst" }]

[[teams]]
id = "fraud"
members = [{ name = "Fred Lowe", role = "analyst" }]
"""

DAY = 24 * 3600.0
T0 = 1_800_000_000.0  # a fixed moment, so waiting weeks and expected dates are exact


def hypothesis(threshold: float | None = 3) -> dict[str, object]:
    """Return a structured hypothesis (measurable when it has a threshold)."""
    return {"statement": "the consumer uses it every month", "metric": "consumers",
            "threshold": threshold, "window": "30d"}  # fmt: skip


# Six requests that queue, and one that the sample catalog answers by reuse ("B"):
# claims-frequency-by-region (active) reads claims and policies and names the idea.
REQUESTS = {
    "E": {"team": "distribution", "idea": "Broker commission outliers", "consumer": "sales",
          "tables": ["premiums", "customers", "brokers"], "analysts": ["Dov Kim"]},
    "A": {"team": "claims", "idea": "Fraud flags on new claims", "consumer": "SIU",
          "tables": ["claims", "customers"], "analysts": ["Ana Lima", "Ben Okafor"],
          "hypothesis": hypothesis()},
    "B": {"team": "pricing", "idea": "Monthly claims frequency by region",
          "consumer": "pricing review", "tables": ["claims", "policies"],
          "analysts": ["Dara Fox"], "hypothesis": hypothesis()},
    "C": {"team": "marketing", "idea": "Churn risk by customer segment", "consumer": "CRM",
          "tables": ["customers", "premiums"], "analysts": ["Mo Chen"],
          "hypothesis": {"statement": "CRM calls the riskiest segment first"},
          "reused_by": ["pricing"]},
    "D": {"team": "finance", "idea": "Payment timing of earned premium", "consumer": "treasury",
          "tables": ["premiums", "claim_payments"], "analysts": ["Fay Diaz"],
          "hypothesis": hypothesis(2), "reused_by": ["claims", "pricing"]},
    "F": {"team": "underwriting", "idea": "Underwriting referral rates", "consumer": "UW",
          "tables": ["policies", "customers", "claims"], "analysts": ["Uli Berg"],
          "hypothesis": hypothesis(5)},
    "G": {"team": "fraud", "idea": "Repeat claimants", "consumer": "SIU",
          "tables": ["claims", "customers"], "analysts": ["Fred Lowe"]},
}  # fmt: skip


@dataclass
class Clock:
    """A clock the test moves."""

    now: float = T0

    def __call__(self) -> float:
        return self.now
