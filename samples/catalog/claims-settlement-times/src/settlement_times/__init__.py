"""Settlement times of closed claims by product line and peril."""
