"""Resolve ODPS v1.1.0's ${VAR} references when a product is published.

A descriptor may say `version: ${PRODUCT_VERSION}` (a CI job sets it from a tag) or
`https://${DOCS_HOST}/claims`: publish replaces each from the environment before anything is
built or compared, and registers the resolved values, since the catalog is read by teams whose
environment has none of them. A variable that is unset stops publish naming the field and the
variable; one that looks like a credential is refused, because the catalog is read by everyone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from pairlab.catalog.descriptor import Product, port_key
from pairlab.catalog.odps import DataProduct, expand, variables
from pairlab.errors import BadInput, and_more

_SECRET = re.compile(r"pass|secret|token|key|credential|auth", re.IGNORECASE)


def check_variables(product_id: str, data: Any, env: Mapping[str, str]) -> None:
    """Refuse a descriptor whose ${VAR}s are unset or name a credential, one line each."""
    found = variables(data)
    secret = next(((f, n) for f, n in found if _SECRET.search(n)), None)
    if secret:
        raise BadInput(
            f"cannot publish {product_id}: {secret[0]} uses ${{{secret[1]}}}, which looks like "
            "a credential, and the catalog is read by every team",
            "keep credentials in the warehouse URL or the keyring, never in dataproduct.yaml",
        )
    unset = [(f, n) for f, n in found if n not in env]
    if unset:
        field, name = unset[0]
        raise BadInput(
            f"cannot publish {product_id}: {field} uses ${{{name}}}, which is not set"
            + and_more(len(unset)),
            f"export {name}=... and publish again (`pairlab catalog lint --policy` lists them all)",
        )


def resolve(data: Any, env: Mapping[str, str] | None = None) -> Any:
    """Return the raw descriptor (or contract) with its ${VAR}s replaced from the environment."""
    resolved, _ = expand(data, os.environ if env is None else env)
    return resolved


def resolve_product(product: Product) -> Product:
    """Return the product with its descriptor's ${VAR}s resolved, contracts kept per port."""
    d = product.descriptor
    data = d.model_dump(by_alias=True, exclude_none=True)
    if not variables(data):
        return product
    check_variables(d.id, data, os.environ)
    try:
        resolved = DataProduct(**resolve(data))
    except ValidationError as exc:
        raise BadInput(
            f"cannot publish {d.id}: a value its ${{VAR}}s gave breaks ODPS: "
            f"{str(exc).splitlines()[1:3]}",
            "set the variables to values the field allows",
        ) from None
    out = Product(product.root, resolved)
    for old, new in zip(d.outputPorts, resolved.outputPorts, strict=True):
        contract = product.contracts.get(port_key(old, d.outputPorts))
        if contract is not None:
            out.contracts[port_key(new, resolved.outputPorts)] = contract
    return out
