"""The catalog: every product found under one or more folders, each problem named per file."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from pairlab.catalog.entry import Entry, to_entry
from pairlab.catalog.overlap import Overlap, overlap
from pairlab.catalog.problem import Problem
from pairlab.catalog.search import Hit, SearchIndex
from pairlab.errors import BadInput, NotFound
from pairlab.resources import samples_dir

# The file name is all a warm run needs: the descriptor's models (pydantic, ODCS) load only when
# a product has to be read again.
DESCRIPTOR_FILE = "dataproduct.yaml"

ENV = "PAIRLAB_CATALOG"
T = TypeVar("T")
# Folders that never hold products but can hold thousands of files.
SKIP = {"node_modules", "__pycache__", "site-packages", "build", "dist"}


@dataclass
class Catalog:
    """The products of the given roots, and the problems that kept any of them out or flawed."""

    roots: tuple[Path, ...]
    entries: Sequence[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # the standards: errors
    policy: list[Problem] = field(default_factory=list)  # pairlab's named policy
    notices: list[Problem] = field(default_factory=list)  # e.g. an ODPS v0.9 document

    def record(self, found: Iterable[Problem]) -> None:
        """File each finding under its level."""
        for item in found:
            {"policy": self.policy, "notice": self.notices}.get(item.level, self.problems).append(
                item
            )

    def get(self, product_id: str) -> Entry | None:
        """Return the product with this id, or None."""
        ids = getattr(self.entries, "ids", None)  # kept entries: find it without decoding all
        if ids is not None:
            return self.entries[ids.index(product_id)] if product_id in ids else None
        return next((e for e in self.entries if e.id == product_id), None)

    def require(self, product_id: str) -> Entry:
        """Return the product with this id, or say which ids are close (NotFound)."""
        found = self.get(product_id)
        if found is not None:
            return found
        import difflib

        close = difflib.get_close_matches(product_id, [e.id for e in self.entries], n=3)
        hint = f"did you mean {', '.join(close)}?" if close else "find it: pairlab catalog search"
        raise NotFound(f"no product {product_id!r} in the catalog", hint)

    @cached_property
    def index(self) -> SearchIndex:
        """Build the search index on first use."""
        return SearchIndex(self.entries)

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        """Return the products that best match `query`, best first."""
        return self.index.search(query, limit)

    def overlap(self, targets: Sequence[str]) -> list[Overlap]:
        """Return the products that read or expose the given TABLE or TABLE.COLUMN targets."""
        return overlap(self.entries, targets)

    def used_by(self, table: str) -> list[Entry]:
        """Return the products that read the warehouse table `table`."""
        return [e for e in self.entries if table in e.tables]


def default_roots() -> list[Path]:
    """Return the folders of $PAIRLAB_CATALOG (a path list), else the sample catalog."""
    listed = [Path(p) for p in os.environ.get(ENV, "").split(os.pathsep) if p.strip()]
    if listed:
        return listed

    return [samples_dir() / "catalog"]


def find_products(root: Path) -> list[Path]:
    """Return every folder under `root` that holds a dataproduct.yaml, in path order."""
    found = []
    for folder, dirs, files in os.walk(root):
        if DESCRIPTOR_FILE in files:
            found.append(Path(folder))
            dirs.clear()  # a product's own folders hold code and contracts, not products
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP)
    return sorted(found)


def _label(folder: Path, file: str) -> str:
    """Return `file` of the product folder as a path people can open."""
    return f"{folder.as_posix()}/{file}"


def read_product(folder: Path, strict: bool) -> tuple[Entry | None, list[Problem], list[Path]]:
    """Read one product folder: its entry (None if unusable), its findings and the files read."""
    from pairlab.catalog.descriptor import lint_product

    product, problems = lint_product(folder, schema=strict)
    found = [
        Problem(_label(folder, p.file), p.field, p.rule, p.level, p.severity, p.policy)
        for p in problems
    ]
    files = [folder / DESCRIPTOR_FILE]
    if product is not None:
        ports = product.descriptor.outputPorts
        files += [folder / str(p.custom("contract")) for p in ports if p.custom("contract")]
    return (to_entry(product) if product is not None else None), found, files


def assemble(
    catalog: Catalog, read: Iterable[tuple[Path | str, str | None, T, Iterable[Problem]]]
) -> list[tuple[str, T]]:
    """Record each product's findings; return (id, entry) of the usable ones, ids unique.

    An id used twice is a problem of the later folder; the first one keeps it.
    """
    seen: dict[str, Path | str] = {}
    kept = []
    for folder, pid, entry, found in read:
        catalog.record(found)
        if pid is None:
            continue  # the descriptor itself is unreadable: nothing to index
        if pid in seen:
            first = Path(seen[pid]) / DESCRIPTOR_FILE
            rule = f"id '{pid}' is already used by {first}; ids must be unique"
            where = _label(Path(folder), DESCRIPTOR_FILE)
            catalog.problems.append(Problem(where, "id", rule))
            continue
        seen[pid] = folder
        kept.append((pid, entry))
    return kept


def check_roots(roots: Iterable[Path | str] | None) -> tuple[Path, ...]:
    """Return the roots as paths (default: $PAIRLAB_CATALOG, else the sample catalog)."""
    paths = tuple(Path(r) for r in roots) if roots else tuple(default_roots())
    for root in paths:
        if not root.is_dir():
            raise BadInput(f"catalog root {root} is not a folder", f"pass --root DIR or fix ${ENV}")
    return paths
