"""The catalog: every product found under one or more folders, each problem named per file."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pairlab.errors import BadInput

if TYPE_CHECKING:
    from pairlab.catalog.descriptor import Product
    from pairlab.catalog.overlap import Overlap
    from pairlab.catalog.search import Hit, SearchIndex

# The file name is all a warm run needs: the descriptor's models (pydantic, ODCS) load only when
# a product has to be read again.
DESCRIPTOR_FILE = "dataproduct.yaml"

ENV = "PAIRLAB_CATALOG"
T = TypeVar("T")
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


_SCALARS = ("id", "name", "version", "status", "domain", "team", "owner", "purpose", "usage",
            "limitations")  # fmt: skip


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
        # By hand: dataclasses.asdict deep-copies, 0.2 ms an entry, seconds for a big catalog.
        data = {name: getattr(self, name) for name in _SCALARS}
        for name in ("tags", "inputs", "consumers"):
            data[name] = list(getattr(self, name))
        data["read_columns"] = {t: list(c) for t, c in self.read_columns.items()}
        data["outputs"] = [
            {
                "name": o.name,
                "contract_id": o.contract_id,
                "description": o.description,
                "columns": [
                    {"name": c.name, "type": c.type, "description": c.description,
                     "sources": list(c.sources)}
                    for c in o.columns
                ],
            }
            for o in self.outputs
        ]  # fmt: skip
        data["path"] = str(self.path)
        data["tables"] = list(self.tables)
        return data


@dataclass(frozen=True)
class CatalogProblem:
    """A finding in one file of one product folder: standard (an error), policy or notice."""

    file: str
    field: str
    rule: str
    level: str = "standard"
    severity: str = "error"
    policy: str = ""

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.rule}"

    def to_json(self) -> dict[str, str]:
        """Return the finding as JSON-ready data."""
        return asdict(self)


@dataclass
class Catalog:
    """The products of the given roots, and the problems that kept any of them out or flawed."""

    roots: tuple[Path, ...]
    entries: Sequence[Entry] = field(default_factory=list)
    problems: list[CatalogProblem] = field(default_factory=list)  # the standards: errors
    policy: list[CatalogProblem] = field(default_factory=list)  # pairlab's named policy
    notices: list[CatalogProblem] = field(default_factory=list)  # e.g. an ODPS v0.9 document

    def record(self, found: Iterable[CatalogProblem]) -> None:
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
    contract = product.contract(port)
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
    return Port(port.name, port.contractId or "", _text(port.description), columns)


def to_entry(product: Product) -> Entry:
    """Flatten a loaded product into what the catalog shows and searches."""
    d = product.descriptor
    read = {}
    for port in d.inputPorts:
        cols = port.custom("columns")
        if port.contractId.startswith("warehouse.") and cols:
            read[port.contractId.split(".", 1)[1]] = _strings(cols)
    description = d.description
    return Entry(
        id=d.id,
        name=_text(d.name) or d.id,
        version=_text(d.version),
        status=d.status,
        domain=_text(d.domain),
        team=_text(d.team.name if d.team else None),
        owner=product.owner,
        purpose=_text(description.purpose if description else None),
        usage=_text(description.usage if description else None),
        limitations=_text(description.limitations if description else None),
        tags=tuple(d.tags),
        inputs=tuple(p.contractId or p.name for p in d.inputPorts),
        read_columns=read,
        outputs=tuple(_port(product, p) for p in d.outputPorts),
        consumers=_strings(product.custom("consumers")),
        path=product.root,
    )


def entry_from_json(data: dict[str, Any]) -> Entry:
    """Return the entry that `Entry.to_json` wrote."""
    outputs = tuple(
        Port(
            o["name"],
            o["contract_id"],
            o["description"],
            tuple(
                Column(c["name"], c["type"], c["description"], tuple(c["sources"]))
                for c in o["columns"]
            ),
        )
        for o in data["outputs"]
    )
    fields = {k: v for k, v in data.items() if k not in ("tables", "outputs", "path")}
    for name in ("tags", "inputs", "consumers"):
        fields[name] = tuple(fields[name])
    fields["read_columns"] = {t: tuple(c) for t, c in fields["read_columns"].items()}
    return Entry(**fields, outputs=outputs, path=Path(data["path"]))


def _label(folder: Path, file: str) -> str:
    """Return `file` of the product folder as a path people can open."""
    return f"{folder.as_posix()}/{file}"


def read_product(
    folder: Path, strict: bool
) -> tuple[Entry | None, list[CatalogProblem], list[Path]]:
    """Read one product folder: its entry (None if unusable), its findings and the files read."""
    from pairlab.catalog.descriptor import lint_product

    product, problems = lint_product(folder, schema=strict)
    found = [
        CatalogProblem(_label(folder, p.file), p.field, p.rule, p.level, p.severity, p.policy)
        for p in problems
    ]
    files = [folder / DESCRIPTOR_FILE]
    if product is not None:
        ports = product.descriptor.outputPorts
        files += [folder / str(p.custom("contract")) for p in ports if p.custom("contract")]
    return (to_entry(product) if product is not None else None), found, files


def assemble(
    catalog: Catalog, read: Iterable[tuple[Path | str, str | None, T, Iterable[CatalogProblem]]]
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
            catalog.problems.append(CatalogProblem(where, "id", rule))
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
        from pairlab.catalog.kept import kept_catalog

        return kept_catalog(paths)
    catalog = Catalog(paths)
    read = (_fresh(f, strict) for root in paths for f in find_products(root))
    catalog.entries = [entry for _, entry in assemble(catalog, read)]
    return catalog


def _fresh(folder: Path, strict: bool) -> tuple[Path, str | None, Entry | None, list]:
    """Read a product folder for `assemble`."""
    entry, found, _ = read_product(folder, strict)
    return folder, entry.id if entry else None, entry, found


def cached_catalog(roots: Iterable[Path | str] | None = None) -> Catalog:
    """Return the catalog of `roots` from the kept index, read again only where files changed.

    The server calls this per request: an unchanged catalog is the same object, index built.
    """
    return load_catalog(roots)
