"""The OpenAPI document pairlab ships, held against a live server by schemathesis (issue 14).

Every route of the table is in the document and the other way round; then, for each operation,
schemathesis generates requests from the document and sends them to a real JupyterLab on
loopback (the shared `live_lab`, at / and under a hub prefix): no reply is a 5xx, every reply's
status, content type and body match the document.
"""

from __future__ import annotations

import json
import re
import urllib.request
from importlib.resources import files
from typing import Any

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pairlab.server.base import PairlabHandler
from pairlab.server.handlers import ROUTES

OPENAPI = files("pairlab.server").joinpath("openapi.yaml")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 30  # per operation and lab, positive and negative: about 30 s with both labs
PAIR = [{"name": "Ana", "role": "analyst"}, {"name": "Eli", "role": "engineer"}]
# Ending a session is last, so the routes before it also meet a session that is open.
LAST = ("/sessions/{session_id}/end",)


def _document() -> dict[str, Any]:
    """Return the shipped OpenAPI document."""
    return yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))


def _route_table() -> dict[str, set[str]]:
    """Return each route of the table as an OpenAPI path with the methods its handler has."""
    routes = {}
    for pattern, handler in ROUTES:
        if pattern == "(.*)":  # the JSON 404 for every other path
            continue
        path = "/" + re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", pattern)
        routes[path] = {
            method
            for method in ("get", "post", "put", "delete", "patch")
            if getattr(handler, method) is not getattr(PairlabHandler, method)
        }
    return routes


def test_the_document_describes_every_route_and_no_other():
    document = _document()
    documented = {
        path: {m for m in item if m in ("get", "post", "put", "delete", "patch")}
        for path, item in document["paths"].items()
    }
    assert documented == _route_table()
    assert document["servers"] == [{"url": "/pairlab"}]


def test_the_document_is_valid_openapi_3_0():
    import jsonschema
    from schemathesis.specs.openapi.definitions import OPENAPI_30  # the 3.0 meta-schema

    errors = [e.message for e in jsonschema.Draft4Validator(OPENAPI_30).iter_errors(_document())]
    assert errors == []


def _operations() -> list[Any]:
    """Return the document's operations, the one that ends a session last."""
    schema = schemathesis.openapi.from_path(str(OPENAPI))
    operations = [result.ok() for result in schema.get_all_operations()]
    return sorted(operations, key=lambda op: op.path in LAST)


OPERATIONS = _operations()


def _cases(operation: Any) -> st.SearchStrategy[Any]:
    """Return requests that fit the document and, where there is input to spoil, that do not."""
    positive = operation.as_strategy(GenerationMode.POSITIVE)
    has_input = operation.body or any(True for _ in operation.iter_parameters())
    if not has_input:
        return positive
    return st.one_of(positive, operation.as_strategy(GenerationMode.NEGATIVE))


def _start_session(lab: Any) -> str:
    """Start a real session, so session routes answer more than 404."""
    request = urllib.request.Request(
        lab.url("pairlab/sessions"), data=json.dumps({"participants": PAIR}).encode()
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(json.loads(response.read())["id"])


@pytest.fixture(scope="module")
def sessions() -> dict[str, str]:
    """Hold one real session id per lab (keyed by base URL), started on first use."""
    return {}


@pytest.mark.slow
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method.upper()} {op.path}")
def test_the_live_server_keeps_to_its_document(live_lab, sessions, operation):
    if live_lab.base_url not in sessions:
        sessions[live_lab.base_url] = _start_session(live_lab)
    real = sessions[live_lab.base_url]
    base_url = live_lab.url("pairlab", token=False)
    # The token in a header: a token-authenticated request needs no XSRF token (test_live_server).
    headers = {"Authorization": f"token {live_lab.token}"}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_cases(operation), aim_at_real=st.booleans())
    def meets_the_document(case: Any, aim_at_real: bool) -> None:
        if aim_at_real and "session_id" in (case.path_parameters or {}):
            case.path_parameters["session_id"] = real
        response = case.call(base_url=base_url, headers=headers, timeout=60)
        case.validate_response(response, checks=CHECKS)

    meets_the_document()
