"""Publish a product behind its contract into the warehouse, and read products by name.

Usage::

    from pairlab import products
    products.publish("path/to/product", catalog="catalog/")   # gates, writes, registers
    table = products.read("claims-frequency-by-region.monthly_claims_kpis")  # an ibis table
    products.on_read(lambda event: ...)   # called with a ReadEvent on every read
    products.seed_sample(workspace)       # `pairlab lab`: the sample lesson 2 reads, published
"""

from pairlab.products._breaking import Change, compare
from pairlab.products._gate import GateFailed
from pairlab.products._publish import PortResult, PublishResult, publish
from pairlab.products._read import (
    DeprecatedProductWarning,
    ReadEvent,
    as_pipeline,
    connect_published,
    current_pipeline,
    on_read,
    read,
)
from pairlab.products._sample import SAMPLE_NAME, seed_sample
from pairlab.products._store import SCHEMA, table_name

__all__ = [
    "SAMPLE_NAME",
    "SCHEMA",
    "Change",
    "DeprecatedProductWarning",
    "GateFailed",
    "PortResult",
    "PublishResult",
    "ReadEvent",
    "as_pipeline",
    "compare",
    "connect_published",
    "current_pipeline",
    "on_read",
    "publish",
    "read",
    "seed_sample",
    "table_name",
]
