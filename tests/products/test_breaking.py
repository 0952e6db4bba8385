"""The breaking-change gate: each kind refused without a major bump, accepted with one."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from case_ids import case_id
from open_data_contract_standard.model import OpenDataContractStandard
from products_support import CONTRACT, PORT, PRODUCT, SAMPLE, TABLE, edit_yaml

from pairlab import products
from pairlab.products import GateFailed, compare
from pairlab.products._breaking import version_problem

BASE = yaml.safe_load((SAMPLE / CONTRACT).read_text())
Change = Callable[[dict[str, Any]], None]


def _column(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in data["schema"][0]["properties"] if p["name"] == name)


def _remove(name: str) -> Change:
    def change(d: dict[str, Any]) -> None:
        d["schema"][0]["properties"].remove(_column(d, name))

    return change


def _rename(old: str, new: str) -> Change:
    return lambda d: _column(d, old).update(name=new)


def _retype(name: str, kind: str) -> Change:
    return lambda d: _column(d, name).update(logicalType=kind)


def _add(name: str, required: bool) -> Change:
    column = {"name": name, "logicalType": "string", "required": required}
    return lambda d: d["schema"][0]["properties"].append(column)


def _values(values: list[str]) -> Change:
    return lambda d: _column(d, "product_line")["quality"][0]["arguments"].update(
        validValues=values
    )


def _optional(name: str) -> Change:
    return lambda d: _column(d, name).update(required=False)


def _contract(*changes: Change) -> OpenDataContractStandard:
    data = copy.deepcopy(BASE)
    for change in changes:
        change(data)
    return OpenDataContractStandard(**data)


BREAKING = [
    (_remove("frequency"), "frequency: removed (readers of frequency break)"),
    (_rename("loss_ratio", "lossratio"), "loss_ratio: renamed to lossratio?"),
    (_retype("exposure_years", "integer"), "exposure_years: type narrowed from number to integer"),
    (_add("currency", True), "currency: added, required"),
    (_values(["motor", "home"]), "product_line: accepted values tightened (dropped travel)"),
]
MINOR = [
    (_add("currency", False), "currency: added"),
    (_retype("claims", "number"), "claims: type widened from integer to number"),
    (_values(["motor", "home", "travel", "pet"]), "product_line: accepted values widened"),
    (_optional("region"), "region: no longer required"),
]


@pytest.mark.parametrize(("change", "said"), BREAKING, ids=case_id)
def test_each_breaking_change_needs_a_major_version(change: Change, said: str) -> None:
    changes = compare(_contract(), _contract(change))
    assert changes[0].breaking and said in str(changes[0])
    refused = version_problem(changes, (1, 2, 0), (1, 3, 0))
    assert refused.startswith("breaking change(s) need a major version (> 1.x.x): ")
    assert said in refused
    assert version_problem(changes, (1, 2, 0), (2, 0, 0)) == ""


@pytest.mark.parametrize(("change", "said"), MINOR, ids=case_id)
def test_other_changes_need_at_least_a_minor_version(change: Change, said: str) -> None:
    changes = compare(_contract(), _contract(change))
    assert [str(c) for c in changes] == [said] and not changes[0].breaking
    assert "needs at least a minor version (> 1.2.0)" in version_problem(
        changes, (1, 2, 0), (1, 2, 1)
    )
    assert "the schema changed under the same version 1.2.0" in version_problem(
        changes, (1, 2, 0), (1, 2, 0)
    )
    assert version_problem(changes, (1, 2, 0), (1, 3, 0)) == ""


def test_an_unchanged_contract_may_keep_or_raise_its_version_but_not_lower_it() -> None:
    assert compare(_contract(), _contract()) == []
    assert version_problem([], (1, 2, 0), (1, 2, 0)) == ""
    assert "older than the published 1.2.0" in version_problem([], (1, 2, 0), (1, 1, 9))


def _bump(product: Path, version: str, *changes: Change) -> None:
    """Set the port's (and contract's) version and change the contract."""
    edit_yaml(product / "dataproduct.yaml", lambda d: d["outputPorts"][0].update(version=version))
    edit_yaml(product / CONTRACT, lambda d: d.update(version=version))
    for change in changes:
        edit_yaml(product / CONTRACT, change)


def test_a_breaking_publish_is_refused_naming_changes_and_consumers(
    product: Path, catalog_dir: Path, warehouse: Path, capsys
) -> None:
    products.publish(product, catalog=catalog_dir)
    # a downstream product in the catalog reads this port
    reader = catalog_dir / "premium-by-channel"
    shutil.copytree(SAMPLE.parent / "premium-by-channel", reader)
    edit_yaml(
        reader / "dataproduct.yaml",
        lambda d: d["inputPorts"].append(
            {"name": PORT, "version": "1.2.0", "contractId": f"{PRODUCT}.{PORT}"}
        ),
    )
    _bump(product, "1.3.0", _remove("frequency"))
    with pytest.raises(GateFailed) as refused:
        products.publish(product, catalog=catalog_dir)
    message = str(refused.value)
    assert message.startswith(f"{PRODUCT}, port {PORT}: breaking change(s) need a major version")
    assert "frequency: removed (readers of frequency break)" in message
    assert "consumers to tell: premium-by-channel, pricing review dashboard, " in message
    assert "reinsurance renewal pack" in message
    _bump(product, "2.0.0")
    result = products.publish(product, catalog=catalog_dir)
    assert [p.action for p in result.ports] == ["written"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = [c[0] for c in con.execute(f"DESCRIBE products.{TABLE}").fetchall()]
    assert "frequency" not in columns and "loss_ratio" in columns


def test_a_changed_schema_under_the_same_version_is_refused(product, catalog_dir) -> None:
    products.publish(product, catalog=catalog_dir)
    edit_yaml(product / CONTRACT, _add("currency", False))
    with pytest.raises(GateFailed, match=r"the schema changed under the same version 1\.2\.0: "):
        products.publish(product, catalog=catalog_dir)
