"""Use of published products: reads recorded, query logs imported, reviews decided.

Usage::

    from pairlab import usage
    usage.record_read("claims-frequency-by-region", "monthly_claims_kpis")  # products.read does it
    # and a query through pairlab.warehouse.connect() reading a product's table: record_query
    store = usage.Store()                 # $PAIRLAB_USAGE_DB, else SQLite in the data folder
    usage.flush(store)                    # the outbox into the shared store
    usage.import_log(Path("log.csv"), "csv", store, usage.catalog_tables())
    usage.review("claims-frequency-by-region", roots, store, date.today(), by="ana")

Importing this module registers `record_read` on `pairlab.products.on_read`, so every
`pairlab.products.read` in the process is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pairlab.products import ReadEvent, as_pipeline
from pairlab.usage._forward import ensure_forwarding
from pairlab.usage._hub import flush_to_hub as _flush_to_hub
from pairlab.usage._hypothesis import DECISIONS, METRICS, Hypothesis, parse_hypothesis
from pairlab.usage._identity import program_here, reader, team_lookup
from pairlab.usage._import import ImportResult, import_log
from pairlab.usage._logs import FORMATS
from pairlab.usage._queries import record_query as _record_query
from pairlab.usage._queries import settle
from pairlab.usage._record import flush as _flush_outbox
from pairlab.usage._record import record_read
from pairlab.usage._reuse import (
    TeamReuse,
    consuming_teams,
    format_reuse,
    reuse_by_team,
    teams_per_product,
    with_reuse,
)
from pairlab.usage._review import Review, review
from pairlab.usage._sessions import (
    close_lab_reads,
    log_session_reuse,
    note_lab_read,
    open_lab_reads,
)
from pairlab.usage._sql import warehouse_views
from pairlab.usage._store import Read, Store
from pairlab.usage._tables import PortRef, port_table, product_tables
from pairlab.usage._text import format_import, format_reads, format_review

__all__ = [
    "DECISIONS",
    "FORMATS",
    "METRICS",
    "Hypothesis",
    "ImportResult",
    "PortRef",
    "Read",
    "Review",
    "Store",
    "TeamReuse",
    "as_pipeline",
    "catalog_roots",
    "catalog_tables",
    "close_lab_reads",
    "consuming_teams",
    "ensure_forwarding",
    "flush",
    "flush_to_hub",
    "format_import",
    "format_reads",
    "format_reuse",
    "format_review",
    "import_log",
    "log_session_reuse",
    "note_lab_read",
    "open_lab_reads",
    "parse_hypothesis",
    "port_table",
    "product_tables",
    "program_here",
    "reader",
    "record_event",
    "record_query",
    "record_read",
    "reuse_by_team",
    "review",
    "settle",
    "team_lookup",
    "teams_per_product",
    "warehouse_views",
    "with_reuse",
]


def record_event(event: ReadEvent) -> None:
    """Record one `pairlab.products.read`; declared in the `pairlab.read_hooks` entry points."""
    record_read(event.product, event.port, pipeline=event.pipeline)
    ensure_forwarding()  # on a hub, the reads go to the cohort service by themselves


def record_query(query: Any) -> None:
    """Record the product reads of one query through `pairlab.warehouse.connect()`.

    Declared in the `pairlab.query_hooks` entry points; the SQL is parsed off the reader's thread.
    """
    _record_query(query)
    ensure_forwarding()


def flush_to_hub(
    outbox: Path | None = None, url: str | None = None, token: str | None = None
) -> int:
    """Post every pending read (this process's queries parsed first) to the cohort service."""
    settle()
    return _flush_to_hub(outbox, url, token)


def flush(store: Store, outbox: Path | None = None, program: Path | None = None) -> int:
    """Move every pending read (this process's queries parsed first) into the store; count new."""
    settle()
    return _flush_outbox(store, outbox, program)


def catalog_roots(roots: Iterable[Path | str] | None = None) -> tuple[Path, ...]:
    """Return the catalog folders: given, else $PAIRLAB_CATALOG, else the sample catalog."""
    from pairlab.catalog.index import check_roots

    return check_roots(roots)


def catalog_tables(roots: Iterable[Path | str] | None = None) -> dict[str, PortRef]:
    """Map the warehouse table of every output port in the catalog to its product and port."""
    from pairlab.catalog.descriptor import lint_product
    from pairlab.catalog.index import find_products

    products = []
    for root in catalog_roots(roots):
        for folder in find_products(root):
            product, _ = lint_product(folder, schema=False)
            if product is not None:
                products.append(product)
    return product_tables(products)
