"""The embedded insurance warehouse and the one connection layer that also reaches real engines.

Usage::

    from pairlab.warehouse import connect
    con = connect()            # the embedded DuckDB file, or $PAIRLAB_WAREHOUSE_URL
    con.table("claims").count().execute()

The notebook explorer over it is `pairlab.explore(con)` (it also shows the catalog's products).
"""

from pairlab.warehouse.connection import connect, default_path, redact
from pairlab.warehouse.generator import generate
from pairlab.warehouse.info import describe
from pairlab.warehouse.profile import histogram, profile_table
from pairlab.warehouse.queries import defect_counts, loss_ratio

__all__ = [
    "connect",
    "default_path",
    "defect_counts",
    "describe",
    "generate",
    "histogram",
    "loss_ratio",
    "profile_table",
    "redact",
]
