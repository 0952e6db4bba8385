"""Each product check passes on the kit's product and fails for a reason a pair would cause."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pairlab.checks import check_path

CONTRACT = "contracts/loss_ratio_by_region.odcs.yaml"


@pytest.fixture
def product(kit_product: Path, tmp_path: Path) -> Path:
    """Return a fresh copy of the kit's product."""
    return Path(shutil.copytree(kit_product, tmp_path / "product"))


def result(project: Path, check: str):
    """Run one check on the project and return its result."""
    report = check_path(project, only=check)
    assert len(report.results) == 1, report.to_json()
    return report.results[0]


def test_descriptor_passes_on_the_kit(product: Path):
    found = result(product, "product-descriptor")
    assert found.status == "pass", found.message


def test_descriptor_fails_without_an_owner(product: Path):
    text = (product / "dataproduct.yaml").read_text().replace("role: owner", "role: analyst")
    (product / "dataproduct.yaml").write_text(text)
    found = result(product, "product-descriptor")
    assert found.status == "fail"
    assert "dataproduct.yaml: team.members: one member must have role: owner" in found.message


def test_product_checks_do_not_apply_outside_a_product(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    report = check_path(tmp_path)
    skipped = {s["id"]: s["reason"] for s in report.skipped}
    assert skipped["product-descriptor"] == "no dataproduct.yaml here"


def test_ci_passes_on_the_kit(product: Path):
    found = result(product, "ci-configured")
    assert found.status == "pass"
    assert "GitHub Actions and GitLab CI" in found.message


def test_ci_fails_when_the_notebooks_are_not_run(product: Path):
    github = product / ".github/workflows/ci.yml"
    github.write_text(github.read_text().split("      - name: Notebooks")[0])
    gitlab = product / ".gitlab-ci.yml"
    lines = gitlab.read_text().splitlines()
    gitlab.write_text("\n".join(line for line in lines if "papermill" not in line) + "\n")
    found = result(product, "ci-configured")
    assert found.status == "fail"
    assert found.message.startswith("GitHub Actions does not run the notebooks through papermill")


def test_ci_fails_with_no_ci_at_all(product: Path):
    shutil.rmtree(product / ".github")
    (product / ".gitlab-ci.yml").unlink()
    found = result(product, "ci-configured")
    assert found.status == "fail" and "no CI is configured" in found.message


@pytest.mark.slow
def test_contract_passes_on_the_warehouse(product: Path):
    found = result(product, "contract-pass")
    assert found.status == "pass", found.message


@pytest.mark.slow
def test_contract_fails_naming_the_rule_the_data_breaks(product: Path):
    # A pair lists the regions they know, forgetting one the data has.
    path = product / CONTRACT
    path.write_text(path.read_text().replace("East, North, South, West", "East, North, South"))
    found = result(product, "contract-pass")
    assert found.status == "fail"
    assert "region: accepted values (got 1; mustBe 0)" in found.message


@pytest.mark.slow
def test_package_builds_on_the_kit(product: Path):
    found = result(product, "package-builds")
    assert found.status == "pass", found.message
    assert found.message.endswith(".whl")


@pytest.mark.slow
def test_package_fails_to_build_with_a_broken_pyproject(product: Path):
    path = product / "pyproject.toml"
    path.write_text(path.read_text().replace('version = "0.1.0"', 'version = "0.1.0'))
    found = result(product, "package-builds")
    assert found.status == "fail"
    assert "the package does not build" in found.message
