"""Load and validate a data product: its ODPS-style dataproduct.yaml and each output's contract.

The contract side uses the Open Data Contract Standard's own published pydantic model and JSON
Schema (`open-data-contract-standard`), so a contract pairlab accepts is one other ODCS tools
accept. ODPS v1.0 has no maintained Python model that installs offline, so the product side is
a small pydantic model of the fields the catalog reads, strict about unknown keys.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from open_data_contract_standard.model import OpenDataContractStandard
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pairlab.errors import BadInput

DESCRIPTOR_FILE = "dataproduct.yaml"
STATUSES = ("proposed", "draft", "active", "deprecated", "retired")
SLUG = r"^[a-z0-9][a-z0-9._-]*$"
# libyaml's safe loader reads a catalog of thousands of files ~15x faster than pure Python.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Strict(BaseModel):
    """A model that names unknown keys instead of ignoring them (typos are rules broken)."""

    model_config = ConfigDict(extra="forbid")


class CustomProperty(_Strict):
    """An ODPS custom property: a name and a value."""

    property: str
    value: Any = None


class Member(_Strict):
    """A team member; the one with role `owner` answers for the product."""

    username: str
    name: str | None = None
    role: str | None = None


class Team(_Strict):
    """The team behind the product."""

    name: str | None = None
    members: list[Member] = Field(min_length=1)


class Description(_Strict):
    """What the product is for, how to use it, and where it stops."""

    purpose: str = Field(min_length=1)
    usage: str | None = None
    limitations: str | None = None


class InputPort(_Strict):
    """A source the product reads: a table (contractId `warehouse.<table>`) or a product."""

    name: str
    version: str
    contractId: str | None = None
    customProperties: list[CustomProperty] = []


class OutputPort(_Strict):
    """A table the product exposes, with the contract it promises."""

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    version: str
    description: str | None = None
    type: str | None = None
    contractId: str
    customProperties: list[CustomProperty] = []

    def custom(self, name: str) -> Any:
        """Return the custom property `name`, or None."""
        return next((p.value for p in self.customProperties if p.property == name), None)


class DataProduct(_Strict):
    """An ODPS v1.0-style data product descriptor."""

    apiVersion: Literal["v1.0.0"]
    kind: Literal["DataProduct"]
    id: str = Field(pattern=SLUG)
    name: str = Field(min_length=1)
    version: str
    status: Literal["proposed", "draft", "active", "deprecated", "retired"]
    domain: str = Field(min_length=1)
    tenant: str | None = None
    team: Team
    description: Description
    tags: list[str] = []
    customProperties: list[CustomProperty] = []
    inputPorts: list[InputPort] = []
    outputPorts: list[OutputPort] = Field(min_length=1)


@dataclass(frozen=True)
class Problem:
    """One broken rule: in which file, at which field, and what the rule says."""

    file: str
    field: str
    rule: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.rule}"


class DescriptorError(BadInput):
    """A descriptor or contract breaks rules; `problems` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}", "fix the descriptor and validate again")
        self.problems = problems


@dataclass
class Product:
    """A loaded product: where it lives, its descriptor, and each output port's contract."""

    root: Path
    descriptor: DataProduct
    contracts: dict[str, OpenDataContractStandard] = field(default_factory=dict)

    @property
    def owner(self) -> str:
        """Return the owner's username."""
        return next(m.username for m in self.descriptor.team.members if m.role == "owner")

    @property
    def input_tables(self) -> list[str]:
        """Return the warehouse tables the product reads."""
        ports = self.descriptor.inputPorts
        return [p.contractId.split(".", 1)[1] for p in ports if _is_table(p.contractId)]

    def custom(self, name: str) -> Any:
        """Return the product-level custom property `name`, or None."""
        props = self.descriptor.customProperties
        return next((p.value for p in props if p.property == name), None)


def _is_table(contract_id: str | None) -> bool:
    """Return whether an input port names a warehouse table."""
    return bool(contract_id) and contract_id.startswith("warehouse.")


def _where(loc: tuple[Any, ...]) -> str:
    """Return a pydantic/jsonschema location as `outputPorts[0].name`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _pydantic_problems(file: str, exc: ValidationError) -> list[Problem]:
    """Turn a pydantic error into problems, one per broken rule."""
    return [Problem(file, _where(e["loc"]), e["msg"]) for e in exc.errors()]


def _read_yaml(path: Path, label: str) -> tuple[Any, list[Problem]]:
    """Read a YAML mapping; a missing or broken file is a problem, not a crash."""
    if not path.is_file():
        return None, [Problem(label, "(file)", "the file does not exist")]
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)  # noqa: S506
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return None, [Problem(label, "(file)", f"not valid YAML: {str(exc).splitlines()[0]}")]
    if not isinstance(data, dict):
        return None, [Problem(label, "(top level)", "must be a mapping of fields")]
    return data, []


@cache
def _odcs_validator() -> Any:
    """Return a validator of the ODCS JSON Schema shipped with the ODCS model."""
    import jsonschema  # a second to import: only when a contract is validated

    text = resources.files("open_data_contract_standard").joinpath("schema.json").read_text()
    return jsonschema.Draft201909Validator(json.loads(text))


def _product_rules(file: str, product: DataProduct) -> list[Problem]:
    """Check the rules the catalog relies on beyond the field types."""
    problems = []
    if not any(m.role == "owner" for m in product.team.members):
        problems.append(Problem(file, "team.members", "one member must have role: owner"))
    if not any(p.property == "valueHypothesis" and p.value for p in product.customProperties):
        problems.append(
            Problem(file, "customProperties", "must state a valueHypothesis (what would prove it)")
        )
    names = [p.name for p in product.outputPorts]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        problems.append(Problem(file, "outputPorts", f"port name '{dup}' is used twice"))
    for i, port in enumerate(product.outputPorts):
        if not port.custom("contract"):
            rule = "needs a customProperty `contract` with the contract file's path"
            problems.append(Problem(file, f"outputPorts[{i}].customProperties", rule))
    return problems


def _contract_rules(label: str, contract: OpenDataContractStandard, port: OutputPort) -> list:
    """Check that a contract belongs to its port and describes at least one column."""
    problems = []
    if contract.id != port.contractId:
        rule = f"id '{contract.id}' differs from the port's contractId '{port.contractId}'"
        problems.append(Problem(label, "id", rule))
    objects = contract.schema_ or []
    if not objects or not objects[0].properties:
        problems.append(Problem(label, "schema", "must describe at least one object and column"))
    return problems


def _untyped_columns(label: str, data: dict[str, Any]) -> list[Problem]:
    """Name the columns of a raw contract that lack a name or a logicalType."""
    problems = []
    objects = data.get("schema") if isinstance(data.get("schema"), list) else []
    for i, obj in enumerate(objects):
        props = obj.get("properties") if isinstance(obj, dict) else None
        for j, prop in enumerate(props if isinstance(props, list) else []):
            if not isinstance(prop, dict) or not prop.get("name") or not prop.get("logicalType"):
                where = f"schema[{i}].properties[{j}]"
                problems.append(Problem(label, where, "every column needs a name and logicalType"))
    return problems


def _load_contract(root: Path, port: OutputPort, schema: bool = True) -> tuple[Any, list[Problem]]:
    """Load and validate one output port's ODCS contract (against ODCS's JSON Schema if asked)."""
    label = str(port.custom("contract"))
    path = (root / label).resolve()
    if not path.is_relative_to(root.resolve()):
        return None, [Problem(label, "(file)", "the contract must lie inside the product folder")]
    data, problems = _read_yaml(path, label)
    if problems:
        return None, problems
    problems = _untyped_columns(label, data)
    if problems:  # ODCS's schema would report these through a confusing conditional branch
        return None, problems
    # The JSON Schema costs ~30 ms a contract: a catalog of thousands may index on the model alone.
    errors = _odcs_validator().iter_errors(data) if schema else ()
    errors = sorted(errors, key=lambda e: list(e.absolute_path))
    problems = [Problem(label, _where(tuple(e.absolute_path)), e.message) for e in errors]
    if problems:
        return None, problems
    try:
        contract = OpenDataContractStandard(**data)
    except ValidationError as exc:
        return None, _pydantic_problems(label, exc)
    return contract, _contract_rules(label, contract, port)


def validate_product(root: Path, *, schema: bool = True) -> tuple[Product | None, list[Problem]]:
    """Return the loaded product (None if unusable) and every rule it breaks."""
    data, problems = _read_yaml(root / DESCRIPTOR_FILE, DESCRIPTOR_FILE)
    if problems:
        return None, problems
    try:
        descriptor = DataProduct(**data)
    except ValidationError as exc:
        return None, _pydantic_problems(DESCRIPTOR_FILE, exc)
    problems = _product_rules(DESCRIPTOR_FILE, descriptor)
    product = Product(root, descriptor)
    for port in descriptor.outputPorts:
        if port.custom("contract"):
            contract, found = _load_contract(root, port, schema)
            problems += found
            if contract is not None:
                product.contracts[port.name] = contract
    return product, problems


def load_product(root: Path) -> Product:
    """Return the product in `root`; raise DescriptorError naming every broken rule."""
    product, problems = validate_product(root)
    if problems or product is None:
        raise DescriptorError(problems)
    return product
