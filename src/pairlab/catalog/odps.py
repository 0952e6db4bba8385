"""The Open Data Product Standard (ODPS) v1.0.0 as published by Bitol, as a pydantic model.

Written from the standard's JSON Schema and field tables (no maintained Python model of ODPS
installs offline): every field the standard defines, its type, what it requires, and nothing
else, so a document another ODPS tool wrote reads here, and a typo is named, not ignored.
pairlab's own expectations (an owner, a value hypothesis, a contract file per output port)
are not here: they are a separate, named policy level (`pairlab.catalog.policy`).

v0.9.x documents (team as a plain list of members, fewer blocks on ports) are read after
`upgrade()` turns them into the v1.0.0 shape, with a one-line notice.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

API_VERSION = "v1.0.0"
# v0.9.0 was approved in July 2025 and deprecated by v1.0.0 (September 2025).
_OLD_API = re.compile(r"^v0\.9\.\d+$")
# format: uri, as JSON Schema means it: a scheme, a colon, then something (https:, mailto:).
URI = r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$"


class _Closed(BaseModel):
    """Every ODPS object is closed (`additionalProperties: false`): unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class CustomProperty(_Closed):
    """A key/value pair the standard does not define."""

    property: str
    value: Any
    description: str | None = None


class AuthoritativeDefinition(_Closed):
    """A link to where something is defined; `type` e.g. businessDefinition, tutorial."""

    type: str
    url: str = Field(pattern=URI)
    description: str | None = None


class _Annotated(_Closed):
    """The blocks most ODPS objects may carry."""

    tags: list[str] = Field(default_factory=list)
    customProperties: list[CustomProperty] = Field(default_factory=list)
    authoritativeDefinitions: list[AuthoritativeDefinition] = Field(default_factory=list)

    def custom(self, name: str) -> Any:
        """Return the custom property `name`, or None."""
        return next((p.value for p in self.customProperties if p.property == name), None)


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
    version: str
    contractId: str


class SBOM(_Closed):
    """Where an output port's software bill of materials lives."""

    type: str = "external"
    url: str = Field(pattern=URI)


class InputContract(_Closed):
    """A contract an output port depends on."""

    id: str
    version: str


class OutputPort(_Annotated):
    """What the product promises; name and version together are the key."""

    name: str
    version: str
    description: str | None = None
    type: str | None = None
    contractId: str | None = None
    sbom: list[SBOM] = Field(default_factory=list)
    inputContracts: list[InputContract] = Field(default_factory=list)


class ManagementPort(_Annotated):
    """An access point to manage the product (discoverability, observability, control)."""

    name: str
    content: str
    type: str = "rest"
    url: str | None = Field(default=None, pattern=URI)
    channel: str | None = None
    description: str | None = None


class Support(_Annotated):
    """A support or communication channel."""

    channel: str
    url: str = Field(pattern=URI)
    description: str | None = None
    tool: str | None = None
    scope: str | None = None
    invitationUrl: str | None = Field(default=None, pattern=URI)


class TeamMember(_Annotated):
    """A person on the team, and when they joined or left it."""

    username: str
    name: str | None = None
    description: str | None = None
    role: str | None = None
    dateIn: date | None = None
    dateOut: date | None = None
    replacedByUsername: str | None = None


class Team(_Annotated):
    """The team behind the product (the structure ODCS v3.1 shares)."""

    name: str | None = None
    description: str | None = None
    members: list[TeamMember] = Field(default_factory=list)


class DataProduct(_Closed):
    """An ODPS v1.0.0 data product; required: apiVersion, kind, id and status."""

    apiVersion: Literal["v1.0.0"]
    kind: Literal["DataProduct"]
    id: str
    status: str
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
