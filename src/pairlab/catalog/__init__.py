"""The data-product catalog: descriptors and contracts, contract tests, search and overlap.

Names load on first use: a warm `pairlab catalog search` answers from the kept index without
importing the descriptor's models (pydantic, ODCS), which cost a third of a second.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_HOMES = {
    "DESCRIPTOR_FILE": "pairlab.catalog.index",
    "DataProduct": "pairlab.catalog.odps",
    "DescriptorError": "pairlab.catalog.descriptor",
    "Problem": "pairlab.catalog.problem",
    "Product": "pairlab.catalog.descriptor",
    "lint_product": "pairlab.catalog.descriptor",
    "load_product": "pairlab.catalog.descriptor",
    "validate_product": "pairlab.catalog.descriptor",
    "Catalog": "pairlab.catalog.index",
    "Entry": "pairlab.catalog.entry",
    "default_roots": "pairlab.catalog.index",
    "load_catalog": "pairlab.catalog.load",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    if name not in _HOMES:
        raise AttributeError(f"module 'pairlab.catalog' has no attribute {name!r}")
    value = getattr(import_module(_HOMES[name]), name)
    globals()[name] = value
    return value
