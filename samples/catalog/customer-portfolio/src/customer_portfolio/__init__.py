"""Customers and policies by region, segment and product line."""
