"""Which products already read or expose the tables and columns a pair is about to use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pairlab.catalog.entry import Entry
from pairlab.errors import BadInput

_LIVE_FIRST = {"active": 0, "draft": 1, "proposed": 1, "deprecated": 2, "retired": 3}


@dataclass(frozen=True)
class Match:
    """How one product touches one target: it reads it, or exposes it in an output port."""

    target: str
    how: str  # "reads", "exposes" or "reads the table" (the product names no columns)
    detail: str

    def to_json(self) -> dict[str, str]:
        """Return the match as JSON-ready data."""
        return {"target": self.target, "how": self.how, "detail": self.detail}


@dataclass(frozen=True)
class Overlap:
    """A product that overlaps the targets, and every way it does."""

    entry: Entry
    matches: tuple[Match, ...]

    @property
    def targets(self) -> set[str]:
        """Return the targets this product overlaps."""
        return {m.target for m in self.matches}

    def to_json(self) -> dict[str, Any]:
        """Return what a pair needs to ask the owner: who, which ports, and what overlaps."""
        e = self.entry
        return {
            "id": e.id,
            "name": e.name,
            "status": e.status,
            "decision": e.decision,  # the last review's keep / iterate / kill, "" if none
            "decided_on": e.decided_on,
            "owner": e.owner,
            "team": e.team,
            "domain": e.domain,
            "path": str(e.path),
            "output_ports": [{"name": p.name, "contract_id": p.contract_id} for p in e.outputs],
            "matches": [m.to_json() for m in self.matches],
        }


def parse_target(text: str) -> tuple[str, str | None]:
    """Split TABLE or TABLE.COLUMN (a leading `warehouse.` is allowed)."""
    parts = text.strip().lower().removeprefix("warehouse.").split(".")
    if not text.strip() or len(parts) > 2 or not all(parts):
        raise BadInput(f"'{text}' is not TABLE or TABLE.COLUMN", "e.g. claims or claims.incurred")
    return parts[0], parts[1] if len(parts) == 2 else None


def _exposing(entry: Entry, source: str) -> list[str]:
    """Return `port.column` of every output column built from the warehouse column `source`."""
    return [
        f"{port.name}.{col.name}"
        for port in entry.outputs
        for col in port.columns
        if source in (s.lower() for s in col.sources)
    ]


def _matches(entry: Entry, target: str) -> list[Match]:
    """Return how `entry` reads or exposes one target."""
    table, column = parse_target(target)
    if table not in entry.tables:
        return []
    if column is None:
        ports = ", ".join(p.name for p in entry.outputs)
        return [Match(target, "reads", f"input port {table}; outputs {ports}")]
    found = [Match(target, "exposes", where) for where in _exposing(entry, f"{table}.{column}")]
    declared = entry.read_columns.get(table)
    if declared is not None and column in declared:
        found.insert(0, Match(target, "reads", f"input port {table} reads {column}"))
    elif declared is None and not found:
        # The product reads the table without saying which columns: maybe this one.
        found.append(Match(target, "reads the table", f"input port {table} lists no columns"))
    return found


def overlap(entries: Sequence[Entry], targets: Sequence[str]) -> list[Overlap]:
    """Return the products overlapping `targets`, those matching most targets first."""
    if not targets:
        raise BadInput("no table or column given", "name at least one TABLE or TABLE.COLUMN")
    for target in targets:
        parse_target(target)
    found = []
    for entry in entries:
        matches = [m for t in targets for m in _matches(entry, t)]
        if matches:
            found.append(Overlap(entry, tuple(matches)))
    found.sort(
        key=lambda o: (
            -len(o.targets),
            -sum(m.how == "exposes" for m in o.matches),
            _LIVE_FIRST.get(o.entry.status, 1),
            o.entry.id,
        )
    )
    return found
