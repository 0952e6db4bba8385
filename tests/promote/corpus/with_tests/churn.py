# %%
year = 2024

# %%
import claimslib
from pairlab.warehouse import connect

# %%
def share_closed(frame):
    """Return the share of claims closed within 30 days, per region."""
    frame = frame.assign(fast=frame["days"] <= 30)
    shares = frame.groupby("region", as_index=False)["fast"].mean()
    return shares.rename(columns={"fast": "share_fast"}).round(4)
