"""Lineage: warehouse tables -> products -> consumers, as nodes in columns and edges.

Consumers are the ones each descriptor declares and, given the usage reads, the teams
measured reading each product.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pairlab.catalog.entry import Entry


@dataclass(frozen=True)
class Node:
    """A table, a product or a consumer, placed in a column (its depth from the tables)."""

    id: str
    kind: str  # "table", "product" or "consumer"
    label: str
    status: str = ""


@dataclass
class Graph:
    """Nodes in layers, left to right, and the edges between them."""

    layers: list[list[Node]] = field(default_factory=list)
    edges: list[tuple[str, str]] = field(default_factory=list)


def _product_sources(entries: Sequence[Entry]) -> dict[str, str]:
    """Return contract id (and product id) -> product id, so one product can read another."""
    sources = {}
    for entry in entries:
        sources[entry.id] = entry.id
        for port in entry.outputs:
            sources[port.contract_id] = entry.id
    return sources


def _depths(entries: Sequence[Entry], sources: dict[str, str]) -> dict[str, int]:
    """Return each product's layer: one right of the deepest product it reads."""
    reads = {e.id: [sources[i] for i in e.inputs if i in sources] for e in entries}
    depth: dict[str, int] = {}

    def visit(pid: str, trail: frozenset[str]) -> int:
        if pid not in depth:
            # A cycle of products reading each other is a mistake; cut it rather than recurse.
            ups = [visit(u, trail | {pid}) for u in reads.get(pid, []) if u not in trail]
            depth[pid] = 1 + max(ups, default=0)
        return depth[pid]

    for entry in entries:
        visit(entry.id, frozenset())
    return depth


def lineage(
    entries: Sequence[Entry], reading_teams: Mapping[str, Iterable[str]] | None = None
) -> Graph:
    """Return the graph of the tables products read, the products, and their consumers.

    `reading_teams` (product id -> teams measured reading it) adds those teams as consumers.
    """
    reading_teams = reading_teams or {}
    sources = _product_sources(entries)
    depth = _depths(entries, sources)
    graph = Graph()
    tables: dict[str, Node] = {}
    consumers: dict[str, Node] = {}
    products: dict[int, list[Node]] = {}
    for entry in entries:
        node = Node(f"product:{entry.id}", "product", entry.name, entry.status)
        products.setdefault(depth[entry.id], []).append(node)
        for source in entry.inputs:
            if source in sources:
                graph.edges.append((f"product:{sources[source]}", node.id))
            else:
                name = source.removeprefix("warehouse.")
                tables.setdefault(name, Node(f"table:{name}", "table", name))
                graph.edges.append((f"table:{name}", node.id))
        for consumer in entry.consumers:
            consumers.setdefault(consumer, Node(f"consumer:{consumer}", "consumer", consumer))
            graph.edges.append((node.id, f"consumer:{consumer}"))
        for team in reading_teams.get(entry.id, ()):
            consumers.setdefault(f"team:{team}", Node(f"team:{team}", "consumer", f"team {team}"))
            graph.edges.append((node.id, f"team:{team}"))
    graph.layers.append(sorted(tables.values(), key=lambda n: n.label))
    graph.layers += [sorted(products[d], key=lambda n: n.label) for d in sorted(products)]
    graph.layers.append(sorted(consumers.values(), key=lambda n: n.label))
    graph.edges = sorted(set(graph.edges))
    return graph
