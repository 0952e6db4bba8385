import pandas as pd
from churn import share_closed


def test_share_closed_counts_fast_claims():
    frame = pd.DataFrame({"region": ["East", "East", "West"], "days": [3, 40, 10]})
    shares = share_closed(frame)
    got = shares.set_index("region")["share_fast"].to_dict()
    assert got == {"East": 0.5, "West": 1.0}
