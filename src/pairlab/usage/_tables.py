"""Where each published product's output ports live in the warehouse, as `schema.table` keys."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pairlab.usage._sql import table_name


@dataclass(frozen=True)
class PortRef:
    """One output port of one product."""

    product: str
    port: str


def port_table(port: Any) -> str | None:
    """Return the warehouse table of a published output port, or None if never published.

    The one place that knows how a descriptor says where a port lives: `pairlab publish`
    records it as the port's `table` custom property (`products.<product>__<port>`).
    """
    value = port.custom("table")
    if isinstance(value, str) and value.strip():
        return table_name(*value.strip().split("."))
    return None


def product_tables(products: Iterable[Any]) -> dict[str, PortRef]:
    """Map each published port's table to its product and port (products: loaded `Product`s)."""
    tables: dict[str, PortRef] = {}
    for product in products:
        d = product.descriptor
        for port in d.outputPorts:
            table = port_table(port)
            if table:
                tables.setdefault(table, PortRef(d.id, port.name))
    return tables
