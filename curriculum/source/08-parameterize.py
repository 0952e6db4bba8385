# %% [markdown]
# # Lesson 8: Parameterize and run headless
#
# **Objectives**: move the notebook's inputs into one cell tagged `parameters`; run the same
# notebook without a browser with papermill, for another region or year.
# **Time box**: 30 minutes.
#
# A report the pricing team wants for every region should not be copied five times. One notebook,
# with its inputs declared, runs for each.

# %% [markdown] tags=["facilitator"]
# **Facilitator**: adding the tag is the exercise, and it is easy to miss in the UI: the gear
# icon (Property Inspector) at the right, then Cell Tags. Without it papermill still runs, but
# injects its values *above* the cell that overwrites them: the report for North silently shows
# the default region. That is the failure the headless step shows. Only literals belong in the
# parameters cell; computed values go below it.

# %% [markdown]
# ## The inputs, in one cell (driver: the analyst)
# This cell sets the notebook's inputs. Tag it `parameters`: select it, open the Property
# Inspector (the gear icon at the top right) and add the tag under **Cell Tags**. Save.

# %% tags=["parameters", "step:parameters"] learner_tags=["step:parameters"]
region = "West"
year = 2024

# %% tags=["step:parameters"]
import os
from pathlib import Path

from pairlab.warehouse import connect

import claimsfreq

con = connect()
report = claimsfreq.claims_frequency(con, year=year, region=region)
print(f"{len(report)} rows for {region} in {year}")

# %%
Path("reports").mkdir(exist_ok=True)
out = Path("reports") / f"claims-{region}-{year}.csv"
report.to_csv(out, index=False)
summary = report.groupby("product_line")[["claims", "incurred", "earned"]].sum()
summary.assign(loss_ratio=summary.incurred / summary.earned).round(3)

# %% [markdown]
# ## The same notebook for another region, headless (rotate here)
# papermill runs a notebook without a browser, injecting new values after the `parameters` cell.
# The next cell runs *this notebook* for North in 2023 (and not again from inside that run).
# In a terminal: `papermill 08-parameterize.ipynb reports/08-North.ipynb -p region North -p
# year 2023`.

# %% tags=["step:headless"]
import pandas as pd
import papermill

if not os.environ.get("PAIRLAB_NESTED_RUN"):
    os.environ["PAIRLAB_NESTED_RUN"] = "1"  # the run below must not start another one
    try:
        papermill.execute_notebook(
            "08-parameterize.ipynb",
            "reports/08-North.ipynb",
            parameters={"region": "North", "year": 2023},
            kernel_name="python3",
            progress_bar=False,
        )
    finally:
        del os.environ["PAIRLAB_NESTED_RUN"]
    north = Path("reports/claims-North-2023.csv")
    assert north.exists(), "the headless run wrote no report for North"
    regions = set(pd.read_csv(north)["region"])
    assert regions == {"North"}, f"the North report holds {regions}: is the cell tagged?"
    print("headless run for North in 2023 wrote", north)
