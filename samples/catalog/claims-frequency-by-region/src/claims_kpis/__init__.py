"""Monthly claims frequency and loss ratio by product line and region."""
