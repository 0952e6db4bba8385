"""Read another team's product by name: `products.read("product-id.port")` -> an ibis table.

The name resolves through the catalog to the table the port was published to. Every read is
told to the read hooks: the functions installed packages declare in the entry-point group
`pairlab.read_hooks` (pairlab's own usage recorder is one) and any `on_read(callback)`. A hook
that fails is logged and never breaks the read.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import logging
import os
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

import ibis.expr.types as ir
from ibis.backends import BaseBackend

from pairlab.catalog.descriptor import DESCRIPTOR_FILE, read_yaml
from pairlab.catalog.entry import Entry
from pairlab.catalog.index import Catalog
from pairlab.catalog.load import load_catalog
from pairlab.errors import BadInput, NotFound
from pairlab.products._store import SCHEMA

log = logging.getLogger(__name__)
HOOK_GROUP = "pairlab.read_hooks"
PIPELINE_ENV = "PAIRLAB_PIPELINE_PRODUCT"  # a product's build run elsewhere: its reads are reuse
_pipeline: contextvars.ContextVar[str] = contextvars.ContextVar("pairlab_pipeline", default="")


class DeprecatedProductWarning(UserWarning):
    """The product or port read is deprecated: it still works, but move off it."""


@dataclass(frozen=True)
class ReadEvent:
    """One resolved read: which product and port, which table, on which server."""

    product: str
    port: str
    table: str
    server: str
    pipeline: str = ""  # the product whose build read it (reuse), else "" (a person)


_HOOKS: list[Callable[[ReadEvent], None]] = []
_declared_loaded = False


def on_read(callback: Callable[[ReadEvent], None]) -> Callable[[ReadEvent], None]:
    """Call `callback` with a ReadEvent on every `read` (e.g. to record use); return it."""
    if callback not in _HOOKS:
        _HOOKS.append(callback)
    return callback


@contextlib.contextmanager
def as_pipeline(product: str) -> Iterator[None]:
    """Count the reads inside as reuse by `product`'s pipeline, not as a person's."""
    token = _pipeline.set(product)
    try:
        yield
    finally:
        _pipeline.reset(token)


def current_pipeline() -> str:
    """Return the product whose build is reading now, else "" (a person reads)."""
    return _pipeline.get() or os.environ.get(PIPELINE_ENV, "")


def _hooks() -> list[Callable[[ReadEvent], None]]:
    """Return the read hooks, loading the declared ones (entry points) on first use."""
    global _declared_loaded
    if not _declared_loaded:
        _declared_loaded = True
        for point in entry_points(group=HOOK_GROUP):
            try:
                on_read(point.load())
            except Exception:  # a broken plugin must not break reading a product
                log.warning("pairlab: read hook %s could not load", point.value, exc_info=True)
    return list(_HOOKS)


def _tell_hooks(event: ReadEvent) -> None:
    """Give every hook the event; a failing hook is logged, the read goes on."""
    for hook in _hooks():
        try:
            hook(event)
        except Exception:
            log.warning("pairlab: read hook %r failed", hook, exc_info=True)


def _roots(catalog: Path | str | None) -> list[Path] | None:
    """Return the catalog roots to read (None: the catalog's own default)."""
    return [Path(catalog)] if catalog else None


def resolve(catalog: Catalog, name: str) -> tuple[Entry, str]:
    """Return the product and port `name` ("product-id.port") names, or say what is close."""
    for cut in (i for i, ch in enumerate(name) if ch == "."):
        entry = catalog.get(name[:cut])
        if entry is not None:
            port = name[cut + 1 :]
            ports = [p.name for p in entry.outputs]
            if port in ports:
                return entry, port
            raise NotFound(
                f"product {entry.id} has no output port {port!r}",
                "read one of: " + ", ".join(f"{entry.id}.{p}" for p in ports),
            )
    known = [f"{e.id}.{p.name}" for e in catalog.entries for p in e.outputs]
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else "find it with: pairlab catalog search"
    raise NotFound(f"no product port {name!r} in the catalog ({len(known)} ports)", hint)


def _location(entry: Entry, port: str) -> tuple[str, str]:
    """Return (table, server) the registered descriptor records for the port."""
    data, problems = read_yaml(entry.path / DESCRIPTOR_FILE, DESCRIPTOR_FILE)
    ports = (data or {}).get("outputPorts") or []
    props = next((p.get("customProperties") or [] for p in ports if p.get("name") == port), [])
    values = {p.get("property"): p.get("value") for p in props if isinstance(p, dict)}
    if problems or not values.get("table"):
        raise NotFound(
            f"{entry.id}.{port} is in the catalog but was never published to the warehouse",
            f"ask its owner ({entry.owner or entry.team or 'see the catalog'}) to run "
            "pairlab publish",
        )
    return str(values["table"]), str(values.get("server") or "")


def _warn_deprecated(entry: Entry, port: str) -> None:
    """Warn when the product or the port is deprecated (ODPS v1.1.0 `deprecated`, or status)."""
    outputs = {p.name: p for p in entry.outputs}
    retired = entry.status in ("deprecated", "retired")
    if entry.deprecated or retired:
        state = entry.status if retired else "deprecated"
        message = f"product {entry.id} is {state}: find its successor with pairlab catalog search"
        warnings.warn(DeprecatedProductWarning(message), stacklevel=3)
    elif outputs[port].deprecated:
        warnings.warn(
            DeprecatedProductWarning(f"port {entry.id}.{port} is deprecated: read another port"),
            stacklevel=3,
        )


def connect_published(server: str, url: str | None = None) -> BaseBackend:
    """Connect to `url`, else to the DuckDB file the port lives in: read-only, so many readers
    share it, unless this process has it open for writing already (a product's build that
    reads another product while publish holds the file), whose settings DuckDB requires."""
    from pairlab.warehouse import connect

    if url is not None or not server.startswith("duckdb:///"):
        return connect(url, record=False)  # the read is recorded once, below
    try:
        return connect(f"{server}?read_only=true", record=False)
    except BadInput as exc:
        if "already open in this process" not in exc.problem:
            raise
        return connect(server, record=False)


def read(name: str, *, catalog: Path | str | None = None, url: str | None = None) -> ir.Table:
    """Return the published table of `name` ("product-id.port") as an ibis table.

    The warehouse is `url`, else the DuckDB file the port was published to (opened
    read-only), else $PAIRLAB_WAREHOUSE_URL or the embedded warehouse.
    """
    if "." not in name:
        raise BadInput(
            f"{name!r} names no port", "write PRODUCT-ID.PORT, e.g. premium-by-channel.x"
        )
    found = load_catalog(_roots(catalog))
    entry, port = resolve(found, name)
    _warn_deprecated(entry, port)
    table, server = _location(entry, port)
    con = connect_published(server, url)
    schema, _, bare = table.rpartition(".")
    result = con.table(bare, database=schema or SCHEMA)
    _tell_hooks(ReadEvent(entry.id, port, table, server, current_pipeline()))
    return result
