"""ODPS v1.1.0's ${VAR}s: publish resolves them from the environment; lint names an unset one.

A copy of the sample product, upgraded to v1.1.0, takes its version from ${PRODUCT_VERSION}
(as a CI job sets it from a tag) and a purpose naming ${PRICING_TEAM}: publish into a real DuckDB
file registers the values, never the references; an unset variable or one that looks like a
credential stops publish with one line (exit 2) and leaves warehouse and catalog as they were.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from products_support import PRODUCT, edit_yaml, snapshot
from test_bad_input import run, state

from pairlab import products
from pairlab.catalog.lint import lint

VARS = {"PRODUCT_VERSION": "1.3.0", "PRICING_TEAM": "pricing-analytics"}


def with_variables(data: dict[str, Any]) -> None:
    """Make the descriptor ODPS v1.1.0 with two ${VAR}s."""
    data["apiVersion"] = "v1.1.0"
    data["version"] = "${PRODUCT_VERSION}"
    data["outputPorts"][0]["version"] = "${PRODUCT_VERSION}"
    data["description"]["purpose"] = "Claims KPIs the ${PRICING_TEAM} team reads monthly."


@pytest.fixture
def templated(product: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return the product with ${VAR}s, both set in the environment."""
    edit_yaml(product / "dataproduct.yaml", with_variables)
    for name, value in VARS.items():
        monkeypatch.setenv(name, value)
    return product


def test_publish_registers_the_values_and_reads_back(templated: Path, catalog_dir: Path) -> None:
    """The catalog holds 1.3.0 and the team's name, no ${...}; the product reads by name."""
    done = products.publish(templated, catalog=catalog_dir)
    assert done.version == "1.3.0"
    registered = (catalog_dir / PRODUCT / "dataproduct.yaml").read_text(encoding="utf-8")
    assert "${" not in registered and "version: 1.3.0" in registered
    assert "the pricing-analytics team" in registered
    assert products.read(f"{PRODUCT}.monthly_claims_kpis", catalog=catalog_dir).count().execute()
    assert products.publish(templated, catalog=catalog_dir).ports[0].action == "unchanged"


def test_an_unset_variable_is_one_line_and_changes_nothing(
    templated: Path, catalog_dir: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Exit 2 naming the field, the variable and the fix; warehouse and catalog as before."""
    before = state(warehouse, catalog_dir)
    monkeypatch.delenv("PRODUCT_VERSION")
    code, out, err = run(capsys, "publish", str(templated), "--catalog", str(catalog_dir))
    assert (code, out) == (2, "")
    [line] = err.splitlines()
    assert line.startswith(
        f"pairlab: error: cannot publish {PRODUCT}: version uses ${{PRODUCT_VERSION}}, which is "
        "not set (and 1 more)"
    )
    assert "export PRODUCT_VERSION=... and publish again" in line
    assert state(warehouse, catalog_dir) == before


def test_a_credential_in_a_variable_is_refused(
    templated: Path, catalog_dir: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """${WAREHOUSE_TOKEN} would write a secret into the catalog every team reads."""
    edit_yaml(templated / "dataproduct.yaml",
              lambda d: d["description"].update(usage="token ${WAREHOUSE_TOKEN}"))  # fmt: skip
    monkeypatch.setenv("WAREHOUSE_TOKEN", "s3cret-value")
    before = snapshot(catalog_dir)
    code, _, err = run(capsys, "publish", str(templated), "--catalog", str(catalog_dir))
    assert code == 2 and "looks like a credential" in err and "s3cret-value" not in err
    assert snapshot(catalog_dir) == before


def test_lint_names_each_unset_variable_with_the_fix(
    templated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`catalog lint --policy` warns per unset variable; none once it is set."""
    monkeypatch.delenv("PRICING_TEAM")
    found = [f for f in lint(templated, policy=True).findings if f.policy == "variables"]
    assert [(f.field, f.severity) for f in found] == [("description.purpose", "warning")]
    assert "uses ${PRICING_TEAM}, which is not set here: export PRICING_TEAM=..." in found[0].rule
    monkeypatch.setenv("PRICING_TEAM", "pricing")
    assert not [f for f in lint(templated, policy=True).findings if f.policy == "variables"]
