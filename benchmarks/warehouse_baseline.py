"""The baseline for the generator benchmark: the same warehouse written the straightforward way.

pandas and numpy, vectorized as an analyst would write it (numpy's own Poisson, Gamma and
lognormal draws; np.repeat to expand policies into months and claims into payments), then the
frames loaded into a DuckDB file with the same schema as `pairlab warehouse init` writes.
Same tables, same columns and types, same distributions and defect rates; not the same
values (numpy's generator is not DuckDB's hash).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pairlab.warehouse import _sql
from pairlab.warehouse.generator import sizes

AS_OF = np.datetime64("2025-12-31")
DAY = np.timedelta64(1, "D")


def _pick(rng: np.random.Generator, n: int, labels: list[str], p: list[float]) -> np.ndarray:
    return rng.choice(np.array(labels, dtype=object), size=n, p=p)


def customers(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """One row per customer."""
    return pd.DataFrame(
        {
            "customer_id": np.arange(1, n + 1),
            "birth_date": np.datetime64("1942-01-01") + rng.integers(0, 22645, n) * DAY,
            "region": _pick(
                rng, n, ["Capital", "North", "South", "East", "West"], [0.15, 0.22, 0.25, 0.18, 0.2]
            ),
            "segment": np.where(rng.random(n) < 0.12, "premier", "standard"),
        }
    )


def policies(rng: np.random.Generator, n: int, cust: pd.DataFrame) -> pd.DataFrame:
    """One row per policy, priced by line, age and region."""
    df = pd.DataFrame({"policy_id": np.arange(1, n + 1)})
    df["customer_id"] = rng.integers(1, len(cust) + 1, n)
    df["product_line"] = _pick(rng, n, ["motor", "home", "travel"], [0.5, 0.32, 0.18])
    df["start_date"] = np.datetime64("2020-01-01") + rng.integers(0, 1827, n) * DAY
    trip = (df.product_line == "travel") & (rng.random(n) < 0.7)
    annual_end = (df.start_date + pd.DateOffset(years=1)) - pd.Timedelta(days=1)
    df["end_date"] = np.where(trip, df.start_date + rng.integers(2, 28, n) * DAY, annual_end)
    z = rng.standard_normal(n)
    df["sum_insured"] = np.select(
        [df.product_line == "motor", df.product_line == "home"],
        [np.round(15000 * np.exp(0.5 * z), -2), np.round(300000 * np.exp(0.45 * z), -3)],
        _pick(rng, n, ["2000", "5000", "10000"], [0.5, 0.35, 0.15]).astype(float),
    )
    df = df.merge(cust[["customer_id", "birth_date", "region"]], on="customer_id", how="left")
    age = ((df.start_date - df.birth_date).dt.days / 365.25).astype(int)
    region_price = df.region.map({"Capital": 1.25, "North": 0.95, "East": 0.9}).fillna(1.0)
    days = (df.end_date - df.start_date).dt.days + 1
    motor = (
        700
        * (df.sum_insured / 15000) ** 0.3
        * np.select([age < 25, age < 30, age >= 70], [1.8, 1.3, 1.2], 1.0)
    )
    travel = np.where(days < 41, 15 + 1.5 * days, 110) * (df.sum_insured / 5000) ** 0.2
    base = np.select(
        [df.product_line == "motor", df.product_line == "home"],
        [motor, df.sum_insured * 0.0022],
        travel,
    )
    df["premium"] = np.round(region_price * base, 2)
    df["channel"] = _pick(rng, n, ["online", "broker", "direct"], [0.45, 0.3, 0.25])
    df["true_region"], df["age"] = df.region, age
    df.loc[rng.random(n) < _sql.NULL_REGION_RATE, "region"] = None
    return df


def premiums(pol: pd.DataFrame) -> pd.DataFrame:
    """One row per policy and calendar month of cover, earned pro rata in integer cents."""
    start_m = pol.start_date.values.astype("datetime64[M]")
    end_m = pol.end_date.values.astype("datetime64[M]")
    n_months = (end_m - start_m).astype(int) + 1
    idx = np.repeat(np.arange(len(pol)), n_months)
    offset = np.arange(len(idx)) - np.repeat(np.cumsum(n_months) - n_months, n_months)
    month = (start_m[idx] + offset).astype("datetime64[D]")
    month_end = (start_m[idx] + offset + 1).astype("datetime64[D]") - DAY
    start, end = pol.start_date.values[idx], pol.end_date.values[idx]
    earned_days = ((np.minimum(end, month_end) - np.maximum(start, month)) / DAY).astype(int) + 1
    cum_days = ((np.minimum(end, month_end) - start) / DAY).astype(int) + 1
    term = ((end - start) / DAY).astype(int) + 1
    cents = np.round(pol.premium.values[idx] * 100).astype(np.int64)
    earned = cents * cum_days // term - cents * (cum_days - earned_days) // term
    return pd.DataFrame(
        {
            "policy_id": pol.policy_id.values[idx],
            "month": month,
            "written_cents": np.where(offset == 0, cents, 0),
            "earned_cents": earned,
            "earned_days": earned_days,
        }
    )


SEVERITY = {  # (line, peril): (mean, probability within the line)
    "motor": {
        "collision": (3500, 0.55),
        "glass": (450, 0.2),
        "theft": (6000, 0.17),
        "fire": (5000, 0.08),
    },
    "home": {
        "water": (4000, 0.4),
        "storm": (6000, 0.25),
        "theft": (3000, 0.2),
        "fire": (25000, 0.11),
        "subsidence": (15000, 0.04),
    },
    "travel": {"medical": (1200, 0.45), "cancellation": (600, 0.35), "baggage": (350, 0.2)},
}


def _claim_counts(rng: np.random.Generator, prem: pd.DataFrame, pol: pd.DataFrame) -> pd.DataFrame:
    """Draw Poisson claim counts per policy-month and expand them into one row per claim."""
    p = prem.merge(
        pol[
            [
                "policy_id",
                "product_line",
                "start_date",
                "end_date",
                "sum_insured",
                "true_region",
                "age",
            ]
        ],
        on="policy_id",
    )
    single = (p.end_date - p.start_date).dt.days < 40
    base = np.select(
        [p.product_line == "motor", p.product_line == "home", single], [0.14, 0.07, 0.8], 0.12
    )
    region = p.true_region.map(
        {"Capital": 1.3, "North": 0.9, "South": 1.0, "East": 0.85, "West": 1.2}
    )
    young = np.where(
        p.product_line != "motor",
        1.0,
        np.select([p.age < 25, p.age < 30, p.age >= 70], [2.2, 1.4, 1.3], 1.0),
    )
    m = p.month.dt.month
    amp, peak = (
        np.select([p.product_line == "travel", p.product_line == "home"], [0.4, 0.3], 0.25),
        np.where(p.product_line == "travel", 7, 1),
    )
    lam = (
        base
        * region
        * young
        * (1 + amp * np.cos(2 * np.pi * (m - peak) / 12))
        * p.earned_days
        / 365
    )
    n = rng.poisson(lam)
    c = p.loc[p.index.repeat(n)].reset_index(drop=True)
    c["j"] = c.groupby(["policy_id", "month"]).cumcount()
    first = np.maximum(c.start_date, c.month)
    c["loss_date"] = first + pd.to_timedelta(
        (rng.integers(0, 1 << 30, len(c)) % c.earned_days + c.j * 7) % c.earned_days, unit="D"
    )
    return c


def _severity(rng: np.random.Generator, c: pd.DataFrame) -> pd.DataFrame:
    """Pick a peril by line; draw Gamma (motor) or lognormal (home, travel) severity."""
    c["peril"] = ""
    c["mean"] = 0.0
    for line, perils in SEVERITY.items():
        rows = c.product_line == line
        names = list(perils)
        chosen = rng.choice(names, size=int(rows.sum()), p=[perils[k][1] for k in names])
        c.loc[rows, "peril"] = chosen
        c.loc[rows, "mean"] = [perils[k][0] for k in chosen]
    sigma = np.where(c.product_line == "home", 1.0, 0.8)
    lognormal = c["mean"] * np.exp(sigma * rng.standard_normal(len(c)) - sigma**2 / 2)
    gamma = rng.gamma(2.0, c["mean"] / 2.0)
    sev = np.where(c.product_line == "motor", gamma, lognormal)
    c["severity"] = np.minimum(c.sum_insured, np.maximum(50, sev))
    delay_mean = c.product_line.map({"motor": 4, "home": 10, "travel": 20})
    tail = np.where(rng.random(len(c)) < 0.03, 10, 1)
    c["report_date"] = c.loss_date + pd.to_timedelta(
        np.floor(rng.exponential(1.0, len(c)) * delay_mean * tail), unit="D"
    )
    settle_mean = c.product_line.map({"motor": 60, "home": 120, "travel": 30})
    c["settle_days"] = 1 + np.floor(rng.exponential(1.0, len(c)) * settle_mean).astype(int)
    return c


def claims_full(rng: np.random.Generator, prem: pd.DataFrame, pol: pd.DataFrame) -> pd.DataFrame:
    """Every claim reported by the snapshot, with status, incurred and its defect draw."""
    c = _severity(rng, _claim_counts(rng, prem, pol))
    c = c[c.report_date <= AS_OF].sort_values(["policy_id", "month", "j"]).reset_index(drop=True)
    c["claim_id"] = np.arange(1, len(c) + 1)
    settled = c.report_date + pd.to_timedelta(c.settle_days, unit="D")
    is_settled = settled <= AS_OF
    declined = is_settled & (rng.random(len(c)) < 0.07)
    c["status"] = np.select([~is_settled, declined], ["open", "declined"], "closed")
    c["closed_date"] = settled.where(is_settled)
    c["incurred_cents"] = np.where(declined, 0, np.round(c.severity).astype(np.int64) * 100)
    c["n_pay"] = rng.integers(1, 4, len(c))
    c["pay_shape"] = 0.6 + rng.random(len(c))
    c["d"] = rng.random(len(c))
    return c


def claims(rng: np.random.Generator, full: pd.DataFrame) -> pd.DataFrame:
    """The claims table: purged claims left out, back-dated and duplicated claims planted."""
    dup_end = _sql.DUPLICATE_CLAIM_RATE
    out_end = dup_end + _sql.LOSS_OUTSIDE_POLICY_RATE
    purge_end = out_end + _sql.PURGED_CLAIM_RATE
    kept = full[~((full.d >= out_end) & (full.d < purge_end))].copy()
    outside = (kept.d >= dup_end) & (kept.d < out_end)
    back = pd.to_timedelta(1 + rng.integers(0, 45, len(kept)), unit="D")
    kept["loss_date"] = kept.loss_date.where(~outside, kept.start_date - back)
    dups = kept[kept.d < dup_end].copy()
    dups["claim_id"] = full.claim_id.max() + np.arange(1, len(dups) + 1)
    table = pd.concat([kept, dups], ignore_index=True)
    return table[
        [
            "claim_id",
            "policy_id",
            "loss_date",
            "report_date",
            "peril",
            "status",
            "incurred_cents",
            "closed_date",
        ]
    ]


def payments(full: pd.DataFrame) -> pd.DataFrame:
    """One row per payment made by the snapshot; some closed claims paid twice at the end."""
    paid = full[full.status != "declined"]
    p = paid.loc[paid.index.repeat(paid.n_pay)].reset_index(drop=True)
    k = p.groupby("claim_id").cumcount().to_numpy() + 1
    share = lambda kk: np.floor(p.incurred_cents * (kk / p.n_pay) ** p.pay_shape)  # noqa: E731
    p["cents"] = (share(k) - share(k - 1)).astype(np.int64)
    p["payment_date"] = p.report_date + pd.to_timedelta(
        np.ceil(p.settle_days * k / p.n_pay).astype(int), unit="D"
    )
    p["k"], p["copy"] = k, 0
    lo = _sql.DUPLICATE_CLAIM_RATE + _sql.LOSS_OUTSIDE_POLICY_RATE + _sql.PURGED_CLAIM_RATE
    twice = (
        (k == p.n_pay)
        & (p.status == "closed")
        & (p.d >= lo)
        & (p.d < lo + _sql.DOUBLE_PAYMENT_RATE)
    )
    booked = pd.concat([p[p.payment_date <= AS_OF], p[twice].assign(copy=1)])
    booked = booked.sort_values(["claim_id", "k", "copy"]).reset_index(drop=True)
    booked["payment_id"] = np.arange(1, len(booked) + 1)
    return booked[["payment_id", "claim_id", "payment_date", "cents"]]


LOAD = {  # the same column types as the SQL generator writes
    "customers": "customer_id, CAST(birth_date AS DATE) AS birth_date, region, segment",
    "policies": "policy_id, customer_id, product_line, region, CAST(start_date AS DATE) AS"
    " start_date, CAST(end_date AS DATE) AS end_date, CAST(sum_insured AS DECIMAL(12, 2)) AS"
    " sum_insured, CAST(premium AS DECIMAL(12, 2)) AS premium, channel",
    "premiums": "policy_id, CAST(month AS DATE) AS month, money(written_cents) AS written_premium,"
    " money(earned_cents) AS earned_premium, CAST(earned_days AS INTEGER) AS earned_days",
    "claims": "claim_id, policy_id, CAST(loss_date AS DATE) AS loss_date, CAST(report_date AS DATE)"
    " AS report_date, peril, status, money(incurred_cents) AS incurred, CAST(closed_date AS DATE)"
    " AS closed_date",
    "claim_payments": "payment_id, claim_id, CAST(payment_date AS DATE) AS payment_date,"
    " money(cents) AS amount",
}


def generate_baseline(
    path: str | os.PathLike[str], scale: float = 1.0, seed: int = 42
) -> dict[str, int]:
    """Write the warehouse at path with pandas and numpy; return the row counts."""
    rng = np.random.default_rng(seed)
    n_customers, n_policies = sizes(scale)
    cust = customers(rng, n_customers)
    pol = policies(rng, n_policies, cust)
    prem = premiums(pol)
    full = claims_full(rng, prem, pol)
    frames = {
        "customers": cust,
        "policies": pol,
        "premiums": prem,
        "claims": claims(rng, full),
        "claim_payments": payments(full),
    }
    Path(path).unlink(missing_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute(
            "CREATE TEMP MACRO money(c) AS CAST(CAST(c AS DECIMAL(18, 0)) * 0.01 AS DECIMAL(12, 2))"
        )
        for name, frame in frames.items():
            con.register(f"{name}_frame", frame)
            con.execute(f"CREATE TABLE {name} AS SELECT {LOAD[name]} FROM {name}_frame")  # noqa: S608
            con.unregister(f"{name}_frame")
        return {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in frames}  # noqa: S608


if __name__ == "__main__":
    import sys
    import time

    started = time.perf_counter()
    print(generate_baseline(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 1.0))
    print(f"{time.perf_counter() - started:.2f} s")
