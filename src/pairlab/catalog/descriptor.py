"""Load and validate a data product: its ODPS dataproduct.yaml and each output's contract.

Three levels, kept apart: the published standards (ODPS v1.0.0 and v1.1.0 through pairlab's
own model of them, `pairlab.catalog.odps`, and the published JSON Schema; ODCS v3 through its
own published pydantic model and JSON Schema), pairlab's named policy
(`pairlab.catalog.policy`), and notices (a deprecated ODPS v0.9.x document read as v1.0.0).
Only a broken standard keeps a document out of the catalog.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from open_data_contract_standard.model import OpenDataContractStandard
from pydantic import ValidationError

from pairlab.catalog import policy
from pairlab.catalog.odps import (
    DataProduct,
    OutputPort,
    unknown_field_rule,
    upgrade,
)
from pairlab.catalog.odps_schema import import_jsonschema, schema_errors, version_findings
from pairlab.catalog.problem import Problem
from pairlab.errors import BadInput, and_more

DESCRIPTOR_FILE = "dataproduct.yaml"
STATUSES = policy.STATUSES
# libyaml's safe loader reads a catalog of thousands of files ~15x faster than pure Python.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _policy(file: str, found: tuple[str, str, str]) -> Problem:
    """Return a policy finding of `file` with the rule's severity."""
    name, where, rule = found
    return Problem(file, where, rule, "policy", policy.RULES[name][0], name)


class DescriptorError(BadInput):
    """A descriptor or contract breaks rules; `problems` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            f"{problems[0]}{and_more(len(problems))}", "fix the descriptor and validate again"
        )
        self.problems = problems


def port_key(port: OutputPort, ports: list[OutputPort]) -> str:
    """Return the port's name, or `name@version` when several versions share the name."""
    shared = sum(p.name == port.name for p in ports) > 1
    return f"{port.name}@{port.version}" if shared else port.name


@dataclass
class Product:
    """A loaded product: where it lives, its descriptor, and each output port's contract."""

    root: Path
    descriptor: DataProduct
    contracts: dict[str, OpenDataContractStandard] = field(default_factory=dict)

    @property
    def owner(self) -> str:
        """Return the owner's username ('' when no member has role owner)."""
        return next((m.username for m in self.descriptor.members if m.role == "owner"), "")

    @property
    def input_tables(self) -> list[str]:
        """Return the warehouse tables the product reads."""
        ports = self.descriptor.inputPorts
        ids = [p.contractId for p in ports if p.contractId]  # v1.1.0 makes contractId optional
        return [i.split(".", 1)[1] for i in ids if _is_table(i)]

    def custom(self, name: str) -> Any:
        """Return the product-level custom property `name`, or None."""
        return self.descriptor.custom(name)

    def contract(self, port: OutputPort) -> OpenDataContractStandard | None:
        """Return the contract of an output port, or None."""
        return self.contracts.get(port_key(port, self.descriptor.outputPorts))


def _is_table(contract_id: str | None) -> bool:
    """Return whether an input port names a warehouse table."""
    return contract_id is not None and contract_id.startswith("warehouse.")


def _where(loc: tuple[Any, ...]) -> str:
    """Return a pydantic/jsonschema location as `outputPorts[0].name`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _pydantic_problems(file: str, exc: ValidationError) -> list[Problem]:
    """Turn a pydantic error into problems, one per broken rule."""
    return [Problem(file, _where(e["loc"]), e["msg"]) for e in exc.errors()]


def _yaml_problem(label: str, exc: yaml.YAMLError) -> Problem:
    """Return a YAML syntax error naming its line and column (1-based, as editors count)."""
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return Problem(label, "(file)", f"not valid YAML{where}: {reason}")


def read_yaml(path: Path, label: str) -> tuple[Any, list[Problem]]:
    """Read a YAML mapping; a missing or broken file is a problem, not a crash."""
    if not path.is_file():
        return None, [Problem(label, "(file)", "the file does not exist")]
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)  # noqa: S506
    except yaml.YAMLError as exc:
        return None, [_yaml_problem(label, exc)]
    except UnicodeDecodeError as exc:
        return None, [Problem(label, "(file)", f"not UTF-8 text (byte {exc.start})")]
    if not isinstance(data, dict):
        return None, [Problem(label, "(top level)", "must be a mapping of fields")]
    return data, []


@cache
def _odcs_validator() -> Any:
    """Return a validator of the ODCS JSON Schema shipped with the ODCS model."""
    jsonschema = import_jsonschema()  # only when a contract is validated
    text = resources.files("open_data_contract_standard").joinpath("schema.json").read_text()
    return jsonschema.Draft201909Validator(json.loads(text))


# Digests of contracts ODCS's JSON Schema found nothing in, in this process: a product
# published again (a scheduled refresh, the same contract) is not validated again.
_SCHEMA_CLEAN: dict[str, None] = {}
_SCHEMA_CLEAN_MAX = 1024


def _schema_errors(data: dict[str, Any]) -> list[Any]:
    """Return the ODCS JSON Schema's errors in `data`, in document order (none remembered)."""
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if key in _SCHEMA_CLEAN:
        return []
    errors = sorted(_odcs_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if not errors:
        if len(_SCHEMA_CLEAN) >= _SCHEMA_CLEAN_MAX:
            _SCHEMA_CLEAN.pop(next(iter(_SCHEMA_CLEAN)))  # the oldest
        _SCHEMA_CLEAN[key] = None
    return errors


def validate_contract(
    data: dict[str, Any], label: str, port: OutputPort | None = None, schema: bool = True
) -> tuple[OpenDataContractStandard | None, list[Problem]]:
    """Return an ODCS contract read from `data` and its findings (standard, then policy)."""
    untyped = [_policy(label, f) for f in policy.untyped_columns(data)]
    # ODCS's schema reports a column without logicalType through a confusing conditional branch:
    # the policy names it plainly instead. The schema costs ~30 ms a contract, so an index of
    # thousands may check the model alone.
    errors = _schema_errors(data) if schema and not untyped else []
    problems = [Problem(label, _where(tuple(e.absolute_path)), e.message) for e in errors]
    if problems:
        return None, problems
    try:
        contract = OpenDataContractStandard(**data)
    except ValidationError as exc:
        return None, _pydantic_problems(label, exc)
    found = [_policy(label, f) for f in policy.contract_findings(data, contract, port)]
    return contract, found


def _load_contract(root: Path, port: OutputPort, schema: bool) -> tuple[Any, list[Problem]]:
    """Load one output port's ODCS contract from the file its `contract` property names."""
    label = str(port.custom("contract"))
    path = (root / label).resolve()
    if not path.is_relative_to(root.resolve()):
        return None, [Problem(label, "(file)", "the contract must lie inside the product folder")]
    data, problems = read_yaml(path, label)
    if problems:
        return None, problems
    return validate_contract(data, label, port, schema)


def _read_descriptor(
    path: Path, label: str, schema: bool = False
) -> tuple[DataProduct | None, list[Problem]]:
    """Read an ODPS document: the model of the standard (and its JSON Schema when `schema`).

    A v1.1.0 field in a v1.0.0 document is named with the version that allows it; a v0.9.x
    document is read as v1.0.0 with a notice.
    """
    data, problems = read_yaml(path, label)
    if problems:
        return None, problems
    data, notice = upgrade(data)
    notices = [Problem(label, "apiVersion", notice, "notice", "notice")] if notice else []
    newer = [Problem(label, where, rule) for where, rule in version_findings(data)]
    if newer:
        return None, notices + newer
    try:
        product = DataProduct(**data)
    except ValidationError as exc:
        found = _pydantic_problems(label, exc)
        extra = unknown_field_rule(data.get("apiVersion"))
        return None, notices + [
            Problem(p.file, p.field, extra) if p.rule == "Extra inputs are not permitted" else p
            for p in found
        ]
    # The model names a broken field best; the published schema then vouches for the rest.
    errors = (
        [Problem(label, _where(loc), msg) for loc, msg in schema_errors(data)] if schema else []
    )
    return (None, notices + errors) if errors else (product, notices)


def _duplicate_ports(label: str, descriptor: DataProduct) -> list[Problem]:
    """Name output ports listed twice with the same name and version (the standard's key)."""
    keys = [(p.name, p.version) for p in descriptor.outputPorts]
    return [
        Problem(label, "outputPorts", f"port '{n}' version '{v}' is listed twice")
        for n, v in sorted({k for k in keys if keys.count(k) > 1})
    ]


def lint_product(
    root: Path, *, schema: bool = True, descriptor_file: str = DESCRIPTOR_FILE
) -> tuple[Product | None, list[Problem]]:
    """Return the loaded product (None if unusable) and every finding, notices included."""
    descriptor, problems = _read_descriptor(root / descriptor_file, descriptor_file, schema)
    if descriptor is None:
        return None, problems
    problems += _duplicate_ports(descriptor_file, descriptor)
    problems += [_policy(descriptor_file, f) for f in policy.product_findings(descriptor)]
    product = Product(root, descriptor)
    for port in descriptor.outputPorts:
        if port.custom("contract"):
            contract, found = _load_contract(root, port, schema)
            problems += found
            if contract is not None:
                product.contracts[port_key(port, descriptor.outputPorts)] = contract
    return product, problems


def validate_product(root: Path, *, schema: bool = True) -> tuple[Product | None, list[Problem]]:
    """Return the loaded product (None if unusable) and every rule it breaks, policy included.

    A product's own checks hold it to pairlab's whole policy, as the curriculum teaches it;
    notices (a v0.9.x document) are left to `lint_product`.
    """
    product, problems = lint_product(root, schema=schema)
    return product, [p for p in problems if p.level != "notice"]


def load_product(root: Path) -> Product:
    """Return the product in `root`; raise DescriptorError naming every error (not warnings)."""
    product, problems = validate_product(root)
    errors = [p for p in problems if p.severity == "error"]
    if errors or product is None:
        raise DescriptorError(errors)
    return product
