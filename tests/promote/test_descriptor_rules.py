"""The descriptor model: the kit's product is valid, and each rule broken once is named."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from case_ids import case_id

from pairlab.catalog import DescriptorError, load_product, validate_product

CONTRACT = "contracts/loss_ratio_by_region.odcs.yaml"


@pytest.fixture
def product(kit_product: Path, tmp_path: Path) -> Path:
    """Return a fresh copy of the kit's product to break."""
    return Path(shutil.copytree(kit_product, tmp_path / "product"))


def edit(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Load a YAML file, change it, write it back."""
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_the_kits_product_is_valid(product: Path):
    loaded = load_product(product)
    assert loaded.descriptor.id == "claims-loss-ratio-by-region"
    assert loaded.owner == "analyst"
    assert loaded.input_tables == ["policies", "premiums", "claims"]
    assert loaded.custom("valueHypothesis")
    assert list(loaded.contracts) == ["loss_ratio_by_region"]


def _no_owner(d):
    d["team"]["members"][0]["role"] = "analyst"


def _no_hypothesis(d):
    d["customProperties"] = []


def _bad_status(d):
    d["status"] = "finished"


def _typo(d):
    d["desciption"] = d.pop("description")


def _no_contract_path(d):
    d["outputPorts"][0]["customProperties"] = []


def _missing_contract(d):
    d["outputPorts"][0]["customProperties"][0]["value"] = "contracts/gone.yaml"


def _no_outputs(d):
    d["outputPorts"] = []


def _bad_id(d):
    d["id"] = "Claims Loss"


RULES = [
    (_no_owner, "dataproduct.yaml", "team.members", "role: owner"),
    (_no_hypothesis, "dataproduct.yaml", "customProperties", "valueHypothesis"),
    (_bad_status, "dataproduct.yaml", "status", "'proposed'"),
    (_typo, "dataproduct.yaml", "desciption", "Extra inputs are not permitted"),
    (_no_contract_path, "dataproduct.yaml", "outputPorts[0].customProperties", "contract"),
    (_missing_contract, "contracts/gone.yaml", "(file)", "does not exist"),
    (_no_outputs, "dataproduct.yaml", "outputPorts", "at least 1 item"),
    (_bad_id, "dataproduct.yaml", "id", "should match pattern"),
]


@pytest.mark.parametrize(("change", "file", "field", "rule"), RULES, ids=case_id)
def test_each_descriptor_rule_broken_once_is_named(product, change, file, field, rule):
    edit(product / "dataproduct.yaml", change)
    _, problems = validate_product(product)
    assert any(p.file == file and p.field == field and rule in p.rule for p in problems), problems


def _wrong_api(d):
    d["apiVersion"] = "v9"


def _wrong_id(d):
    d["id"] = "someone-else.table"


def _untyped_column(d):
    del d["schema"][0]["properties"][1]["logicalType"]


def _empty_schema(d):
    d["schema"] = []


CONTRACT_RULES = [
    (_wrong_api, "apiVersion", "is not one of"),
    (_wrong_id, "id", "differs from the port's contractId"),
    (_untyped_column, "schema[0].properties[1]", "needs a name and logicalType"),
    (_empty_schema, "schema", "at least one object"),
]


@pytest.mark.parametrize(("change", "field", "rule"), CONTRACT_RULES, ids=case_id)
def test_each_contract_rule_broken_once_is_named(product, change, field, rule):
    edit(product / CONTRACT, change)
    _, problems = validate_product(product)
    assert any(p.file == CONTRACT and p.field == field and rule in p.rule for p in problems), (
        problems
    )


def test_broken_yaml_is_one_problem_with_its_reason(product: Path):
    (product / "dataproduct.yaml").write_text("id: [unclosed\n")
    with pytest.raises(DescriptorError) as caught:
        load_product(product)
    assert "dataproduct.yaml: (file): not valid YAML" in str(caught.value)
