"""Publish a product: build each output port, gate it on its contract and on its version, write
it into the warehouse atomically, and register it in the catalog.

Nothing is written until every port is built and has passed both gates; the warehouse is
written before the catalog, so the catalog never points at a table that is not there.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from ibis.backends import BaseBackend

from pairlab.catalog.contract import build_function, to_frame
from pairlab.catalog.descriptor import (
    DESCRIPTOR_FILE,
    DescriptorError,
    Product,
    load_product,
    read_yaml,
)
from pairlab.errors import BadInput, and_more, one_line
from pairlab.products import _register, _store
from pairlab.products._breaking import compare, parse_version, version_problem
from pairlab.products._gate import GateFailed, gate
from pairlab.products._read import as_pipeline
from pairlab.products._variables import resolve_product


@dataclass
class PortResult:
    """One output port: its table, how many rows, and what publishing did with it."""

    port: str
    table: str
    rows: int
    action: str  # "written", "unchanged", or "would write" / "would keep" in a dry run


@dataclass
class PublishResult:
    """What `publish` did (or, in a dry run, would do)."""

    product: str
    version: str
    server: str
    catalog: Path
    ports: list[PortResult] = field(default_factory=list)
    registered: list[str] = field(default_factory=list)  # catalog files written (or to write)
    folder: Path | None = None  # the product's folder in the catalog
    dry_run: bool = False

    def lines(self) -> list[str]:
        """Return one line per port and one for the catalog, for people."""
        out = [
            f"{self.product} {p.port}: {p.action} {_store.SCHEMA}.{p.table} ({p.rows} rows)"
            for p in self.ports
        ]
        verb = "would register" if self.dry_run else "registered"
        where = self.folder or self.catalog / self.product
        out.append(
            f"{self.product}: {verb} in {where} ({', '.join(self.registered)})"
            if self.registered
            else f"{self.product}: catalog entry {where} unchanged"
        )
        return out


@dataclass
class _Built:
    """A port built and checked, ready to write."""

    index: int
    name: str
    table: str
    frame: pd.DataFrame
    columns: list[tuple[str, str]]
    digest: str


def _named(root: Path, file: str) -> str:
    """Return 'product-id' or 'product-id, port P' for a broken file, as far as it reads."""
    data, _ = read_yaml(root / DESCRIPTOR_FILE, DESCRIPTOR_FILE)
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return root.name
    for port in data.get("outputPorts") or []:
        props = port.get("customProperties") if isinstance(port, dict) else None
        files = [p.get("value") for p in props or [] if isinstance(p, dict)]
        if file in files:
            return f"{data['id']}, port {port.get('name')}"
    return str(data["id"])


def _load(root: Path) -> Product:
    """Load the product, a broken descriptor or contract said in one line with product and file."""
    try:
        return resolve_product(load_product(root))  # ODPS v1.1.0 ${VAR}s from the environment
    except DescriptorError as exc:
        first = exc.problems[0]
        raise BadInput(
            f"cannot publish {_named(root, first.file)}: {first}{and_more(len(exc.problems))}",
            "fix that file (`pairlab catalog lint --policy` lists every problem), then publish",
        ) from None


def digest(frame: pd.DataFrame) -> str:
    """Return a fingerprint of the rows, whatever their order."""
    hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    total = int(hashed.sum(dtype="uint64"))
    return hashlib.sha256(f"{len(frame)}:{total}:{list(frame.columns)}".encode()).hexdigest()[:16]


def _forget_code(root: Path, target: str) -> None:
    """Drop the product's modules imported before, so the build runs the code as it is now.

    That is every module from its src/ folder, and any module of the build's package name
    imported from elsewhere (another product, or another copy of this one).
    """
    src = str((root / "src").resolve())
    package = target.partition(":")[0].split(".")[0]
    for name, module in list(sys.modules.items()):
        mine = str(getattr(module, "__file__", None) or "").startswith(src)
        if mine or name == package or name.startswith(package + "."):
            del sys.modules[name]


def _build(product: Product, con: BaseBackend, index: int) -> _Built:
    """Build one output port and pass it through the contract gate."""
    d = product.descriptor
    port = d.outputPorts[index]
    where = f"{d.id}, port {port.name}"
    target, contract = port.custom("build"), product.contract(port)
    if not target or contract is None:
        missing = "build" if not target else "contract"
        raise BadInput(
            f"{where}: the port names no `{missing}`",
            f"add a customProperty {missing} to the port in dataproduct.yaml",
        )
    _forget_code(product.root, str(target))
    try:
        with as_pipeline(d.id):  # what the build reads of other products is reuse
            frame = to_frame(build_function(product.root, str(target))(con))
    except Exception as exc:  # the product's own code failed: say where, never a traceback
        raise BadInput(
            f"{where}: the build {target} raised {type(exc).__name__}: {one_line(str(exc))}",
            "fix the pipeline (run its tests), then publish again; nothing was written",
        ) from None
    gate(d.id, port.name, frame, contract)
    objects = contract.schema_ or []
    columns = [(p.name or "", p.logicalType or "") for p in objects[0].properties or []]
    frame = frame[[c for c, _ in columns]]
    return _Built(index, port.name, _store.table_name(d.id, port.name), frame, columns,
                  digest(frame))  # fmt: skip


def _check_versions(product: Product, found: _register.Published) -> None:
    """Refuse a version that does not fit the changes from the published contracts."""
    old = found.product
    if old is None:
        return
    d = product.descriptor
    for port in d.outputPorts:
        before = next((p for p in old.descriptor.outputPorts if p.name == port.name), None)
        if before is None:
            continue  # a new port: nothing published to break
        where = f"{d.id}, port {port.name}"
        changes = compare(old.contract(before), product.contract(port))
        problem = version_problem(
            changes, parse_version(before.version, where), parse_version(port.version, where)
        )
        if problem:
            tell = ", ".join(found.consumers) or "no consumer in the catalog"
            raise GateFailed(
                f"{where}: {problem}; consumers to tell: {tell}",
                "bump the port's version (major for a breaking change), or keep the contract",
            )


def _unchanged(found: _register.Published, built: _Built, version: str) -> bool:
    """Return whether the catalog already holds these very rows under this version."""
    old = found.product
    if old is None:
        return False
    port = next((p for p in old.descriptor.outputPorts if p.name == built.name), None)
    return port is not None and port.version == version and port.custom("dataHash") == built.digest


def publish(
    product_dir: Path | str,
    url: str | None = None,
    catalog: Path | str | None = None,
    dry_run: bool = False,
) -> PublishResult:
    """Publish every output port of the product in `product_dir` into the warehouse and catalog.

    Raises GateFailed (a contract rule or the version gate; nothing written) or BadInput.
    """
    root = Path(product_dir)
    product = _load(root)
    d = product.descriptor
    catalog_dir = _register.catalog_root(catalog)
    found = _register.published(catalog_dir, d.id)
    _register.check_owner(found, product)
    _check_versions(product, found)
    folder = _register.destination(catalog_dir, found, d.id, check=not dry_run)
    try:
        target = _store.open_target(url)
    except BadInput as exc:
        raise BadInput(f"cannot publish {d.id}: {exc.problem}", exc.fix) from None
    try:
        return _publish(product, found, target, catalog_dir, folder, dry_run)
    finally:
        if target.con.name == "duckdb":  # free the file's write lock; a Spark session stays up
            target.con.disconnect()


def _publish(
    product: Product,
    found: _register.Published,
    target: _store.Target,
    catalog_dir: Path,
    folder: Path,
    dry_run: bool,
) -> PublishResult:
    """Build and gate every port, then write the changed ones and register the product."""
    d = product.descriptor
    built = [_build(product, target.con, i) for i in range(len(d.outputPorts))]
    result = PublishResult(d.id, d.version or "", target.server, catalog_dir, dry_run=dry_run)
    result.folder = folder
    fresh = [b for b in built if not _unchanged(found, b, d.outputPorts[b.index].version or "")]
    located: dict[int, dict[str, Any]] = {}
    for b in built:
        where = {"table": f"{_store.SCHEMA}.{b.table}", "server": target.server,
                 "rows": len(b.frame), "dataHash": b.digest}  # fmt: skip
        located[b.index] = where
        action = "written" if b in fresh else "unchanged"
        if dry_run:
            action = "would write" if b in fresh else "unchanged"
        result.ports.append(PortResult(b.name, b.table, len(b.frame), action))
    files = _register.documents(product.root, product, located, target.odcs)
    todo = _register.changed(folder, files)
    result.registered = sorted(todo)
    if dry_run:
        return result
    for b in fresh:
        label = f"{d.id}, port {b.name}"
        _store.write_side(target, b.table, b.frame, b.columns, label)
    if fresh:
        _store.hold()
        _store.swap(target, [b.table for b in fresh])
    _register.register(folder, todo)
    return result
