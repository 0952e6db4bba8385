"""Publish a product behind its contract into the warehouse, and read products by name."""
