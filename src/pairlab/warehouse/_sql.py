"""The generator's SQL: one statement per table, random draws from hashes of keys, not row loops.

Every random number is `u(key, salt)`: DuckDB's hash of (key, salt, seed) scaled into (0, 1).
Draws depend only on a row's key, never on row order or thread count, so a seed and a scale
give the same table contents on any machine running the pinned DuckDB minor version.
"""

from __future__ import annotations

# The warehouse is a snapshot taken at the end of 2025: claims reported later are not in it
# (incurred but not reported), and open claims have only the payments made so far.
AS_OF = "DATE '2025-12-31'"

# Planted defects, as fractions of the rows they are drawn from; docs/warehouse.md has the counts.
DUPLICATE_CLAIM_RATE = 0.015
LOSS_OUTSIDE_POLICY_RATE = 0.010
PURGED_CLAIM_RATE = 0.010  # claims deleted upstream whose payments stay behind as orphans
DOUBLE_PAYMENT_RATE = 0.020  # closed claims whose last payment was booked twice
NULL_REGION_RATE = 0.015

MACROS = """
CREATE OR REPLACE TEMP MACRO u(k, salt) AS
    ((hash(k, salt, {seed}::UBIGINT) >> 11)::DOUBLE + 0.5) / 9007199254740992.0;
CREATE OR REPLACE TEMP MACRO z(k, salt) AS
    sqrt(-2 * ln(u(k, salt))) * cos(2 * pi() * u(k, salt + 1000));
CREATE OR REPLACE TEMP MACRO expo(k, salt, mean) AS -ln(u(k, salt)) * mean;
-- Decimal arithmetic throughout: exact, and faster than going through a double.
CREATE OR REPLACE TEMP MACRO money(cents) AS
    CAST(CAST(cents AS DECIMAL(18, 0)) * 0.01 AS DECIMAL(12, 2));
CREATE OR REPLACE TEMP MACRO month_start(m) AS
    make_date(CAST(m // 12 AS INTEGER), CAST(m % 12 + 1 AS INTEGER), 1);
-- Wilson-Hilferty: a Gamma(shape, mean) draw from one standard normal, accurate for shape >= 1.
CREATE OR REPLACE TEMP MACRO gamma_draw(zv, shape, mean) AS
    mean * greatest(0.0, 1 - 1 / (9 * shape) + zv * sqrt(1 / (9 * shape))) ** 3;
CREATE OR REPLACE TEMP MACRO lognormal_draw(zv, mean, sigma) AS
    mean * exp(sigma * zv - sigma * sigma / 2);
-- A customer's attributes are functions of the id, so policies and claims recompute them
-- instead of joining customers (a join would cost a sort to restore key order).
CREATE OR REPLACE TEMP MACRO customer_birth(id) AS
    DATE '1942-01-01' + CAST(floor(u(id, 1) * 22645) AS INTEGER);
CREATE OR REPLACE TEMP MACRO customer_region(id) AS CASE
    WHEN u(id, 2) < 0.15 THEN 'Capital' WHEN u(id, 2) < 0.37 THEN 'North'
    WHEN u(id, 2) < 0.62 THEN 'South' WHEN u(id, 2) < 0.80 THEN 'East' ELSE 'West' END;
-- Seasonality: winter peaks for motor and home, a summer peak for travel.
CREATE OR REPLACE TEMP MACRO season(line, m) AS CASE line
    WHEN 'travel' THEN 1 + 0.4 * cos(2 * pi() * (m - 7) / 12)
    WHEN 'home' THEN 1 + 0.3 * cos(2 * pi() * (m - 1) / 12)
    ELSE 1 + 0.25 * cos(2 * pi() * (m - 1) / 12) END;
"""

CUSTOMERS = """
CREATE TABLE customers AS
SELECT
    range AS customer_id,
    customer_birth(range) AS birth_date,
    customer_region(range) AS region,
    CASE WHEN u(range, 3) < 0.12 THEN 'premier' ELSE 'standard' END AS segment
FROM range(1, {n_customers} + 1)
"""

# Pricing uses a region factor that is close to, but not the same as, the true risk in CLAIMS:
# the lessons' hypotheses about mispriced regions have something real to find.
POLICIES = """
CREATE TABLE policies AS
WITH base AS (
    SELECT range AS policy_id,
        1 + CAST(floor(u(range, 10) * {n_customers}) AS BIGINT) AS customer_id,
        CASE WHEN u(range, 11) < 0.5 THEN 'motor' WHEN u(range, 11) < 0.82 THEN 'home'
             ELSE 'travel' END AS product_line,
        DATE '2020-01-01' + CAST(floor(u(range, 12) * 1827) AS INTEGER) AS start_date,
        z(range, 15) AS zv
    FROM range(1, {n_policies} + 1)
), termed AS (
    SELECT *,
        CASE WHEN product_line = 'travel' AND u(policy_id, 13) < 0.7
             THEN start_date + CAST(2 + floor(u(policy_id, 16) * 26) AS INTEGER)
             ELSE CAST(start_date + INTERVAL 1 YEAR AS DATE) - 1 END AS end_date,
        CASE product_line
            WHEN 'motor' THEN round(15000 * exp(0.5 * zv), -2)
            WHEN 'home' THEN round(300000 * exp(0.45 * zv), -3)
            ELSE CASE WHEN u(policy_id, 17) < 0.5 THEN 2000
                      WHEN u(policy_id, 17) < 0.85 THEN 5000 ELSE 10000 END
        END AS sum_insured
    FROM base
), customer AS (
    SELECT *, customer_region(customer_id) AS customer_region,
        floor((start_date - customer_birth(customer_id)) / 365.25) AS age
    FROM termed
), priced AS (
    SELECT *, CASE customer_region WHEN 'Capital' THEN 1.25 WHEN 'North' THEN 0.95
        WHEN 'South' THEN 1.0 WHEN 'East' THEN 0.9 ELSE 1.0 END AS region_price
    FROM customer
)
SELECT policy_id, customer_id, product_line,
    CASE WHEN u(policy_id, 30) < {null_region_rate} THEN NULL ELSE customer_region END AS region,
    start_date, end_date,
    CAST(sum_insured AS DECIMAL(12, 2)) AS sum_insured,
    CAST(round(region_price * CASE product_line
        WHEN 'motor' THEN 700 * (sum_insured / 15000) ** 0.3
            * CASE WHEN age < 25 THEN 1.8 WHEN age < 30 THEN 1.3 WHEN age >= 70 THEN 1.2 ELSE 1 END
        WHEN 'home' THEN sum_insured * 0.0022
        ELSE CASE WHEN end_date - start_date < 40 THEN 15 + 1.5 * (end_date - start_date + 1)
                  ELSE 110 END * (sum_insured / 5000) ** 0.2
    END, 2) AS DECIMAL(12, 2)) AS premium,
    CASE WHEN u(policy_id, 14) < 0.45 THEN 'online' WHEN u(policy_id, 14) < 0.75 THEN 'broker'
         ELSE 'direct' END AS channel
FROM priced
"""

# One row per policy and calendar month of cover. Months are counted as integers (cheaper than
# interval arithmetic on dates). Money is done in integer cents with cumulative floors, so a
# policy's earned premium adds up to its written premium exactly. No ORDER BY: the scan of
# policies and the unnest keep key order (DuckDB preserves insertion order), saving a sort of
# the largest table; contents never depend on order either way.
PREMIUMS = """
CREATE TABLE premiums AS
WITH months AS (
    SELECT policy_id, start_date, end_date,
        CAST(round(premium * 100) AS BIGINT) AS cents,
        end_date - start_date + 1 AS term_days,
        year(start_date) * 12 + month(start_date) - 1 AS m0,
        unnest(range(year(end_date) * 12 + month(end_date)
                     - year(start_date) * 12 - month(start_date) + 1)) AS k
    FROM policies
), dated AS (
    SELECT *, month_start(m0 + k) AS month, month_start(m0 + k + 1) - 1 AS month_end FROM months
), covered AS (
    SELECT *,
        least(end_date, month_end) - greatest(start_date, month) + 1 AS earned_days,
        least(end_date, month_end) - start_date + 1 AS cum_days
    FROM dated
)
SELECT policy_id, month,
    money(CASE WHEN k = 0 THEN cents ELSE 0 END) AS written_premium,
    money(cents * cum_days // term_days - cents * (cum_days - earned_days) // term_days)
        AS earned_premium,
    CAST(earned_days AS INTEGER) AS earned_days
FROM covered
"""

# Claim counts are Poisson per policy-month: an annual frequency by line, region and driver age,
# times seasonality, times the month's exposure. The inverse CDF is cut at 4 claims a month.
CLAIM_DRAWS = """
CREATE TEMP TABLE claim_draws AS
WITH customer AS (
    SELECT *, customer_region(customer_id) AS true_region,
        floor((start_date - customer_birth(customer_id)) / 365.25) AS age
    FROM policies
), risk AS (
    SELECT policy_id, product_line, start_date, CAST(sum_insured AS DOUBLE) AS sum_insured,
        CASE WHEN product_line = 'motor' THEN 0.14 WHEN product_line = 'home' THEN 0.07
             WHEN end_date - start_date < 40 THEN 0.8 ELSE 0.12 END
        * CASE true_region WHEN 'Capital' THEN 1.3 WHEN 'North' THEN 0.9 WHEN 'South' THEN 1.0
                           WHEN 'East' THEN 0.85 ELSE 1.2 END
        * CASE WHEN product_line <> 'motor' THEN 1 WHEN age < 25 THEN 2.2 WHEN age < 30 THEN 1.4
               WHEN age >= 70 THEN 1.3 ELSE 1 END AS annual_rate
    FROM customer
), rated AS (
    -- Rate each policy once, then only scale it by season and exposure per month.
    SELECT pr.policy_id, pr.month, pr.earned_days, r.product_line, r.start_date, r.sum_insured,
        r.annual_rate * season(r.product_line, month(pr.month)) * pr.earned_days / 365.0 AS lam,
        u(hash(pr.policy_id, pr.month), 40) AS r_n
    FROM premiums pr JOIN risk r USING (policy_id)
), p0 AS (
    SELECT *, exp(-lam) AS e FROM rated
), counted AS (
    -- Most policy-months have no claim (r_n <= P(0)): drop them before counting the rest.
    SELECT *,
        1 + CAST(r_n > e * (1 + lam) AS INTEGER)
        + CAST(r_n > e * (1 + lam + lam * lam / 2) AS INTEGER)
        + CAST(r_n > e * (1 + lam + lam * lam / 2 + lam * lam * lam / 6) AS INTEGER) AS n
    FROM p0
    WHERE r_n > e
)
SELECT policy_id, month, earned_days, product_line, start_date, sum_insured, j,
    hash(policy_id, month, j) AS ck, greatest(start_date, month) AS first_day
FROM (SELECT *, unnest(range(n)) AS j FROM counted)
"""

# Severity: Gamma for motor (light tail), lognormal for home and travel (heavy tail), capped at
# the sum insured. Claims of one policy-month fall a week apart, so no two genuine claims share
# a policy, loss date and peril: every such pair in the table is a planted duplicate.
CLAIMS_FULL = """
CREATE TEMP TABLE claims_full AS
WITH drawn AS (
    SELECT *, u(ck, 42) AS rp,
        first_day + CAST((floor(u(ck, 41) * earned_days) + j * 7) % earned_days AS INTEGER)
            AS loss_date
    FROM claim_draws
), perils AS (
    SELECT *, CASE product_line
        WHEN 'motor' THEN CASE WHEN rp < 0.55 THEN 'collision' WHEN rp < 0.75 THEN 'glass'
                               WHEN rp < 0.92 THEN 'theft' ELSE 'fire' END
        WHEN 'home' THEN CASE WHEN rp < 0.40 THEN 'water' WHEN rp < 0.65 THEN 'storm'
                              WHEN rp < 0.85 THEN 'theft' WHEN rp < 0.96 THEN 'fire'
                              ELSE 'subsidence' END
        ELSE CASE WHEN rp < 0.45 THEN 'medical' WHEN rp < 0.80 THEN 'cancellation'
                  ELSE 'baggage' END
    END AS peril
    FROM drawn
), severe AS (
    SELECT *,
        least(sum_insured, greatest(50, CASE product_line
            WHEN 'motor' THEN gamma_draw(z(ck, 43), 2, CASE peril WHEN 'collision' THEN 3500
                WHEN 'glass' THEN 450 WHEN 'theft' THEN 6000 ELSE 5000 END)
            WHEN 'home' THEN lognormal_draw(z(ck, 43), CASE peril WHEN 'water' THEN 4000
                WHEN 'storm' THEN 6000 WHEN 'theft' THEN 3000 WHEN 'fire' THEN 25000
                ELSE 15000 END, 1.0)
            ELSE lognormal_draw(z(ck, 43), CASE peril WHEN 'medical' THEN 1200
                WHEN 'cancellation' THEN 600 ELSE 350 END, 0.8)
        END)) AS severity,
        loss_date + CAST(floor(
            expo(ck, 44, CASE product_line WHEN 'motor' THEN 4 WHEN 'home' THEN 10 ELSE 20 END)
            * CASE WHEN u(ck, 45) < 0.03 THEN 10 ELSE 1 END) AS INTEGER) AS report_date,
        1 + CAST(floor(expo(ck, 46,
            CASE product_line WHEN 'motor' THEN 60 WHEN 'home' THEN 120 ELSE 30 END)) AS INTEGER)
            AS settle_days
    FROM perils
), numbered AS (
    SELECT row_number() OVER (ORDER BY policy_id, month, j) AS claim_id, *
    FROM severe
    WHERE report_date <= {as_of}
), settled AS (
    SELECT *, report_date + settle_days <= {as_of} AS is_settled FROM numbered
)
SELECT claim_id, policy_id, start_date, loss_date, report_date, peril, settle_days,
    u(claim_id, 90) AS d,
    CASE WHEN NOT is_settled THEN 'open' WHEN u(claim_id, 47) < 0.07 THEN 'declined'
         ELSE 'closed' END AS status,
    CASE WHEN is_settled THEN report_date + settle_days END AS closed_date,
    CASE WHEN is_settled AND u(claim_id, 47) < 0.07 THEN 0
         ELSE CAST(round(severity) AS BIGINT) * 100 END AS incurred_cents,
    1 + CAST(floor(u(claim_id, 48) * 3) AS INTEGER) AS n_pay,
    0.6 + u(claim_id, 49) AS pay_shape
FROM settled
"""

# Defects are drawn from one uniform per claim, in disjoint bands, so their counts never overlap.
CLAIMS = """
CREATE TABLE claims AS
WITH kept AS (
    SELECT claim_id, policy_id,
        CASE WHEN d >= {dup_end} AND d < {outside_end}
             THEN start_date - 1 - CAST(floor(u(claim_id, 91) * 45) AS INTEGER)
             ELSE loss_date END AS loss_date,
        report_date, peril, status, money(incurred_cents) AS incurred, closed_date, d
    FROM claims_full
    WHERE NOT (d >= {outside_end} AND d < {purged_end})
), duplicates AS (
    SELECT (SELECT max(claim_id) FROM claims_full) + row_number() OVER (ORDER BY claim_id)
            AS claim_id,
        policy_id, loss_date, report_date, peril, status, incurred, closed_date, d
    FROM kept
    WHERE d < {dup_end}
)
SELECT claim_id, policy_id, loss_date, report_date, peril, status, incurred, closed_date
FROM (SELECT * FROM kept UNION ALL SELECT * FROM duplicates)
ORDER BY claim_id
"""

# Payments split the incurred amount at uneven cumulative shares, in integer cents, so a closed
# claim's payments add up to its incurred exactly; open claims keep only payments made so far.
CLAIM_PAYMENTS = """
CREATE TABLE claim_payments AS
WITH paid AS (
    SELECT *, unnest(range(1, n_pay + 1)) AS k FROM claims_full WHERE status <> 'declined'
), dated AS (
    SELECT claim_id, k, n_pay, status, d,
        report_date + CAST(ceil(settle_days * k / n_pay) AS INTEGER) AS payment_date,
        CAST(floor(incurred_cents * (k / n_pay) ** pay_shape) AS BIGINT)
        - CAST(floor(incurred_cents * ((k - 1) / n_pay) ** pay_shape) AS BIGINT) AS cents
    FROM paid
), booked AS (
    SELECT claim_id, k, 0 AS copy, payment_date, cents FROM dated WHERE payment_date <= {as_of}
    UNION ALL
    SELECT claim_id, k, 1 AS copy, payment_date, cents FROM dated
    WHERE k = n_pay AND status = 'closed' AND d >= {purged_end} AND d < {double_end}
)
SELECT row_number() OVER (ORDER BY claim_id, k, copy) AS payment_id,
    claim_id, payment_date, money(cents) AS amount
FROM booked
ORDER BY payment_id
"""

COMMENTS = """
COMMENT ON TABLE customers IS 'One row per customer (pairlab seed {seed}, {n_customers} customers)';
COMMENT ON TABLE policies IS 'One row per policy: product line, region, cover period, premium';
COMMENT ON TABLE premiums IS 'Written and earned premium per policy and calendar month of cover';
COMMENT ON TABLE claims IS 'One row per claim as reported by 2025-12-31; incurred = paid + reserve';
COMMENT ON TABLE claim_payments IS 'One row per payment made on a claim by 2025-12-31';
DROP TABLE claims_full;
DROP TABLE claim_draws;
"""


def statements(n_customers: int, n_policies: int, seed: int) -> list[str]:
    """Return the generator's SQL statements, in order, for the given sizes and seed."""
    bands = {
        "dup_end": DUPLICATE_CLAIM_RATE,
        "outside_end": DUPLICATE_CLAIM_RATE + LOSS_OUTSIDE_POLICY_RATE,
        "purged_end": DUPLICATE_CLAIM_RATE + LOSS_OUTSIDE_POLICY_RATE + PURGED_CLAIM_RATE,
    }
    bands["double_end"] = bands["purged_end"] + DOUBLE_PAYMENT_RATE
    # Only integers and floats computed here reach the SQL text: nothing a user typed.
    params = {
        "seed": int(seed),
        "n_customers": int(n_customers),
        "n_policies": int(n_policies),
        "null_region_rate": float(NULL_REGION_RATE),
        "as_of": AS_OF,
        **{name: repr(float(value)) for name, value in bands.items()},
    }
    templates = (MACROS, CUSTOMERS, POLICIES, PREMIUMS, CLAIM_DRAWS, CLAIMS_FULL, CLAIMS)
    return [t.format(**params) for t in (*templates, CLAIM_PAYMENTS, COMMENTS)]
