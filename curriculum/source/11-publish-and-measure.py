# %% [markdown]
# # Lesson 11: Publish and measure
#
# **Objectives**: register the product where others will find it; check the value hypothesis
# from lesson 3 against what happened; decide to keep, iterate or kill it, fast.
# **Time box**: 30 minutes.
#
# A product is a hypothesis until its consumer uses it. Measuring is part of building.

# %% [markdown] tags=["facilitator"]
# **Facilitator**: the hard part is agreeing, *before* looking at the numbers, what result means
# kill. Let the analyst argue for keep and the engineer for kill, then swap. The catalog folder
# here is what `pairlab catalog` indexes once it lands; products register by adding their
# descriptor there, through a reviewed change.

# %% [markdown]
# ## Register the product (driver: the engineer)
# A catalog is a folder of product descriptors, one folder per product, changed by review.
# Publishing means: status `published`, a version, and the descriptor in the catalog. Set both.

# %% tags=["step:register"]
from pathlib import Path

import pandas as pd
import yaml
from pairlab.warehouse import connect

import claimsfreq

descriptor = {
    "id": "claims-frequency",
    "name": "Monthly claims frequency and loss ratio",
    "domain": "pricing",
    "owner": {"team": "pricing analytics"},
    "consumer": "pricing team",
    "value_hypothesis": {
        "statement": "With the product, pricing finds the under-priced region within a quarter.",
        "signal": "regions with a loss ratio above 0.7, confirmed by pricing",
        "threshold": 1,
    },
    "input_ports": [{"table": t} for t in ("policies", "premiums", "claims")],
    "version": "0.1.0",
    "status": "proposed",
}
### BEGIN SOLUTION
descriptor |= {"status": "published", "version": "1.0.0"}
### END SOLUTION
#> # publish it: status "published", version "1.0.0"
entry = Path("catalog") / descriptor["id"] / "dataproduct.yaml"
entry.parent.mkdir(parents=True, exist_ok=True)
entry.write_text(yaml.safe_dump(descriptor, sort_keys=False))
registered = yaml.safe_load(entry.read_text())
assert registered["status"] == "published", "set the status to published"
assert registered["version"] == "1.0.0", "publish version 1.0.0"
print("registered", entry)

# %% [markdown]
# ## Measure the value hypothesis (rotate here)
# The signal: regions whose loss ratio over 2020-2024 is above 0.7. `Unknown` is not a region
# (lesson 1's null regions): it cannot be repriced, so it does not count.

# %% tags=["step:measure"]
con = connect()
frames = [claimsfreq.claims_frequency(con, year=y) for y in range(2020, 2025)]
totals = pd.concat(frames).groupby("region")[["incurred", "earned"]].sum()
loss_ratio = (totals["incurred"] / totals["earned"]).round(3)
flagged = sorted(r for r in loss_ratio[loss_ratio > 0.7].index if r != claimsfreq.UNKNOWN_REGION)
print("loss ratio by region:", loss_ratio.to_dict())
print("regions above 0.7:", flagged)

# %% [markdown]
# Decide fast, by a rule written before looking: **keep** if the signal reached the threshold,
# **iterate** if it reached at least half of it, **kill** otherwise. Write `decide`.

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
decision = decide(len(flagged), descriptor["value_hypothesis"]["threshold"])
print(f"decision: {decision} ({len(flagged)} region(s) flagged)")

# %% [markdown]
# Write the decision down where the consumer sees it (the descriptor's changelog, the catalog
# entry) and tell them. A killed product is a result too: its code and tests stay for the next
# hypothesis.
