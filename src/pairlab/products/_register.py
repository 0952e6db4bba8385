"""Register a published product in a catalog folder: its descriptor and contracts, located.

The registered copy is the source's descriptor with status `active` and, on each output port,
where it lives (customProperties `table`, `server`, `rows`, `dataHash`); each contract gains an
ODCS `servers` entry. Files are written atomically and only when their text changes.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pairlab._files import check_destination, write_text_atomic
from pairlab.catalog.descriptor import DESCRIPTOR_FILE, Product, lint_product, read_yaml
from pairlab.catalog.entry import Entry
from pairlab.catalog.index import ENV, default_roots
from pairlab.catalog.lineage import lineage
from pairlab.catalog.load import load_catalog
from pairlab.errors import BadInput
from pairlab.products._variables import resolve

LOCATION = ("table", "server", "rows", "dataHash")


@dataclass
class Published:
    """What the catalog already holds of a product: its entry, the registered copy, consumers."""

    entry: Entry | None = None
    product: Product | None = None
    consumers: tuple[str, ...] = ()


def catalog_root(catalog: Path | str | None) -> Path:
    """Return the catalog folder to register in: `catalog`, else $PAIRLAB_CATALOG's first."""
    if catalog:
        return Path(catalog)
    # The fallback of default_roots() is the sample catalog shipped inside the package:
    # a team's product must never be written there, so publishing needs a named folder.
    if not os.environ.get(ENV, "").strip():
        raise BadInput(
            "publish needs the catalog folder the teams share",
            f"pass --catalog DIR or set ${ENV}",
        )
    return default_roots()[0]


def published(root: Path, product_id: str) -> Published:
    """Return what the catalog folder holds of `product_id`, and who reads it."""
    if not root.is_dir():
        return Published()
    catalog = load_catalog([root])
    entry = catalog.get(product_id)
    if entry is None:
        return Published()
    # By the model, as the catalog's index reads it: the JSON Schema (30-80 ms a contract)
    # already held this copy's source when it was published.
    product, _ = lint_product(entry.path, schema=False)
    graph = lineage(catalog.entries)
    node = f"product:{product_id}"
    readers = sorted(b.split(":", 1)[1] for a, b in graph.edges if a == node)
    return Published(entry, product, tuple(readers))


def check_owner(found: Published, product: Product) -> None:
    """Refuse an id the catalog already gives to another team."""
    d = product.descriptor
    theirs = found.entry.team if found.entry else ""
    ours = d.team.name if d.team and d.team.name else ""
    if theirs and theirs != ours:
        raise BadInput(
            f"{d.id}: the catalog's product with this id belongs to team {theirs} "
            f"({found.entry.path if found.entry else ''}), not {ours or 'a team without a name'}",
            "choose another id for your product, or ask that team to hand it over",
        )


def destination(root: Path, found: Published, product_id: str, check: bool = True) -> Path:
    """Return the folder the registered copy goes to, checked writable (unless not `check`)."""
    folder = found.entry.path if found.entry else root / product_id
    if check:
        check_destination(folder / DESCRIPTOR_FILE)
    return folder


def _locate(port: dict[str, Any], where: dict[str, Any]) -> None:
    """Set the port's location custom properties, replacing older ones."""
    kept = [p for p in port.get("customProperties") or [] if p.get("property") not in LOCATION]
    port["customProperties"] = kept + [{"property": k, "value": where[k]} for k in LOCATION]


def documents(
    source: Path, product: Product, located: dict[int, dict[str, Any]], server: dict[str, Any]
) -> dict[str, str]:
    """Return the registered copy's files (relative path -> YAML text)."""
    data, problems = read_yaml(source / DESCRIPTOR_FILE, DESCRIPTOR_FILE)
    if problems:
        raise BadInput(str(problems[0]), "fix the descriptor and publish again")
    data = resolve(copy.deepcopy(data))  # the catalog's readers have none of our variables
    data["status"] = "active"
    files: dict[str, str] = {}
    for i, port in enumerate(product.descriptor.outputPorts):
        _locate(data["outputPorts"][i], located[i])
        relative = str(port.custom("contract"))
        contract, _ = read_yaml(source / relative, relative)
        servers = [s for s in contract.get("servers") or [] if s.get("server") != server["server"]]
        contract["servers"] = [*servers, server]
        contract["status"] = "active"
        files[relative] = _dump(contract)
    files[DESCRIPTOR_FILE] = _dump(data)
    return files


def _dump(data: dict[str, Any]) -> str:
    """Return YAML text the way people write it: keys in their order, unicode as is."""
    return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))


def changed(folder: Path, files: dict[str, str]) -> dict[str, str]:
    """Return the files whose text differs from what the folder holds."""

    def current(path: Path) -> str | None:
        return path.read_text(encoding="utf-8") if path.is_file() else None

    return {rel: text for rel, text in files.items() if current(folder / rel) != text}


def register(folder: Path, files: dict[str, str]) -> list[Path]:
    """Write the files, contracts first and the descriptor that points at them last."""
    order = sorted(files, key=lambda rel: rel == DESCRIPTOR_FILE)
    return [write_text_atomic(folder / rel, files[rel]) for rel in order]
