# %% [markdown]
# # Lesson 1: Explore the warehouse
#
# **Objectives**: connect to the company's trusted warehouse; look at its tables with the
# explorer; ask your first questions in ibis and in SQL; find the data-quality defects hiding in
# it, with exact counts.
# **Time box**: 45 minutes (rotate at least twice).
#
# The product you will build over the next lessons: **monthly claims frequency and loss ratio by
# product line and region, for the pricing team.** Today you only look.

# %% [markdown] tags=["facilitator"]
# **Facilitator**: the analyst usually knows the domain words (earned premium, incurred,
# IBNR); let them explain while the engineer drives the first queries. Common trip-ups: an ibis
# expression is lazy (nothing runs until `.execute()`); counting claims with duplicates in.
# If a pair is fast, ask them why orphan payments can exist at all (claims deleted upstream).

# %% [markdown]
# ## Connect (driver types, navigator reads the output aloud)
# `connect()` opens the embedded warehouse (or the one `PAIRLAB_WAREHOUSE_URL` points at). The
# same code runs against Trino or Snowflake at work.

# %% tags=["step:connect"]
from pairlab import explore
from pairlab.warehouse import connect, defect_counts

con = connect()
con.list_tables()

# %% [markdown]
# The explorer shows every table's columns, a profile and sample rows. Navigator: which columns
# have nulls? Which tables share a key?

# %% tags=["step:connect"]
explore(con)

# %% [markdown]
# ## A first question in ibis (rotate here)
# How many claims are there per peril? Build the expression with `group_by` and `agg`, then
# `.execute()` it into a pandas frame with columns `peril` and `n`.
#
# *Hint*: `claims.group_by("peril").agg(n=claims.count())`.

# %% tags=["step:first-query"]
claims = con.table("claims")
### BEGIN SOLUTION
by_peril = claims.group_by("peril").agg(n=claims.count()).order_by("peril").execute()
### END SOLUTION
#> by_peril = ...  # a frame with columns peril and n
assert int(by_peril["n"].sum()) == claims.count().execute(), "every claim counted once"
by_peril

# %% [markdown]
# ## The same question in SQL
# Analysts often think in SQL; ibis runs it too. Write the SQL that gives the same frame.

# %% tags=["step:first-query"]
### BEGIN SOLUTION
sql = "SELECT peril, count(*) AS n FROM claims GROUP BY peril ORDER BY peril"
### END SOLUTION
#> sql = "SELECT ..."  # the same counts as by_peril
by_peril_sql = con.sql(sql).execute()
assert by_peril_sql.equals(by_peril), "the SQL and ibis answers differ"

# %% [markdown]
# ## Find the planted defects (rotate here)
# A trusted warehouse is still not perfect. Count these five defects yourself:
#
# 1. **duplicate claims**: rows beyond the first with the same `policy_id`, `loss_date`, `peril`
#    and `incurred` (count the extra copies);
# 2. **orphan payments**: payment rows whose `claim_id` is not in `claims`;
# 3. **null regions**: policies whose `region` is null;
# 4. **loss outside the policy**: claims whose `loss_date` is before the policy's `start_date`
#    or after its `end_date`;
# 5. **overpaid claims**: claims whose payments add up to more than `incurred`.
#
# *Hints*: `group_by(...).agg(n=...)` then sum `n - 1`; `anti_join`; `region.isnull()`; join
# claims to policies and `filter`; sum payments per claim, join, compare.
# The last cell compares your counts with the warehouse's documented ones.

# %% tags=["step:find-defects"]
policies = con.table("policies")
payments = con.table("claim_payments")
### BEGIN SOLUTION
copies = claims.group_by("policy_id", "loss_date", "peril", "incurred").agg(n=claims.count())
duplicate_claims = int((copies.n - 1).sum().execute())
orphan_payments = int(payments.anti_join(claims, "claim_id").count().execute())
null_regions = int(policies.filter(policies.region.isnull()).count().execute())
covered = claims.join(policies, "policy_id")
outside = (covered.loss_date < covered.start_date) | (covered.loss_date > covered.end_date)
loss_outside_policy = int(covered.filter(outside).count().execute())
paid = payments.group_by("claim_id").agg(paid=payments.amount.sum()).join(claims, "claim_id")
payments_exceeding_incurred = int(paid.filter(paid.paid > paid.incurred).count().execute())
### END SOLUTION
#> duplicate_claims = ...
#> orphan_payments = ...
#> null_regions = ...
#> loss_outside_policy = ...
#> payments_exceeding_incurred = ...
print(f"{duplicate_claims} duplicates, {orphan_payments} orphans, {null_regions} null regions")
print(f"{loss_outside_policy} losses outside cover, {payments_exceeding_incurred} overpaid claims")

# %% tags=["step:find-defects"]
documented = defect_counts(con)
found = {
    "duplicate_claims": duplicate_claims,
    "orphan_payments": orphan_payments,
    "null_regions": null_regions,
    "loss_outside_policy": loss_outside_policy,
    "payments_exceeding_incurred": payments_exceeding_incurred,
}
for name, count in found.items():
    assert count == documented[name], f"{name}: you found {count}, not {documented[name]}"
print("all five match:", found)

# %% [markdown]
# Which of the five would change the pricing team's loss ratio, and in which direction? Write
# your answer in the next cell as a comment.

# %%
# Our answer:

# %% [markdown]
# ## Run it in order
# Restart the kernel and run all cells, then save.
