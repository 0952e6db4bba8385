"""Read another team's product by name: `products.read("product-id.port")` -> an ibis table.

The name resolves through the catalog to the table the port was published to. A room above
this one (usage) can record every read: `on_read(callback)` registers a function that gets a
`ReadEvent` each time `read` resolves a port.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ibis.expr.types as ir

from pairlab.catalog.descriptor import DESCRIPTOR_FILE, read_yaml
from pairlab.catalog.entry import Entry
from pairlab.catalog.index import Catalog
from pairlab.catalog.load import load_catalog
from pairlab.errors import BadInput, NotFound
from pairlab.products._store import SCHEMA


class DeprecatedProductWarning(UserWarning):
    """The product or port read is deprecated: it still works, but move off it."""


@dataclass(frozen=True)
class ReadEvent:
    """One resolved read: which product and port, which table, on which server."""

    product: str
    port: str
    table: str
    server: str


_HOOKS: list[Callable[[ReadEvent], None]] = []


def on_read(callback: Callable[[ReadEvent], None]) -> Callable[[ReadEvent], None]:
    """Call `callback` with a ReadEvent on every `read` (e.g. to record use); return it."""
    _HOOKS.append(callback)
    return callback


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


def read(name: str, *, catalog: Path | str | None = None, url: str | None = None) -> ir.Table:
    """Return the published table of `name` ("product-id.port") as an ibis table.

    The warehouse is `url`, else the DuckDB file the port was published to (opened
    read-only), else $PAIRLAB_WAREHOUSE_URL or the embedded warehouse.
    """
    from pairlab.warehouse import connect

    if "." not in name:
        raise BadInput(
            f"{name!r} names no port", "write PRODUCT-ID.PORT, e.g. premium-by-channel.x"
        )
    found = load_catalog(_roots(catalog))
    entry, port = resolve(found, name)
    _warn_deprecated(entry, port)
    table, server = _location(entry, port)
    if url is None and server.startswith("duckdb:///"):
        url = f"{server}?read_only=true"
    con = connect(url)
    schema, _, bare = table.rpartition(".")
    result = con.table(bare, database=schema or SCHEMA)
    for hook in list(_HOOKS):
        hook(ReadEvent(entry.id, port, table, server))
    return result
