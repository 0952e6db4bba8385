# %% [markdown]
# # Lesson 5: First tests
#
# **Objectives**: write pytest tests for the product's functions on small hand-made frames; write
# a test that catches one of the planted defects, so it can never come back unnoticed.
# **Time box**: 45 minutes.
#
# A test is a small program that calls your function with inputs you chose and checks the
# answer. pytest runs every function whose name starts with `test_` in files named `test_*.py`.

# %% [markdown] tags=["facilitator"]
# **Facilitator**: the engineer drives the first test and explains arrange / act / assert; the
# analyst drives the second. Make the pair break `clean_claims` on purpose (return `claims`
# unchanged) and watch the defect test fail: a test that never failed proves nothing.
# Common mistake: a test that calls the warehouse for everything; keep inputs hand-made.

# %%
import subprocess
import sys
from pathlib import Path

Path("tests").mkdir(exist_ok=True)


def run_pytest(*args):
    """Run pytest with this kernel's Python, show its report, and stop if a test fails."""
    done = subprocess.run([sys.executable, "-m", "pytest", *args], capture_output=True, text=True)
    print(done.stdout[-3000:], done.stderr[-1000:])
    assert done.returncode == 0, "pytest did not pass: read its report above"

# %% [markdown]
# ## A test on a hand-made frame (driver: the engineer)
# `%%writefile` writes the cell into a file; the cell after it runs pytest on the file. The first
# test is written for you; write the second:
# `monthly_exposure` must add up earned premium and turn earned days into years.

# %% tags=["step:test-functions"]
# %%writefile tests/test_claimsfreq.py
"""Tests of the product's functions on small hand-made frames: no warehouse needed."""

import datetime as dt

import ibis
import pandas as pd
import pytest

import claimsfreq

JAN = dt.date(2024, 1, 1)


def table(**columns):
    """Return an ibis table from column lists."""
    return ibis.memtable(pd.DataFrame(columns))


def test_monthly_claims_counts_and_sums_by_month():
    claims = table(
        claim_id=[1, 2],
        policy_id=[10, 10],
        loss_date=[dt.date(2024, 1, 5), dt.date(2024, 1, 20)],
        incurred=[100.0, 50.0],
    )
    policies = table(policy_id=[10], product_line=["motor"], region=["West"])
    result = claimsfreq.monthly_claims(claims, policies, 2024).execute()
    assert result["claims"].tolist() == [2]
    assert result["incurred"].tolist() == [150.0]


def test_monthly_exposure_turns_days_into_years():
    ### BEGIN SOLUTION
    premiums = table(
        policy_id=[10, 10],
        month=[JAN, dt.date(2024, 2, 1)],
        earned_premium=[31.0, 29.0],
        earned_days=[31, 29],
    )
    policies = table(policy_id=[10], product_line=["home"], region=["North"])
    result = claimsfreq.monthly_exposure(premiums, policies, 2024).execute()
    result = result.sort_values("month")
    assert result["earned"].tolist() == [31.0, 29.0]
    assert result["exposure_years"].tolist() == pytest.approx([31 / 365, 29 / 365])
    ### END SOLUTION
    #> pytest.fail("write this test: two months of one policy, check earned and exposure_years")

# %%
run_pytest("-q", "tests/test_claimsfreq.py")

# %% [markdown]
# ## A test that catches a planted defect (rotate here)
# Lesson 1 found claims keyed twice. Write a test that builds three claims, two of them the same
# claim keyed twice, and asserts `clean_claims` keeps one of the pair. Then one that asserts a
# policy without a region is kept as `Unknown`.

# %% tags=["step:catch-defect"]
# %%writefile tests/test_defects.py
"""The planted defects stay fixed: duplicates dropped, missing regions kept as Unknown."""

import datetime as dt

import ibis
import pandas as pd
import pytest

import claimsfreq


def test_clean_claims_drops_a_claim_keyed_twice():
    ### BEGIN SOLUTION
    day = dt.date(2024, 3, 1)
    claims = ibis.memtable(
        pd.DataFrame(
            {
                "claim_id": [1, 2, 3],
                "policy_id": [10, 10, 11],
                "loss_date": [day, day, day],
                "peril": ["fire", "fire", "theft"],
                "incurred": [100.0, 100.0, 50.0],
            }
        )
    )
    kept = claimsfreq.clean_claims(claims).execute()
    assert sorted(kept["claim_id"]) == [1, 3]
    ### END SOLUTION
    #> pytest.fail("write this test: claims 1 and 2 are one claim keyed twice; 3 is another")


def test_a_policy_without_region_is_kept_as_unknown():
    ### BEGIN SOLUTION
    policies = ibis.memtable(pd.DataFrame({"policy_id": [1, 2], "region": ["West", None]}))
    result = claimsfreq.with_region(policies).execute().sort_values("policy_id")
    assert result["region"].tolist() == ["West", "Unknown"]
    ### END SOLUTION
    #> pytest.fail("write this test: one policy with a region, one without")

# %%
run_pytest("-q", "tests/test_defects.py")

# %% [markdown]
# Navigator: break `clean_claims` on purpose in `claimsfreq.py` (make it `return claims`), run
# the tests, watch the defect test fail, then undo. A test you never saw fail proves nothing.
#
# ## Run it in order
# Restart the kernel, run all cells, save, and check.
