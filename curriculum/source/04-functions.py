# %% [markdown]
# # Lesson 4: From cells to functions
#
# **Objectives**: turn exploration cells into small, pure functions with parameters, so the
# same code answers for any year or region, can be tested (lesson 5) and moved into a package
# (lesson 9).
# **Time box**: 45 minutes (rotate at every heading).
#
# A *pure* function takes everything it needs as parameters and returns a result: it reads no
# global variables and changes nothing outside itself.

# %% [markdown] tags=["facilitator"]
# **Facilitator**: analysts often wrap a whole notebook in one giant function; steer towards
# one function per idea (clean, join, aggregate). The `functions` step fails as shipped: the
# exploration cell has too much top-level logic. Let the analyst drive the refactoring while the
# engineer navigates; then swap for `clean_claims`. The finished functions are the ones in
# `claimsfreq.py`, which later lessons import.

# %%
from pairlab.warehouse import connect

con = connect()

# %% [markdown]
# ## Wrap the exploration in a function (driver: the analyst)
# This cell is lesson 1's exploration: it works, but only for 2024, and only here. Wrap it in a
# function `claims_by_line(con, year)` that returns the frame, then call it for 2024 in the same
# cell. Run it, save, and press **Check** in the guide.

# %% tags=["step:functions"]
### BEGIN SOLUTION
def claims_by_line(con, year):
    """Count the year's claims, net of declined ones, by product line and loss month."""
    claims = con.table("claims")
    policies = con.table("policies").select("policy_id", "product_line")
    recent = claims.filter(claims.loss_date.year() == year)
    recent = recent.filter(recent.status != "declined")
    joined = recent.join(policies, "policy_id")
    joined = joined.mutate(month=joined.loss_date.truncate("M"))
    counts = joined.group_by("product_line", "month").agg(claims=joined.count())
    return counts.order_by("product_line", "month").execute()


claims_by_line(con, 2024)
### END SOLUTION
#> claims = con.table("claims")
#> policies = con.table("policies").select("policy_id", "product_line")
#> recent = claims.filter(claims.loss_date.year() == 2024)
#> recent = recent.filter(recent.status != "declined")
#> joined = recent.join(policies, "policy_id")
#> joined = joined.mutate(month=joined.loss_date.truncate("M"))
#> counts = joined.group_by("product_line", "month").agg(claims=joined.count())
#> counts.order_by("product_line", "month").execute()

# %% [markdown]
# ## Parameters, not copies (navigator: check nothing reads a global)
# Because the year is a parameter, one function answers every year. Show 2023 and 2024 side by
# side: fill in `by_year` with one call per year.

# %% tags=["step:parameters"]
def warehouse_total(con, year):
    """Count the year's claims, net of declined ones, straight from the table."""
    claims = con.table("claims")
    kept = claims.filter((claims.loss_date.year() == year) & (claims.status != "declined"))
    return kept.count().execute()


### BEGIN SOLUTION
by_year = {year: claims_by_line(con, year)["claims"].sum() for year in (2023, 2024)}
### END SOLUTION
#> by_year = {}  # {2023: total claims, 2024: total claims}, from claims_by_line
assert sorted(by_year) == [2023, 2024], "call claims_by_line for 2023 and for 2024"
assert all(total == warehouse_total(con, year) for year, total in by_year.items()), by_year
print("claims by year:", by_year)

# %% [markdown]
# ## Pure functions for the planted defects (rotate here)
# Write `clean_claims(claims)`: it keeps the first `claim_id` of every claim keyed twice (same
# `policy_id`, `loss_date`, `peril`, `incurred`). Write `with_region(policies)`: it labels
# policies without a region `"Unknown"` instead of dropping them.
#
# *Hints*: group by the four columns and take `claim_id.min()`, then `semi_join`;
# `policies.region.fill_null("Unknown")` inside `mutate`.

# %% tags=["step:pure-functions"]
CLAIM_KEY = ["policy_id", "loss_date", "peril", "incurred"]


def clean_claims(claims):
    """Keep the first claim_id of every claim keyed twice."""
    ### BEGIN SOLUTION
    first = claims.group_by(CLAIM_KEY).agg(claim_id=claims.claim_id.min())
    return claims.semi_join(first, "claim_id")
    ### END SOLUTION
    #> return claims  # drop the extra copies


def with_region(policies):
    """Label policies without a region Unknown."""
    ### BEGIN SOLUTION
    return policies.mutate(region=policies.region.fill_null("Unknown"))
    ### END SOLUTION
    #> return policies  # fill the missing regions

# %% tags=["step:pure-functions"]
from pairlab.warehouse import defect_counts

claims = con.table("claims")
defects = defect_counts(con)
removed = claims.count().execute() - clean_claims(claims).count().execute()
assert removed == defects["duplicate_claims"], f"clean_claims removed {removed} rows"
policies = con.table("policies")
unknown = with_region(policies).filter(lambda t: t.region == "Unknown").count().execute()
assert unknown == defects["null_regions"], f"{unknown} policies labelled Unknown"
print(f"clean_claims drops {removed} duplicates; {unknown} policies get region Unknown")

# %% [markdown]
# ## The product's functions
# `claimsfreq.py`, next to this notebook, holds these functions plus the monthly exposure and
# claims and `claims_frequency(con, year, region=None)`, the whole product. Lessons 5 to 11 import
# it. Compare its `clean_claims` with yours: the same?

# %%
import claimsfreq

west = claimsfreq.claims_frequency(con, year=2024, region="West")
west.head()

# %% [markdown]
# ## Run it in order
# Restart the kernel and run all cells, then save and check.
