# %% [markdown]
# # Lesson 3: Define the minimum viable data product
#
# **Objectives**: write down, before building, who the product is for, the question it answers,
# the value hypothesis and how you will measure it, the output's schema and its owner: a product
# descriptor (`dataproduct.yaml`, in the style of the Open Data Product Standard) with a contract
# for its output (in the style of the Open Data Contract Standard).
# **Time box**: 30 minutes. The analyst drives: this is their domain.

# %% [markdown] tags=["facilitator"]
# **Facilitator**: push for a *measurable* success signal with a number and a date ("pricing
# reprices one region within a quarter"), not "pricing finds it useful". Keep the output schema
# to what lesson 4's `claims_frequency` returns; a smaller product that ships beats a big one.

# %% [markdown]
# ## Consumer, question, hypothesis (navigator: ask "how would we know?")
# Fill in the descriptor. `value_hypothesis.signal` must name a number to reach and a date by
# which you will look at it (lesson 11 measures it). Write it structured, as `pairlab review`
# reads it: the `metric` (`consumers`, `queries` or `reusing-products`), the `threshold` to
# reach, the `window` of days measured and the `reviewDate` (docs/usage.md).

# %% tags=["step:descriptor"]
### BEGIN SOLUTION
descriptor = {
    "id": "claims-frequency",
    "name": "Monthly claims frequency and loss ratio",
    "version": "0.1.0",
    "status": "proposed",
    "domain": "pricing",
    "owner": {"team": "pricing analytics", "contact": "ana@example.com"},
    "description": {
        "purpose": "Show pricing where claims frequency and loss ratio move, by month, "
        "product line and region.",
        "usage": "Monthly pricing review; one row per month, product line and region.",
        "limitations": "Claims reported after the snapshot (IBNR) are missing.",
    },
    "consumer": "pricing team",
    "question": "Which product line and region had a loss ratio above 0.7 last year?",
    "value_hypothesis": {
        "statement": "Pricing analysts use the loss ratios in their quarterly review.",
        "signal": "at least 3 pricing analysts read it in the 90 days to 2026-03-31",
        "metric": "consumers",
        "threshold": 3,
        "window": "90d",
        "reviewDate": "2026-03-31",
    },
    "input_ports": [{"table": t} for t in ("policies", "premiums", "claims")],
}
### END SOLUTION
#> descriptor = {
#>     "id": "claims-frequency",
#>     "name": "",
#>     "version": "0.1.0",
#>     "status": "proposed",
#>     "domain": "pricing",
#>     "owner": {"team": "", "contact": ""},
#>     "consumer": "",
#>     "question": "",
#>     "value_hypothesis": {
#>         "statement": "",
#>         "signal": "",
#>         "metric": "",
#>         "threshold": None,
#>         "window": "",
#>         "reviewDate": "",
#>     },
#>     "input_ports": [],
#> }

# %% tags=["step:descriptor"]
import re

from pairlab.usage import METRICS  # what lesson 11's `pairlab review` can measure

REQUIRED = ("id", "name", "version", "status", "domain", "owner", "consumer", "question")
missing = [key for key in REQUIRED if not descriptor.get(key)]
assert not missing, f"fill in: {missing}"
assert descriptor["owner"].get("team"), "a product without an owning team has no owner"
hypothesis = descriptor["value_hypothesis"]
assert hypothesis["statement"] and hypothesis["signal"], "state the hypothesis and its signal"
assert isinstance(hypothesis["threshold"], int | float), "the signal needs a number to reach"
assert any(ch.isdigit() for ch in hypothesis["signal"]), "the signal needs a date or a number"
assert hypothesis["metric"] in METRICS, f"measure one of {METRICS}"
assert re.fullmatch(r"[1-9][0-9]*d", hypothesis["window"]), "a window in days, e.g. 90d"
assert descriptor["input_ports"], "name the warehouse tables the product reads"
print("descriptor complete:", descriptor["id"])

# %% [markdown]
# ## The output contract (rotate here)
# The contract promises the consumer a schema: each column's type, whether it may be null, and
# rules. Add the missing columns: the product returns `month`, `product_line`, `region`,
# `earned`, `exposure_years`, `claims`, `incurred`, `frequency` and `loss_ratio`.

# %% tags=["step:contract"]
contract = {
    "apiVersion": "v3.0.0",
    "kind": "DataContract",
    "id": "claims-frequency-monthly",
    "schema": [
        {
            "name": "claims_frequency",
            "properties": [
                {"name": "month", "logicalType": "date", "required": True},
                {"name": "product_line", "logicalType": "string", "required": True},
                {"name": "region", "logicalType": "string", "required": True},
                ### BEGIN SOLUTION
                {"name": "earned", "logicalType": "number", "required": True},
                {"name": "exposure_years", "logicalType": "number", "required": True},
                {"name": "claims", "logicalType": "integer", "required": True},
                {"name": "incurred", "logicalType": "number", "required": True},
                {"name": "frequency", "logicalType": "number", "required": True},
                {"name": "loss_ratio", "logicalType": "number", "required": True},
                ### END SOLUTION
                #> # add the other six columns here
            ],
            "quality": [
                {"rule": "unique", "columns": ["month", "product_line", "region"]},
                {
                    "rule": "accepted_values",
                    "column": "product_line",
                    "values": ["motor", "home", "travel"],
                },
            ],
        }
    ],
}

# %% tags=["step:contract"]
from pairlab.warehouse import connect

import claimsfreq

output = claimsfreq.claims_frequency(connect(), year=2024)
promised = [p["name"] for p in contract["schema"][0]["properties"]]
assert promised == list(output.columns), f"the contract says {promised}"
print("the contract matches the output's", len(promised), "columns")

# %% [markdown]
# ## Write the descriptor
# The product's descriptor lives beside its code, reviewed like code.

# %% tags=["step:contract"]
from pathlib import Path

import yaml

descriptor["output_ports"] = [{"name": "monthly", "contract": contract}]
Path("dataproduct.yaml").write_text(yaml.safe_dump(descriptor, sort_keys=False))
print(Path("dataproduct.yaml").read_text()[:300])
