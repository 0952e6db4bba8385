"""Load a catalog: read every product afresh, or from the kept index where nothing changed."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pairlab.catalog.entry import Entry
from pairlab.catalog.index import (
    Catalog,
    assemble,
    check_roots,
    find_products,
    read_product,
)
from pairlab.catalog.kept import kept_catalog
from pairlab.catalog.problem import Problem


def load_catalog(
    roots: Iterable[Path | str] | None = None, *, strict: bool = False, keep: bool = True
) -> Catalog:
    """Index the products under `roots` (default: $PAIRLAB_CATALOG, else the sample catalog).

    The index checks every rule of the descriptor and the contract model; `strict` also checks
    each contract against ODCS's JSON Schema, as a product's own CI (`pairlab check`) does.
    Unless `strict` or not `keep`, the index is kept under the user's cache folder and only
    the products whose files changed are read again (`pairlab.catalog.kept`).
    """
    paths = check_roots(roots)
    if keep and not strict:
        return kept_catalog(paths)
    catalog = Catalog(paths)
    read = (_fresh(f, strict) for root in paths for f in find_products(root))
    catalog.entries = [entry for _, entry in assemble(catalog, read) if entry is not None]
    return catalog


def _fresh(folder: Path, strict: bool) -> tuple[Path, str | None, Entry | None, list[Problem]]:
    """Read a product folder for `assemble`."""
    entry, found, _ = read_product(folder, strict)
    return folder, entry.id if entry else None, entry, found


def cached_catalog(roots: Iterable[Path | str] | None = None) -> Catalog:
    """Return the catalog of `roots` from the kept index, read again only where files changed.

    The server calls this per request: an unchanged catalog is the same object, index built.
    """
    return load_catalog(roots)
