"""The legacy yearly loss ratio by product line."""
