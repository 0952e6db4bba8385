import claimslib


def test_days_label():
    assert claimslib.days_label(3) == "fast"
    assert claimslib.days_label(31) == "slow"
