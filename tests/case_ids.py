"""Test ids for parametrized cases that are functions: stable across processes (pytest-xdist)."""

from __future__ import annotations


def case_id(value: object) -> str:
    """Name a case by its function's name; a function's repr holds an address per process."""
    return str(getattr(value, "__name__", str(value)[:30]))
