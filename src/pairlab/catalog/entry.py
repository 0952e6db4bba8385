"""A catalog entry: one product flattened into what the catalog shows, searches and keeps."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pairlab.catalog.descriptor import Product


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
    synonyms: tuple[str, ...] = ()  # ODPS v1.1.0
    deprecated: bool = False  # ODPS v1.1.0


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
    synonyms: tuple[str, ...] = ()  # ODPS v1.1.0
    deprecated: bool = False  # ODPS v1.1.0: status stays as it was; search ranks it down
    type: str = ""  # ODPS v1.1.0: sourceAligned, aggregate or consumerAligned
    decision: str = ""  # the last review's keep / iterate / kill (`pairlab review`), if any
    decided_on: str = ""  # the day of that review, YYYY-MM-DD

    @property
    def killed(self) -> bool:
        """Return whether the last review killed the product."""
        return self.decision == "kill"

    @property
    def tables(self) -> tuple[str, ...]:
        """Return the warehouse tables the product reads."""
        return tuple(i.split(".", 1)[1] for i in self.inputs if i.startswith("warehouse."))

    def to_json(self) -> dict[str, Any]:
        """Return the entry as JSON-ready data."""
        # By hand: dataclasses.asdict deep-copies, 0.2 ms an entry, seconds for a big catalog.
        data = {name: getattr(self, name) for name in _SCALARS}
        for name in ("tags", "inputs", "consumers", "synonyms"):
            data[name] = list(getattr(self, name))
        data["deprecated"], data["type"] = self.deprecated, self.type
        data["decision"], data["decided_on"] = self.decision, self.decided_on
        data["read_columns"] = {t: list(c) for t, c in self.read_columns.items()}
        data["outputs"] = [
            {
                "name": o.name,
                "contract_id": o.contract_id,
                "description": o.description,
                "synonyms": list(o.synonyms),
                "deprecated": o.deprecated,
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
    synonyms = tuple(s.synonym for s in port.synonyms)
    return Port(
        port.name, port.contractId or "", _text(port.description), columns, synonyms,
        port.deprecated,
    )  # fmt: skip


def decision_text(entry: Entry) -> str:
    """Return the last review as people read it: 'killed on 2026-12-31', 'kept on ...'."""
    if not entry.decision:
        return ""
    verb = {"keep": "kept", "iterate": "iterate", "kill": "killed"}.get(entry.decision)
    said = f"{verb} on {entry.decided_on}" if verb != "iterate" else f"iterate ({entry.decided_on})"
    return said if entry.decided_on else entry.decision


def last_review(reviews: Any) -> tuple[str, str]:
    """Return (decision, day) of the last review `pairlab review` recorded, else ("", "")."""
    if not isinstance(reviews, list):
        return "", ""
    done = [r for r in reviews if isinstance(r, dict) and r.get("decision")]
    if not done:
        return "", ""
    last = sorted(done, key=lambda r: str(r.get("date", "")))[-1]  # by day; on a tie, the later
    return _text(last.get("decision")), _text(last.get("date"))


def to_entry(product: Product) -> Entry:
    """Flatten a loaded product into what the catalog shows and searches."""
    d = product.descriptor
    read = {}
    for port in d.inputPorts:
        cols, contract = port.custom("columns"), port.contractId or ""
        if contract.startswith("warehouse.") and cols:
            read[contract.split(".", 1)[1]] = _strings(cols)
    description = d.description
    decision, decided_on = last_review(product.custom("reviews"))
    return Entry(
        id=d.id,
        name=_text(d.name) or d.id,
        version=_text(d.version),
        status=d.status or "",  # v1.1.0 makes status optional
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
        synonyms=tuple(s.synonym for s in d.synonyms),
        deprecated=d.deprecated,
        type=_text(d.type),
        decision=decision,
        decided_on=decided_on,
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
            tuple(o["synonyms"]),
            o["deprecated"],
        )
        for o in data["outputs"]
    )
    fields = {k: v for k, v in data.items() if k not in ("tables", "outputs", "path")}
    for name in ("tags", "inputs", "consumers", "synonyms"):
        fields[name] = tuple(fields[name])
    fields["read_columns"] = {t: tuple(c) for t, c in fields["read_columns"].items()}
    return Entry(**fields, outputs=outputs, path=Path(data["path"]))
