"""The breaking-change gate: a new contract against the published one, and the version it needs.

Breaking (needs a major bump): a removed or renamed column, a narrowed type, a new required
column or one made required, accepted values tightened. Any other change to the contract's
columns needs at least a minor bump; the same version must keep the same columns. The rules
follow datacontract-cli's `breaking` command, on the parts of a contract pairlab checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from open_data_contract_standard.model import OpenDataContractStandard

from pairlab.errors import BadInput

# A type change that loses nothing a reader had: the old values all fit the new type.
WIDER = {
    ("integer", "number"), ("integer", "string"), ("number", "string"), ("boolean", "string"),
    ("date", "timestamp"), ("date", "string"), ("timestamp", "string"),
}  # fmt: skip
_VERSION = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+].*)?$")


@dataclass(frozen=True)
class Column:
    """What a contract promises of one column."""

    type: str
    required: bool
    values: frozenset[str] | None  # the accepted values, when a rule lists them


@dataclass(frozen=True)
class Change:
    """One difference between the published contract and the new one."""

    column: str
    what: str
    breaking: bool

    def __str__(self) -> str:
        return f"{self.column}: {self.what}"


def columns(contract: OpenDataContractStandard | None) -> dict[str, Column]:
    """Return the columns of the contract's first object."""
    objects = (contract.schema_ or []) if contract else []
    found = {}
    for prop in (objects[0].properties or []) if objects else []:
        values = None
        for q in prop.quality or []:
            valid = (q.arguments or {}).get("validValues")
            if (q.metric or q.rule) == "invalidValues" and valid is not None:
                values = frozenset(str(v) for v in valid)
        found[prop.name or ""] = Column(prop.logicalType or "", bool(prop.required), values)
    return found


def _column_changes(name: str, old: Column, new: Column) -> list[Change]:
    """Return how one column kept by both contracts changed."""
    found = []
    if old.type != new.type:
        wider = (old.type, new.type) in WIDER
        verb = "widened" if wider else "narrowed"
        found.append(Change(name, f"type {verb} from {old.type} to {new.type}", not wider))
    if new.required and not old.required:
        found.append(Change(name, "made required", True))
    elif old.required and not new.required:
        found.append(Change(name, "no longer required", False))
    if old.values != new.values:
        if new.values is not None and (old.values is None or not new.values >= old.values):
            dropped = sorted(old.values - new.values) if old.values else []
            what = (
                f"accepted values tightened (dropped {', '.join(dropped)})"
                if dropped
                else ("accepted values tightened (now only " + ", ".join(sorted(new.values)) + ")")
            )
            found.append(Change(name, what, True))
        else:
            found.append(Change(name, "accepted values widened", False))
    return found


def compare(
    old: OpenDataContractStandard | None, new: OpenDataContractStandard | None
) -> list[Change]:
    """Return every change from the published contract `old` to `new`, breaking ones first."""
    before, after = columns(old), columns(new)
    removed = [n for n in before if n not in after]
    added = [n for n in after if n not in before]
    found = []
    for name in removed:
        twin = next((a for a in added if after[a].type == before[name].type), None)
        what = f"renamed to {twin}?" if twin else "removed"
        found.append(Change(name, f"{what} (readers of {name} break)", True))
    for name in added:
        required = after[name].required
        what = "added, required" if required else "added"
        found.append(Change(name, what, required))
    for name in before.keys() & after.keys():
        found += _column_changes(name, before[name], after[name])
    return sorted(found, key=lambda c: (not c.breaking, c.column))


def parse_version(text: str | None, where: str) -> tuple[int, int, int]:
    """Return (major, minor, patch) of a version such as 1.2.0 or v2."""
    match = _VERSION.match(str(text or "").strip())
    if not match:
        raise BadInput(
            f"{where}: version {text!r} is not a semantic version",
            "set the port's version to MAJOR.MINOR.PATCH, e.g. 1.0.0",
        )
    major, minor, patch = (int(g) if g else 0 for g in match.groups())
    return major, minor, patch


def _shown(version: tuple[int, int, int]) -> str:
    """Return a version as MAJOR.MINOR.PATCH."""
    return ".".join(map(str, version))


def version_problem(
    changes: list[Change], old: tuple[int, int, int], new: tuple[int, int, int]
) -> str:
    """Return why `new` is not a version these changes may be published under ('' when it is)."""
    listed = "; ".join(str(c) for c in changes)
    if new < old:
        return f"version {_shown(new)} is older than the published {_shown(old)}"
    if not changes:
        return ""
    if new == old:
        return f"the schema changed under the same version {_shown(new)}: {listed}"
    breaking = [c for c in changes if c.breaking]
    if breaking and new[0] == old[0]:
        names = "; ".join(str(c) for c in breaking)
        return f"breaking change(s) need a major version (> {old[0]}.x.x): {names}"
    if new[:2] == old[:2]:
        return f"a changed contract needs at least a minor version (> {_shown(old)}): {listed}"
    return ""
