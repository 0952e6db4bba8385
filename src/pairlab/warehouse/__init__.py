"""The embedded insurance warehouse and the one connection layer that also reaches real engines.

Usage::

    from pairlab.warehouse import connect, explore
    con = connect()            # the embedded DuckDB file, or $PAIRLAB_WAREHOUSE_URL
    con.table("claims").count().execute()
    explore(con)               # table picker, schema, sample rows, profile, histogram
"""

from pairlab.warehouse.connection import connect, default_path, redact
from pairlab.warehouse.generator import generate
from pairlab.warehouse.info import describe
from pairlab.warehouse.profile import histogram, profile_table
from pairlab.warehouse.queries import defect_counts, loss_ratio

_LAZY = ("explore", "Explorer", "ExplorerModel")


def __getattr__(name: str) -> object:
    """Import the widget only when a notebook asks for it: the CLI never needs ipywidgets."""
    if name in _LAZY:
        from pairlab.warehouse import explorer

        return getattr(explorer, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [  # noqa: RUF022 - grouped: functions, then the lazily imported widget
    "connect",
    "default_path",
    "defect_counts",
    "describe",
    "explore",
    "generate",
    "histogram",
    "loss_ratio",
    "profile_table",
    "redact",
    "Explorer",
    "ExplorerModel",
]
