"""What the notebook reads of other products: `products.read("id.port")` and product tables.

A read of a published product is reuse: the promoted descriptor's input port points at the
product's port (`contractId: id.port`), not at a warehouse table, so the catalog's lineage
draws one product built on another.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable


def product_reads(trees: Iterable[ast.AST]) -> list[str]:
    """Return the "id.port" names read through `products.read(...)`, first seen first."""
    found: list[str] = []
    for tree in trees:
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            first = node.args[0] if node.args else None
            owner = node.func.value
            name = getattr(owner, "id", getattr(owner, "attr", ""))
            if (
                node.func.attr == "read"
                and name == "products"
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and "." in first.value
            ):
                found.append(first.value.strip())
    return list(dict.fromkeys(found))


def split_product_tables(tables: list[str]) -> tuple[list[str], list[str]]:
    """Return (warehouse tables, "id.port" of the catalog products whose tables these are)."""
    if not any("__" in t for t in tables):  # every product table is ID__PORT: skip the catalog
        return tables, []
    from pairlab.catalog import load_catalog
    from pairlab.products import table_name

    ports = {
        table_name(entry.id, port.name): f"{entry.id}.{port.name}"
        for entry in load_catalog().entries
        for port in entry.outputs
    }
    return [t for t in tables if t not in ports], [ports[t] for t in tables if t in ports]
