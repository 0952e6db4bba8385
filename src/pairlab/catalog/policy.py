"""pairlab's policy: what a pairing product needs beyond the published standards, by name.

The standards (ODPS v1.0.0, ODCS v3) leave these optional; the curriculum relies on them. Each
rule has a name and a severity: an error where the curriculum teaches it (lesson 3 writes the
owner and the value hypothesis; the kit links each port to its contract by id), a warning
otherwise. Findings are reported as policy, never as a violation of a standard.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from pairlab.catalog.odps import DataProduct, OutputPort, variables

STATUSES = ("proposed", "draft", "active", "deprecated", "retired")
SLUG = r"^[a-z0-9][a-z0-9._-]*$"

# name -> (severity, what the rule asks)
RULES = {
    "owner": ("error", "one team member has role: owner"),
    "value-hypothesis": ("error", "a customProperty valueHypothesis says what would prove it"),
    "contract-id": ("error", "a contract's id is its output port's contractId"),
    "searchable": ("warning", "name, domain and description.purpose are filled in"),
    "status": ("warning", f"status is one of {', '.join(STATUSES)}"),
    "id-slug": ("warning", "the id is a lowercase slug"),
    "output-ports": ("warning", "the product has at least one output port"),
    "contract-file": ("warning", "each output port names its contract file"),
    "contract-columns": ("warning", "each contract describes at least one object with columns"),
    "column-types": ("warning", "every column has a name and a logicalType"),
    "review-due": ("warning", "an active product past its reviewDate has a recorded decision"),
    "variables": ("warning", "every ${VAR} the descriptor uses is set where it is published"),
}

Finding = tuple[str, str, str]  # (policy name, field, rule as the finding states it)


def product_findings(product: DataProduct) -> Iterator[Finding]:
    """Yield the policy findings of a descriptor that meets the standard."""
    import re

    if not any(m.role == "owner" for m in product.members):
        yield "owner", "team.members", "one member must have role: owner"
    if not product.custom("valueHypothesis"):
        rule = "must state a valueHypothesis (what would prove it)"
        yield "value-hypothesis", "customProperties", rule
    yield from review_due(product)
    yield from unset_variables(product)
    description = product.description
    for name, value in (
        ("name", product.name),
        ("domain", product.domain),
        ("description.purpose", description.purpose if description else None),
    ):
        if not (value or "").strip():
            yield "searchable", name, "should say it: the catalog searches and shows it"
    if product.status not in STATUSES:
        rule = f"'{product.status or ''}' should be one of " + ", ".join(f"'{s}'" for s in STATUSES)
        yield "status", "status", rule
    if not re.match(SLUG, product.id):
        yield "id-slug", "id", f"should match pattern '{SLUG}' (a lowercase slug)"
    if not product.outputPorts:
        yield "output-ports", "outputPorts", "should list at least 1 item (what the product offers)"
    for i, port in enumerate(product.outputPorts):
        yield from _port_findings(i, port)


def review_due(product: DataProduct, today: date | None = None) -> Iterator[Finding]:
    """Yield a warning when an active product's review date has passed and nothing was decided."""
    hypothesis = product.custom("valueHypothesis")
    due = hypothesis.get("reviewDate") if isinstance(hypothesis, dict) else None
    if product.status != "active" or due is None:
        return
    where = "customProperties.valueHypothesis.reviewDate"
    try:
        due = due if isinstance(due, date) else date.fromisoformat(str(due))
    except ValueError:
        yield "review-due", where, f"{due!r} should be a date YYYY-MM-DD"
        return
    if (today or date.today()) > due and not product.custom("reviews"):
        rule = f"passed on {due} with no decision: run `pairlab review {product.id}`"
        yield "review-due", where, rule


def unset_variables(
    product: DataProduct, env: Mapping[str, str] | None = None
) -> Iterator[Finding]:
    """Yield each ODPS v1.1.0 ${VAR} of the descriptor that is not set in the environment."""
    env = os.environ if env is None else env
    for field, name in variables(product.model_dump(by_alias=True, exclude_none=True)):
        if name not in env:
            rule = (
                f"uses ${{{name}}}, which is not set here: export {name}=... where you run "
                "`pairlab publish` (it writes the value into the catalog), or write the value"
            )
            yield "variables", field, rule


def _port_findings(i: int, port: OutputPort) -> Iterator[Finding]:
    """Yield what an output port lacks for the catalog to show its columns."""
    if not port.custom("contract"):
        rule = "needs a customProperty `contract` with the contract file's path"
        yield "contract-file", f"outputPorts[{i}].customProperties", rule
    elif not port.contractId:
        yield "contract-id", f"outputPorts[{i}].contractId", "needs the id of its contract"


def contract_findings(
    data: dict[str, Any], contract: Any, port: OutputPort | None
) -> Iterator[Finding]:
    """Yield the policy findings of a contract that meets ODCS (`port`: the port it serves)."""
    if port is not None and port.contractId and contract.id != port.contractId:
        rule = f"id '{contract.id}' differs from the port's contractId '{port.contractId}'"
        yield "contract-id", "id", rule
    objects = contract.schema_ or []
    if not objects or not objects[0].properties:
        yield "contract-columns", "schema", "must describe at least one object and column"
    yield from untyped_columns(data)


def untyped_columns(data: dict[str, Any]) -> Iterator[Finding]:
    """Yield the columns of a raw contract that lack a name or a logicalType."""
    schema = data.get("schema")
    objects: list[Any] = schema if isinstance(schema, list) else []
    for i, obj in enumerate(objects):
        props = obj.get("properties") if isinstance(obj, dict) else None
        for j, prop in enumerate(props if isinstance(props, list) else []):
            if not isinstance(prop, dict) or not prop.get("name") or not prop.get("logicalType"):
                where = f"schema[{i}].properties[{j}]"
                yield "column-types", where, "every column needs a name and logicalType"
