"""Record reads of products where they happen: into the outbox, in microseconds, never failing.

`record_read` is what `pairlab.products.read` calls for every read (through the products'
read hook). It writes one small file and returns; a flush (`pairlab usage flush`, `list`,
`review`, or `flush()` here) moves the outbox into the shared store, with each reader's team.
Recording can never break the read: any error is logged and the read goes on.
"""

from __future__ import annotations

import logging
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from pairlab.products import current_pipeline
from pairlab.usage import _outbox
from pairlab.usage._identity import reader as current_reader
from pairlab.usage._identity import team_lookup
from pairlab.usage._sessions import note_lab_read
from pairlab.usage._store import Read, Store, StoreDown

log = logging.getLogger(__name__)
OFF_ENV = "PAIRLAB_USAGE"  # "off": record nothing


def record_read(
    product: str,
    port: str,
    *,
    pipeline: str | None = None,
    outbox: Path | None = None,
    reader: str | None = None,
    at: datetime | None = None,
) -> None:
    """Record that the reader (or `pipeline`'s build) read `product`'s `port` (default: now)."""
    if os.environ.get(OFF_ENV, "").lower() == "off":
        return
    try:
        pipeline = current_pipeline() if pipeline is None else pipeline
        item = {
            "key": uuid.uuid4().hex,
            "product": product,
            "port": port,
            "reader": reader or current_reader(),
            "at": (at or datetime.now(UTC)).isoformat(),
            "source": "pipeline" if pipeline else "person",
            "pipeline": pipeline,
        }
        _outbox.put(outbox or _outbox.default_outbox(), item)
        note_lab_read(product, port, pipeline)  # in a lab's kernel: the pair's session hears it
    except Exception:
        log.warning("pairlab: could not record a read of %s.%s", product, port, exc_info=True)


def _read(item: dict[str, Any]) -> Read:
    """Return the stored form of an outbox item."""
    return Read(
        key=str(item["key"]),
        product=str(item["product"]),
        port=str(item["port"]),
        reader=str(item["reader"]),
        at=datetime.fromisoformat(str(item["at"])),
        source=str(item.get("source") or "person"),
        pipeline=str(item.get("pipeline") or ""),
        origin="pairlab",
    )


def flush(store: Store, outbox: Path | None = None, program: Path | None = None) -> int:
    """Move every pending read into the store (teams looked up once); return how many were new."""
    folder = outbox or _outbox.default_outbox()
    if not _outbox.pending(folder):
        return 0
    team_of = team_lookup(program)
    try:
        return _outbox.drain(folder, lambda items: store.add((_read(i) for i in items), team_of))
    except sa.exc.SQLAlchemyError as exc:
        waiting = _outbox.count(folder)
        raise StoreDown(
            f"the usage store {store.shown} cannot take reads now ({type(exc).__name__}); "
            f"{waiting} read(s) wait in {folder}",
            "they are kept: flush again when the store is back (pairlab usage flush)",
        ) from None
