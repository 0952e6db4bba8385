# %% [markdown]
# # Lesson 2: Reuse before you build
#
# **Objectives**: before writing a line of product code, find what already answers part of the
# question: trusted tables and existing products. Decide what is left to build.
# **Time box**: 30 minutes.
#
# The pricing team asks: *how often do claims happen, and how much do they cost relative to
# premium, by month, product line and region?*

# %% [markdown] tags=["facilitator"]
# **Facilitator**: the point is the habit, not the code: every product starts with a search.
# Pairs often skip straight to building; ask "who else has computed a loss ratio here?" The
# company catalog (`pairlab catalog search`, once it lands) replaces the table inventory below;
# the trusted `loss_ratio` query plays the role of an existing product today.

# %% [markdown]
# ## What the warehouse already has (driver: the engineer; navigator: the analyst names columns)
# Every table with its columns (`pairlab warehouse info` in a terminal shows the same, with
# types and row counts).

# %% tags=["step:inventory"]
from pairlab.warehouse import connect, loss_ratio

con = connect()
columns = {name: list(con.table(name).columns) for name in con.list_tables()}
columns

# %% [markdown]
# Which tables hold the columns the product needs: `product_line`, `earned_premium`, `incurred`
# and `loss_date`? Build the set of table names from `columns`. (Both `customers` and `policies`
# have a `region`; pricing sets premiums by the policy's region, so the product takes that one.)

# %% tags=["step:inventory"]
needed = {"product_line", "earned_premium", "incurred", "loss_date"}
### BEGIN SOLUTION
sources = {name for name, cols in columns.items() if needed & set(cols)}
### END SOLUTION
#> sources = ...  # a set of table names
assert sources == {"policies", "premiums", "claims"}, f"look again: {sources}"
print("the product reads", sorted(sources))

# %% [markdown]
# ## An existing product: the trusted loss ratio (rotate here)
# The actuarial team already publishes `loss_ratio(con)`: incurred over earned premium **by
# product line and calendar year**. Reuse it to check your understanding: compute the 2024 loss
# ratio of motor yourself from `premiums`, `claims` and `policies`, and compare.

# %% tags=["step:reuse-existing"]
trusted = loss_ratio(con).execute()
motor_2024 = trusted.query("product_line == 'motor' and year == 2024")["loss_ratio"].item()
### BEGIN SOLUTION
policies = con.table("policies")
motor = policies.filter(policies.product_line == "motor").select("policy_id")
premiums = con.table("premiums").semi_join(motor, "policy_id")
claims = con.table("claims").semi_join(motor, "policy_id")
earned = premiums.filter(premiums.month.year() == 2024).earned_premium.sum().execute()
incurred = claims.filter(claims.loss_date.year() == 2024).incurred.sum().execute()
mine = round(float(incurred) / float(earned), 4)
### END SOLUTION
#> mine = ...  # incurred / earned for motor in 2024, rounded to 4 places
assert abs(mine - motor_2024) < 1e-4, f"yours {mine}, the trusted product {motor_2024}"
print(f"motor 2024 loss ratio: {mine} (the trusted product agrees)")

# %% [markdown]
# ## What is left to build
# The trusted product has no region and no month, counts duplicate claims twice and has no claim
# frequency. List what your product adds, in one line each.

# %% tags=["step:gap"]
### BEGIN SOLUTION
adds = [
    "split by region and month, not only product line and year",
    "claim frequency per exposure year, not only loss ratio",
    "duplicate claims removed and policies without a region kept as Unknown",
]
### END SOLUTION
#> adds = []  # one string per thing the product adds
assert len(adds) >= 2, "name at least two things the trusted product does not answer"
adds

# %% [markdown]
# Where the catalog plugs in: with pairlab's catalog, `pairlab catalog search "loss ratio"` and
# `pairlab catalog overlap claims.incurred` list the products that already read these tables,
# with their owners. Ask those owners before you build.
