"""The catalog: every product found under one or more folders, each problem named per file."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pairlab.catalog.descriptor import DESCRIPTOR_FILE, Product, validate_product
from pairlab.errors import BadInput

if TYPE_CHECKING:
    from pairlab.catalog.overlap import Overlap
    from pairlab.catalog.search import Hit, SearchIndex

ENV = "PAIRLAB_CATALOG"
# Folders that never hold products but can hold thousands of files.
SKIP = {"node_modules", "__pycache__", "site-packages", "build", "dist"}


@dataclass(frozen=True)
class Column:
    """An output column: its name, type, meaning and the warehouse columns it comes from."""

    name: str
    type: str
    description: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Port:
    """An output port with the columns its contract promises."""

    name: str
    contract_id: str
    description: str
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Entry:
    """One product as the catalog shows and searches it."""

    id: str
    name: str
    version: str
    status: str
    domain: str
    team: str
    owner: str
    purpose: str
    usage: str
    limitations: str
    tags: tuple[str, ...]
    inputs: tuple[str, ...]  # contract ids: warehouse.<table> or <product>.<port>
    read_columns: dict[str, tuple[str, ...]]  # table -> columns the product declares it reads
    outputs: tuple[Port, ...]
    consumers: tuple[str, ...]
    path: Path

    @property
    def tables(self) -> tuple[str, ...]:
        """Return the warehouse tables the product reads."""
        return tuple(i.split(".", 1)[1] for i in self.inputs if i.startswith("warehouse."))

    def to_json(self) -> dict[str, Any]:
        """Return the entry as JSON-ready data."""
        data = asdict(self)
        data["path"] = str(self.path)
        data["tables"] = list(self.tables)
        return data


@dataclass(frozen=True)
class CatalogProblem:
    """A broken rule in one file of one product folder."""

    file: str
    field: str
    rule: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.rule}"


@dataclass
class Catalog:
    """The products of the given roots, and the problems that kept any of them out or flawed."""

    roots: tuple[Path, ...]
    entries: list[Entry] = field(default_factory=list)
    problems: list[CatalogProblem] = field(default_factory=list)

    def get(self, product_id: str) -> Entry | None:
        """Return the product with this id, or None."""
        return next((e for e in self.entries if e.id == product_id), None)

    @cached_property
    def index(self) -> SearchIndex:
        """Build the search index on first use."""
        from pairlab.catalog.search import SearchIndex

        return SearchIndex(self.entries)

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        """Return the products that best match `query`, best first."""
        return self.index.search(query, limit)

    def overlap(self, targets: Sequence[str]) -> list[Overlap]:
        """Return the products that read or expose the given TABLE or TABLE.COLUMN targets."""
        from pairlab.catalog.overlap import overlap

        return overlap(self.entries, targets)

    def used_by(self, table: str) -> list[Entry]:
        """Return the products that read the warehouse table `table`."""
        return [e for e in self.entries if table in e.tables]


def default_roots() -> list[Path]:
    """Return the folders of $PAIRLAB_CATALOG (a path list), else the sample catalog."""
    listed = [Path(p) for p in os.environ.get(ENV, "").split(os.pathsep) if p.strip()]
    if listed:
        return listed
    from pairlab.resources import curriculum_dir

    return [curriculum_dir() / "catalog"]


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


def _text(value: Any) -> str:
    """Return a descriptor value as text ('' for None)."""
    return "" if value is None else str(value).strip()


def _strings(value: Any) -> tuple[str, ...]:
    """Return a custom property's list of strings (a single string counts as one)."""
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _port(product: Product, port: Any) -> Port:
    """Return an output port with the columns of its contract's first object."""
    contract = product.contracts.get(port.name)
    objects = (contract.schema_ or []) if contract else []
    columns = tuple(
        Column(
            p.name or "",
            p.logicalType or "",
            _text(p.description),
            tuple(p.transformSourceObjects or ()),
        )
        for p in (objects[0].properties or [] if objects else [])
    )
    return Port(port.name, port.contractId, _text(port.description), columns)


def to_entry(product: Product) -> Entry:
    """Flatten a loaded product into what the catalog shows and searches."""
    d = product.descriptor
    owner = next((m.username for m in d.team.members if m.role == "owner"), "")
    read = {}
    for port in d.inputPorts:
        cols = next((p.value for p in port.customProperties if p.property == "columns"), None)
        if port.contractId and port.contractId.startswith("warehouse.") and cols:
            read[port.contractId.split(".", 1)[1]] = _strings(cols)
    return Entry(
        id=d.id,
        name=d.name,
        version=d.version,
        status=d.status,
        domain=d.domain,
        team=_text(d.team.name),
        owner=owner,
        purpose=_text(d.description.purpose),
        usage=_text(d.description.usage),
        limitations=_text(d.description.limitations),
        tags=tuple(d.tags),
        inputs=tuple(p.contractId or p.name for p in d.inputPorts),
        read_columns=read,
        outputs=tuple(_port(product, p) for p in d.outputPorts),
        consumers=_strings(product.custom("consumers")),
        path=product.root,
    )


def _label(folder: Path, file: str) -> str:
    """Return `file` of the product folder as a path people can open."""
    return f"{folder.as_posix()}/{file}"


def _add(catalog: Catalog, folder: Path, seen: dict[str, Path], strict: bool) -> None:
    """Load one product folder into the catalog, recording its problems per file."""
    product, problems = validate_product(folder, schema=strict)
    catalog.problems += [CatalogProblem(_label(folder, p.file), p.field, p.rule) for p in problems]
    if product is None:
        return  # the descriptor itself is unreadable: nothing to index
    pid = product.descriptor.id
    if pid in seen:
        rule = f"id '{pid}' is already used by {seen[pid] / DESCRIPTOR_FILE}; ids must be unique"
        catalog.problems.append(CatalogProblem(_label(folder, DESCRIPTOR_FILE), "id", rule))
        return
    seen[pid] = folder
    catalog.entries.append(to_entry(product))


def load_catalog(roots: Iterable[Path | str] | None = None, *, strict: bool = False) -> Catalog:
    """Index the products under `roots` (default: $PAIRLAB_CATALOG, else the sample catalog).

    The index checks every rule of the descriptor and the contract model; `strict` also checks
    each contract against ODCS's JSON Schema, as a product's own CI (`pairlab check`) does.
    """
    paths = tuple(Path(r) for r in roots) if roots else tuple(default_roots())
    for root in paths:
        if not root.is_dir():
            raise BadInput(f"catalog root {root} is not a folder", f"pass --root DIR or fix ${ENV}")
    catalog = Catalog(paths)
    seen: dict[str, Path] = {}
    for root in paths:
        for folder in find_products(root):
            _add(catalog, folder, seen, strict)
    return catalog


_CACHE: dict[tuple[Path, ...], tuple[tuple[Any, ...], Catalog]] = {}
_CACHE_LOCK = threading.Lock()


def _signature(roots: tuple[Path, ...]) -> tuple[Any, ...]:
    """Return what changes when a descriptor or contract is added, removed or edited."""
    stamps = []
    for root in roots:
        for folder in find_products(root):
            for path in (folder / DESCRIPTOR_FILE, *sorted(folder.glob("contracts/*.y*ml"))):
                stat = path.stat()
                stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


def cached_catalog(roots: Iterable[Path | str] | None = None) -> Catalog:
    """Return the catalog of `roots`, re-indexed only when one of its files changed."""
    paths = tuple(Path(r).resolve() for r in roots) if roots else tuple(default_roots())
    signature = _signature(paths)
    with _CACHE_LOCK:
        hit = _CACHE.get(paths)
        if hit and hit[0] == signature:
            return hit[1]
    catalog = load_catalog(paths)
    with _CACHE_LOCK:
        _CACHE[paths] = (signature, catalog)
    return catalog
