"""Reuse first: what the catalog already has for a request, with the catalog's own matchers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pairlab.catalog.index import Catalog
from pairlab.catalog.search import fields, tokens
from pairlab.intake._model import Request

SEARCH_LIMIT = 5  # a product must rank among the catalog search's first few for the idea
WORDS_COVERED = 0.5  # ... and name at least half of the idea's words


@dataclass(frozen=True)
class ReuseAnswer:
    """An active product that covers the request: who owns it and how to read it."""

    product: str
    name: str
    team: str
    owner: str
    port: str
    tables: tuple[str, ...]

    @property
    def read(self) -> str:
        """Return the one line that reads the product in a notebook."""
        return f"pairlab.products.read('{self.product}.{self.port}')"

    def message(self) -> str:
        """Return the answer as the requester reads it."""
        return (
            f"reuse {self.product} (owner team {self.team}, {self.owner}; "
            f"how to read it: {self.read})"
        )

    def to_json(self) -> dict[str, Any]:
        """Return the answer as JSON-ready data."""
        return {
            "product": self.product,
            "name": self.name,
            "team": self.team,
            "owner": self.owner,
            "port": self.port,
            "tables": list(self.tables),
            "read": self.read,
            "message": self.message(),
        }


def _words_covered(idea: str, entry_text: set[str]) -> float:
    """Return the share of the idea's words that the product's own fields contain."""
    words = set(tokens(idea))
    return len(words & entry_text) / len(words) if words else 0.0


def reuse_answer(catalog: Catalog, request: Request) -> ReuseAnswer | None:
    """Return the active product that covers the request, or None.

    Covers means: it reads every table the request expects (the catalog's overlap), and the
    catalog's search finds it for the request's idea, naming at least half its words.
    """
    if not request.tables:
        return None
    needed = set(request.tables)
    readers = {
        o.entry.id: o.entry
        for o in catalog.overlap(sorted(needed))
        if o.entry.status == "active" and o.targets == needed
    }
    tables = tuple(sorted({t.split(".", 1)[0] for t in needed}))
    for hit in catalog.search(f"{request.idea} {request.consumer}", limit=SEARCH_LIMIT):
        entry = readers.get(hit.entry.id)
        if entry is None or not entry.outputs:
            continue
        text = {w for _, value in fields(entry) for w in tokens(value)}
        if _words_covered(request.idea, text) >= WORDS_COVERED:
            return ReuseAnswer(
                entry.id, entry.name, entry.team, entry.owner, entry.outputs[0].name,
                tables,
            )  # fmt: skip
    return None


def unknown_names(
    catalog: Catalog, known_tables: set[str], request: Request
) -> dict[str, list[str]]:
    """Return the tables and products the request names that neither warehouse nor catalog has."""
    tables = {t for e in catalog.entries for t in e.tables} | known_tables
    ids = {e.id for e in catalog.entries}
    return {
        "tables": sorted({t.split(".", 1)[0] for t in request.tables} - tables),
        "products": sorted(p for p in request.products if p.split(".", 1)[0] not in ids),
    }
