"""Where each published product's output ports live in the warehouse, as `schema.table` keys."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

PRODUCTS_SCHEMA = "products"  # where `pairlab publish` writes a port when no location is given


@dataclass(frozen=True)
class PortRef:
    """One output port of one product."""

    product: str
    port: str


def port_table(port: Any) -> str:
    """Return the warehouse table of an output port: its declared location, else products.<port>.

    The one place that knows how a descriptor says where a port lives: publish records the
    location in the port (a `location` or `table` custom property, as it lands); until a port
    says, pairlab's publish convention `products.<port name>` is assumed.
    """
    from pairlab.usage._sql import table_name

    for key in ("location", "table"):
        value = port.custom(key) if hasattr(port, "custom") else None
        if isinstance(value, str) and value.strip():
            return table_name(*value.strip().split("."))
    return table_name(PRODUCTS_SCHEMA, port.name)


def product_tables(products: Iterable[Any]) -> dict[str, PortRef]:
    """Map each output port's table to its product and port (products: loaded `Product`s)."""
    tables: dict[str, PortRef] = {}
    for product in products:
        d = product.descriptor
        for port in d.outputPorts:
            tables.setdefault(port_table(port), PortRef(d.id, port.name))
    return tables
