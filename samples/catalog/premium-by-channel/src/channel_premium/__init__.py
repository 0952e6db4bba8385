"""Written premium by month, sales channel and product line."""
