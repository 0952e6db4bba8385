# %% [markdown]
# # Lesson 2: Reuse before you build
#
# **Objectives**: before writing a line of product code, find what already answers part of the
# question: trusted tables, existing products, the catalog. Decide what is left to build.
# **Time box**: 30 minutes.
#
# The pricing team asks: *how often do claims happen, and how much do they cost relative to
# premium, by month, product line and region?*

# %% [markdown] tags=["facilitator"]
# **Facilitator**: the point is the habit, not the code: every product starts with a search.
# Pairs often skip straight to building; ask "who else has computed a loss ratio here?" The
# trusted `loss_ratio` query and the catalog search show two kinds of reuse: a trusted table to
# check against, and an active product (owned by actuarial) that overlaps the one the pair
# builds. At work the catalog is the company's (`--root` or `PAIRLAB_CATALOG`).

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
# ## Search the catalog (rotate here)
# The company's catalog lists the data products teams already publish. `pairlab catalog overlap`
# names the products that read or expose the columns you are about to use, with their owners
# (in a terminal: `pairlab catalog search "loss ratio"`, `pairlab catalog overlap
# claims.incurred`). Which **active** products already use both `claims.incurred` and
# `premiums.earned_premium`? Deprecated ones are not an option.

# %% tags=["step:search-catalog"]
import json
import subprocess
import sys

argv = [sys.executable, "-m", "pairlab", "catalog", "overlap", "--json"]
done = subprocess.run([*argv, "claims.incurred", "premiums.earned_premium"], capture_output=True)
products = json.loads(done.stdout)["products"]
for p in products:
    print(f"{p['id']:<32} {p['status']:<11} owner {p['owner']} ({p['team']})")

# %% tags=["step:search-catalog"]
### BEGIN SOLUTION
overlapping = sorted(p["id"] for p in products if p["status"] == "active")
### END SOLUTION
#> overlapping = []  # the ids of the active products, sorted
truth = sorted(p["id"] for p in products if p["status"] == "active")
assert overlapping and overlapping == truth, f"look again at the list above: {overlapping}"
print("talk to the owners of", overlapping, "before building")

# %% [markdown]
# ## Read the product by name (rotate here)
# Its owner published it: `pairlab publish` wrote its output port into the warehouse's
# `products` schema behind its contract, and registered where it lives in the workspace's
# `catalog/`. You read it by its name, `PRODUCT-ID.PORT`, never by re-deriving it from raw
# tables: `products.read` finds the table through the catalog and returns it like
# `con.table` does. (Every read is recorded: its owner sees who uses the product.)
#
# Which **region** had the highest motor loss ratio (incurred over earned) in 2024? Answer
# from the published product.

# %% tags=["step:read-product"]
from pairlab import products

kpis = products.read("claims-frequency-by-region.monthly_claims_kpis", catalog="catalog")
print(kpis.columns)

# %% tags=["step:read-product"]
### BEGIN SOLUTION
motor = kpis.filter((kpis.product_line == "motor") & (kpis.month.year() == 2024))
by_region = motor.group_by("region").aggregate(loss_ratio=motor.incurred.sum() / motor.earned.sum())
worst = by_region.order_by(by_region.loss_ratio.desc()).limit(1).execute()["region"].item()
### END SOLUTION
#> worst = ...  # the region where motor cost most against its premium in 2024
assert isinstance(worst, str), f"`worst` should be a region's name, not {worst!r}"
print("motor's worst region in 2024:", worst)

# %% [markdown]
# An active product already answers most of the pricing team's question. At work: ask its owner
# whether it can grow what you need (reuse), or why not, before building. In this course you
# build your own to learn the practice; write in the next cell what you would ask the owner.

# %%
# What we would ask the owner:
