# %% [markdown]
# # Lesson 11: Publish and measure
#
# **Objectives**: publish the product where others will find and query it; test the value
# hypothesis from lesson 3 against measured use; decide to keep, iterate or kill it, fast.
# **Time box**: 30 minutes.
#
# A product is a hypothesis until its consumer uses it. Measuring is part of building.

# %% [markdown] tags=["facilitator"]
# **Facilitator**: the hard part is agreeing, *before* looking at the numbers, what result means
# kill. Let the analyst argue for keep and the engineer for kill, then swap. The readers here are
# simulated in the lesson's own usage store; in a real product `pairlab review` counts the
# pricing team's reads (and `pairlab usage import` the warehouse's query logs).

# %% [markdown]
# ## Publish the product (driver: the engineer)
# A catalog is a folder of product descriptors in the Open Data Product Standard (ODPS), one
# folder per product. `pairlab publish` builds the output port with `src/claimsfreq_product.py`,
# runs its contract (`contracts/monthly.odcs.yaml`) as a gate, writes the table into the
# warehouse's `products` schema and registers the descriptor in `catalog/` as `active`.
# The value hypothesis from lesson 3 goes in, structured, so `pairlab review` can test it.
# Make the descriptor ODPS: `apiVersion` `v1.1.0`, `kind` `DataProduct`, version `1.0.0`.
#
# The lesson publishes into its own copy of the warehouse (`warehouse.duckdb` here): DuckDB
# lets one process write a file only while no other has it open, and other notebooks have the
# shared one open.

# %% tags=["step:register"]
import os
import shutil
from datetime import date, timedelta
from pathlib import Path

import yaml
from pairlab import products
from pairlab.warehouse.connection import default_path

HYPOTHESIS = {
    "statement": "Three pricing analysts read the loss ratios in their first two weeks.",
    "metric": "consumers",
    "threshold": 3,
    "window": "14d",
    "reviewDate": (date.today() + timedelta(days=14)).isoformat(),
}
descriptor = {
    "id": "claims-frequency",
    "name": "Monthly claims frequency and loss ratio",
    "status": "active",
    "domain": "pricing",
    "team": {"name": "pricing-analytics", "members": [{"username": "analyst", "role": "owner"}]},
    "description": {"purpose": "Where claims cost more than the premium earned, by region."},
    "tags": ["claims", "frequency", "loss-ratio", "pricing", "region"],
    "customProperties": [{"property": "valueHypothesis", "value": HYPOTHESIS}],
    "inputPorts": [
        {"name": t, "version": "v1", "contractId": f"warehouse.{t}"}
        for t in ("policies", "premiums", "claims")
    ],
    "outputPorts": [
        {
            "name": "monthly",
            "version": "1.0.0",
            "type": "tables",
            "contractId": "claims-frequency.monthly",
            "customProperties": [
                {"property": "contract", "value": "contracts/monthly.odcs.yaml"},
                {"property": "build", "value": "claimsfreq_product:monthly"},
            ],
        }
    ],
}
### BEGIN SOLUTION
descriptor = {"apiVersion": "v1.1.0", "kind": "DataProduct"} | descriptor | {"version": "1.0.0"}
### END SOLUTION
#> # make it ODPS: apiVersion "v1.1.0" and kind "DataProduct" first, then version "1.0.0"
Path("dataproduct.yaml").write_text(yaml.safe_dump(descriptor, sort_keys=False))
if not Path("warehouse.duckdb").exists():  # the lesson's own copy of the warehouse
    shutil.copy(default_path(), "warehouse.duckdb")
published = products.publish(
    ".", url=f"duckdb:///{Path('warehouse.duckdb').resolve()}", catalog="catalog"
)
print("\n".join(published.lines()))
registered = yaml.safe_load(Path("catalog/claims-frequency/dataproduct.yaml").read_text())
assert registered["status"] == "active", "publish registers the product as active"
assert registered["version"] == "1.0.0", "publish version 1.0.0"

# %% [markdown]
# ## Measure the use (rotate here)
# Pricing's first weeks, simulated: two analysts read the product by name, as any team would.
# Every `products.read` is recorded (reader: `PAIRLAB_USER`); the lesson keeps its records in
# its own store, so the simulation never counts as real use.

# %% tags=["step:measure"]
from pairlab import usage

os.environ["PAIRLAB_USAGE_DB"] = "sqlite:///usage.sqlite"
os.environ["PAIRLAB_USAGE_OUTBOX"] = "usage-outbox"
for reader, region in [("ana.pricing", "North"), ("ben.pricing", "South"), ("ana.pricing", None)]:
    os.environ["PAIRLAB_USER"] = reader
    table = products.read("claims-frequency.monthly", catalog="catalog")
    if region is not None:
        table = table.filter(table.region == region)
    print(reader, "read", table.count().execute(), "rows")
os.environ["PAIRLAB_USER"] = "pair"
store = usage.Store()
usage.flush(store)
readers = sorted({r.reader for r in store.list("claims-frequency")})
print("readers:", readers)

# %% [markdown]
# Decide fast, by the rule written before looking: **keep** if the measured use reached the
# threshold, **iterate** if it reached at least half of it, **kill** otherwise. Write `decide`,
# then let `pairlab review` measure and record the decision in the descriptor.


# %% tags=["step:measure"]
def decide(signal, threshold):
    """Return keep, iterate or kill for a measured signal against its threshold."""
    ### BEGIN SOLUTION
    if signal >= threshold:
        return "keep"
    return "iterate" if signal >= threshold / 2 else "kill"
    ### END SOLUTION
    #> raise NotImplementedError("keep, iterate or kill?")


assert [decide(2, 2), decide(1, 2), decide(0, 2)] == ["keep", "iterate", "kill"]
decision = decide(len(readers), HYPOTHESIS["threshold"])
review = usage.review("claims-frequency", [Path("catalog")], store, date.today(), by="pair")
print(usage.format_review(review))
assert review.decision == decision, f"review decided {review.decision}, decide() {decision}"
entry = yaml.safe_load(Path("catalog/claims-frequency/dataproduct.yaml").read_text())
reviews = next(c["value"] for c in entry["customProperties"] if c["property"] == "reviews")
print("recorded in the catalog:", reviews[-1])

# %% [markdown]
# The decision is in the descriptor's `reviews` now, where the consumer sees it
# (`pairlab review claims-frequency --catalog catalog` shows it again). A killed product is a
# result too: its code and tests stay for the next hypothesis.
