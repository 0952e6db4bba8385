"""The Open Data Product Standard (ODPS) v1.0.0 and v1.1.0, as Bitol published them, in pydantic.

Written from the standard's JSON Schema and field tables (no maintained Python model of ODPS
installs offline): every field the standard defines, its type, what it requires, and nothing
else, so a document another ODPS tool wrote reads here, and a typo is named, not ignored.
pairlab's own expectations (an owner, a value hypothesis, a contract file per output port)
are not here: they are a separate, named policy level (`pairlab.catalog.policy`).

One model holds both versions (v1.1.0 adds fields and makes some optional);
`odps_schema.version_findings` names a v1.1.0 field used in a v1.0.0 document, with the version
that allows it, and a field v1.0.0 requires that is missing, from the two published schemas.
v0.9.x documents (team as a plain list of members, fewer blocks on ports) are read after
`upgrade()` turns them into the v1.0.0 shape, with a one-line notice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

API_VERSION = "v1.0.0"  # what a v0.9.x document is read as
LATEST = "v1.1.0"
API_VERSIONS = ("v1.0.0", "v1.1.0")
# v0.9.0 was approved in July 2025 and deprecated by v1.0.0 (September 2025).
_OLD_API = re.compile(r"^v0\.9\.\d+$")
# v1.1.0: any string may hold ${VAR_NAME} references that tooling resolves at run time.
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# format: uri, as JSON Schema means it: a scheme, a colon, then something (https:, mailto:);
# or, from v1.1.0, a ${VAR} that stands for one.
URI = r"^([A-Za-z][A-Za-z0-9+.\-]*:\S+|\$\{[A-Za-z_][A-Za-z0-9_]*\}\S*)$"
PRODUCT_TYPES = ("sourceAligned", "aggregate", "consumerAligned")


class _Closed(BaseModel):
    """Every ODPS object is closed (`additionalProperties: false`): unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class CustomProperty(_Closed):
    """A key/value pair the standard does not define."""

    property: str
    value: Any
    description: str | None = None
    id: str | None = None  # v1.1.0
    vendor: str | None = None  # v1.1.0


class AuthoritativeDefinition(_Closed):
    """A link to where something is defined; `type` e.g. businessDefinition, tutorial."""

    type: str
    url: str = Field(pattern=URI)
    description: str | None = None
    id: str | None = None  # v1.1.0


class _Annotated(_Closed):
    """The blocks most ODPS objects may carry."""

    tags: list[str] = Field(default_factory=list)
    customProperties: list[CustomProperty] = Field(default_factory=list)
    authoritativeDefinitions: list[AuthoritativeDefinition] = Field(default_factory=list)

    def custom(self, name: str) -> Any:
        """Return the custom property `name`, or None."""
        return next((p.value for p in self.customProperties if p.property == name), None)


class Synonym(_Closed):
    """v1.1.0: another name people use for the product or port (shared with ODCS v3.2.0)."""

    synonym: str
    id: str | None = None
    description: str | None = None
    locale: str | None = None
    source: str | None = None
    status: str | None = None
    customProperties: list[CustomProperty] = Field(default_factory=list)


class VerifiedStatement(_Annotated):
    """v1.1.0: a question the product answers, and how (for people and AI tools)."""

    question: str
    id: str | None = None
    answer: str | None = None


class Constraint(_Annotated):
    """v1.1.0: a rule on how the product may be used."""

    constraint: str
    id: str | None = None


class Context(_Closed):
    """v1.1.0: guidance for AI agents, BI tools and semantic layers (RFC-0038)."""

    instructions: str | None = None
    verifiedStatements: list[VerifiedStatement] = Field(default_factory=list)
    constraints: list[Constraint] = Field(default_factory=list)


class Description(_Closed):
    """What the product is for, how to use it, and where it stops."""

    purpose: str | None = None
    limitations: str | None = None
    usage: str | None = None
    authoritativeDefinitions: list[AuthoritativeDefinition] = Field(default_factory=list)
    customProperties: list[CustomProperty] = Field(default_factory=list)


class InputPort(_Annotated):
    """A source the product reads, by the contract that governs it."""

    name: str
    version: str | None = None  # required by v1.0.0, optional from v1.1.0
    contractId: str | None = None  # required by v1.0.0, optional from v1.1.0
    deprecated: bool = False  # v1.1.0
    id: str | None = None  # v1.1.0


class SBOM(_Annotated):
    """Where an output port's software bill of materials lives (v1.1.0: id and blocks)."""

    type: str = "external"
    url: str | None = Field(default=None, pattern=URI)  # required by v1.0.0 only
    id: str | None = None


class InputContract(_Closed):
    """A contract an output port depends on."""

    id: str
    version: str


class OutputPort(_Annotated):
    """What the product promises; name and version together are the key."""

    name: str
    version: str | None = None  # required by v1.0.0, optional from v1.1.0
    description: str | None = None
    type: str | None = None
    contractId: str | None = None
    id: str | None = None  # v1.1.0
    sbom: list[SBOM] = Field(default_factory=list)
    inputContracts: list[InputContract] = Field(default_factory=list)
    context: Context | None = None  # v1.1.0
    synonyms: list[Synonym] = Field(default_factory=list)  # v1.1.0
    deprecated: bool = False  # v1.1.0


class ManagementPort(_Annotated):
    """An access point to manage the product (discoverability, observability, control)."""

    name: str
    content: str
    type: str = "rest"
    url: str | None = Field(default=None, pattern=URI)
    channel: str | None = None
    description: str | None = None
    deprecated: bool = False  # v1.1.0
    id: str | None = None  # v1.1.0


class Support(_Annotated):
    """A support or communication channel."""

    channel: str
    url: str = Field(pattern=URI)
    description: str | None = None
    tool: str | None = None
    scope: str | None = None
    invitationUrl: str | None = Field(default=None, pattern=URI)
    id: str | None = None  # v1.1.0


class TeamMember(_Annotated):
    """A person on the team, and when they joined or left it."""

    username: str
    name: str | None = None
    description: str | None = None
    role: str | None = None
    dateIn: date | None = None
    dateOut: date | None = None
    replacedByUsername: str | None = None
    id: str | None = None  # v1.1.0


class Team(_Annotated):
    """The team behind the product (the structure ODCS v3.1 shares)."""

    name: str | None = None
    description: str | None = None
    members: list[TeamMember] = Field(default_factory=list)


class DataProduct(_Closed):
    """An ODPS v1.0.0 or v1.1.0 data product: apiVersion, kind, id (and v1.0.0's status)."""

    apiVersion: Literal["v1.0.0", "v1.1.0"]
    kind: Literal["DataProduct"]
    id: str
    status: str | None = None  # required by v1.0.0, optional from v1.1.0
    name: str | None = None
    version: str | None = None
    domain: str | None = None
    tenant: str | None = None
    authoritativeDefinitions: list[AuthoritativeDefinition] = Field(default_factory=list)
    description: Description | None = None
    customProperties: list[CustomProperty] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    inputPorts: list[InputPort] = Field(default_factory=list)
    outputPorts: list[OutputPort] = Field(default_factory=list)
    managementPorts: list[ManagementPort] = Field(default_factory=list)
    support: list[Support] = Field(default_factory=list)
    team: Team | None = None
    productCreatedTs: datetime | None = None
    type: str | None = None  # v1.1.0: sourceAligned, aggregate, consumerAligned (examples)
    context: Context | None = None  # v1.1.0
    synonyms: list[Synonym] = Field(default_factory=list)  # v1.1.0
    deprecated: bool = False  # v1.1.0

    def custom(self, name: str) -> Any:
        """Return the product-level custom property `name`, or None."""
        return next((p.value for p in self.customProperties if p.property == name), None)

    @property
    def members(self) -> list[TeamMember]:
        """Return the team's members (none when there is no team)."""
        return self.team.members if self.team else []


def upgrade(data: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Return a v0.9.x document in the v1.0.0 shape and a notice saying so (else no notice)."""
    version = data.get("apiVersion")
    if not isinstance(version, str) or not _OLD_API.match(version):
        return data, None
    data = {**data, "apiVersion": API_VERSION}
    if isinstance(data.get("team"), list):  # v0.9: a list of members; v1.0: an object
        data["team"] = {"members": data["team"]}
    notice = f"ODPS {version} is deprecated: read as {API_VERSION}; set apiVersion: {API_VERSION}"
    return data, notice


def unknown_field_rule(version: Any) -> str:
    """Return what an error says of a field no ODPS version defines."""
    read = version if version in API_VERSIONS else LATEST
    return (
        f"Extra inputs are not permitted: no ODPS version up to {LATEST} defines this field "
        f"(read as {read}); put it under customProperties"
    )


def variables(value: Any, where: str = "") -> list[tuple[str, str]]:
    """Return (field, VAR) for every ${VAR} in the strings of `value`, in document order."""
    if isinstance(value, str):
        return [(where, name) for name in VARIABLE.findall(value)]
    items: Any = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(
        value, list) else ()  # fmt: skip
    found = []
    for key, item in items:
        inner = f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}" if where else key
        found += variables(item, str(inner))
    return found


def expand(value: Any, env: Mapping[str, str]) -> tuple[Any, set[str]]:
    """Return `value` with every ${VAR} of its strings replaced from `env`, and the names unset."""
    missing: set[str] = set()
    if isinstance(value, str):

        def sub(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in env:
                missing.add(name)
                return match.group(0)
            return env[name]

        return VARIABLE.sub(sub, value), missing
    if isinstance(value, list):
        pairs = [expand(v, env) for v in value]
        return [v for v, _ in pairs], set().union(*(m for _, m in pairs))
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            out[key], gone = expand(item, env)
            missing |= gone
        return out, missing
    return value, missing
