"""A contract the JSON Schema passed is not validated again; a changed one and errors always are."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from pairlab.catalog import descriptor

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "catalog" / "customer-portfolio"


def _contract() -> dict:
    path = SAMPLE / "contracts" / "customer_portfolio.odcs.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_a_clean_contract_is_remembered_and_a_changed_one_is_validated_again() -> None:
    clean = _contract()
    assert descriptor.validate_contract(clean, "c.yaml")[0] is not None
    assert descriptor.validate_contract(copy.deepcopy(clean), "c.yaml")[0] is not None
    broken = copy.deepcopy(clean)
    broken["apiVersion"] = 3  # the schema wants text
    for _ in range(2):  # errors are never remembered away
        contract, problems = descriptor.validate_contract(broken, "c.yaml")
        assert contract is None
        assert any("apiVersion" in p.field for p in problems), problems


def test_the_memory_is_bounded(monkeypatch) -> None:
    monkeypatch.setattr(descriptor, "_SCHEMA_CLEAN", {})
    monkeypatch.setattr(descriptor, "_SCHEMA_CLEAN_MAX", 2)
    for version in ("1.0.0", "1.0.1", "1.0.2"):
        data = _contract() | {"version": version}
        assert descriptor.validate_contract(data, "c.yaml")[0] is not None
    assert len(descriptor._SCHEMA_CLEAN) == 2
