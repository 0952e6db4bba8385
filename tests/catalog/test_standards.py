"""Documents written to the published standards index without errors; policy stays policy."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from case_ids import case_id

from pairlab.catalog import load_catalog
from pairlab.catalog.descriptor import lint_product, validate_contract
from pairlab.catalog.odps import (
    SBOM,
    AuthoritativeDefinition,
    Constraint,
    Context,
    CustomProperty,
    DataProduct,
    Description,
    InputContract,
    InputPort,
    ManagementPort,
    OutputPort,
    Support,
    Synonym,
    Team,
    TeamMember,
    VerifiedStatement,
)
from pairlab.catalog.odps_schema import published
from pairlab.cli import main

STANDARD = Path(__file__).resolve().parent / "fixtures" / "standard"
RETAIL = "6f1c2a9e-4b7d-4e21-9a3f-0c5d8e7b1a42"
# Each model class and the object of ODPS's published v1.1.0 schema it stands for: the model has
# every field the standard defines and no other, and requires what v1.1.0 requires (v1.0.0's
# stricter requirements are named by `version_findings`, from the two schemas' difference).
MODELS = {
    DataProduct: "#",
    Description: "#/$defs/Description",
    CustomProperty: "#/$defs/CustomProperty",
    AuthoritativeDefinition: "#/$defs/AuthoritativeDefinition",
    InputPort: "#/$defs/InputPort",
    OutputPort: "#/$defs/OutputPort",
    SBOM: "#/$defs/SBOM",
    InputContract: "#/$defs/InputContract",
    ManagementPort: "#/$defs/ManagementPort",
    Support: "#/$defs/Support",
    Team: "#/$defs/Team",
    TeamMember: "#/$defs/TeamMember",
    Synonym: "#/$defs/Synonym",
    Context: "#/$defs/Context",
    VerifiedStatement: "#/$defs/Context/properties/verifiedStatements/items",
    Constraint: "#/$defs/Context/properties/constraints/items",
}


@pytest.mark.parametrize("model", list(MODELS), ids=lambda m: m.__name__)
def test_the_model_has_every_field_of_the_standard_and_no_other(model) -> None:
    node = published("v1.1.0")
    for part in MODELS[model].lstrip("#").strip("/").split("/") if MODELS[model] != "#" else ():
        node = node[part]
    assert set(model.model_fields) == set(node["properties"])
    required = {n for n, f in model.model_fields.items() if f.is_required()}
    assert required == set(node.get("required", ()))


def test_documents_written_to_the_standards_index_without_errors() -> None:
    catalog = load_catalog([STANDARD])
    assert catalog.problems == []
    assert sorted(e.id for e in catalog.entries) == [RETAIL, "legacy-claims-feed", "simple-orders"]
    [notice] = catalog.notices
    assert notice.file.endswith("legacy-v09/dataproduct.yaml") and "v0.9.0" in notice.rule
    # pairlab's expectations are policy findings, named, and never problems of the catalog
    assert {(p.level, p.policy) for p in catalog.policy} >= {
        ("policy", "value-hypothesis"),
        ("policy", "owner"),
        ("policy", "contract-columns"),
    }
    simple = catalog.get("simple-orders")
    assert simple is not None and simple.version == "" and simple.owner == ""
    assert [p.name for p in simple.outputs] == ["processed-data"] and simple.tables == ("orders",)
    retail = catalog.get(RETAIL)
    assert retail is not None and retail.owner == "ines.baptiste" and retail.team == "customer-360"
    # two versions of one port: each its own port, the second with its contract's columns
    assert [(p.name, len(p.columns)) for p in retail.outputs] == [
        ("households", 0), ("households", 2), ("households-audit", 0),
    ]  # fmt: skip
    assert catalog.search("household claims")[0].entry.id == RETAIL


def test_every_standard_field_is_read() -> None:
    product, problems = lint_product(STANDARD / "retail-customer")
    assert product is not None and all(p.level == "policy" for p in problems)
    d = product.descriptor
    assert d.version == "v2.1.0" and d.tenant == "NorthwindMutual"
    assert d.productCreatedTs is not None and d.productCreatedTs.year == 2024
    assert d.team is not None and d.team.members[1].dateOut == date(2024, 6, 30)
    assert d.team.members[0].description == "Leads household matching."
    assert d.team.members[1].replacedByUsername == "lena.varga"
    assert d.outputPorts[1].sbom[0].url.startswith("https://")
    assert d.outputPorts[1].inputContracts[0].version == "v2.0.0"
    assert d.inputPorts[1].custom("columns") == ["customer_id", "region"]
    assert [m.type for m in d.managementPorts] == ["rest", "topic"]
    assert d.support[1].url == "mailto:households@example.org"
    assert d.description is not None and d.description.customProperties[0].value == "quarterly"


def _write(tmp_path: Path, change) -> Path:
    folder = tmp_path / "product"
    shutil.copytree(STANDARD / "simple-orders", folder)
    path = folder / "dataproduct.yaml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return folder


BROKEN = [
    (lambda d: d.update(desciption={"purpose": "x"}), "desciption", "Extra inputs"),
    (lambda d: d.pop("status"), "status", "Field required"),
    (lambda d: d.update(apiVersion="v2.0.0"), "apiVersion", "'v1.0.0'"),
    (lambda d: d["outputPorts"][0].pop("version"), "outputPorts[0].version", "Field required"),
    (lambda d: d.update(team={"members": [{"username": "a", "dateIn": "soon"}]}),
     "team.members[0].dateIn", "date"),
    (lambda d: d.update(support=[{"channel": "c", "url": "not a uri"}]), "support[0].url",
     "pattern"),
    (lambda d: d["outputPorts"].append(dict(d["outputPorts"][0])), "outputPorts", "listed twice"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "field", "words"), BROKEN, ids=case_id)
def test_a_broken_standard_is_an_error_naming_the_field(tmp_path, change, field, words) -> None:
    _, problems = lint_product(_write(tmp_path, change))
    standard = [p for p in problems if p.level == "standard"]
    assert any(p.field == field and words in p.rule for p in standard), problems


def test_yaml_errors_name_file_line_and_column(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "dataproduct.yaml").write_text("apiVersion: v1.0.0\nkind: DataProduct\nid: [x\n")
    catalog = load_catalog([tmp_path])
    [problem] = catalog.problems
    assert problem.file == f"{folder.as_posix()}/dataproduct.yaml"
    assert problem.rule.startswith("not valid YAML at line 4, column 1: ")


def test_a_contract_without_objects_is_policy_not_an_error() -> None:
    data = yaml.safe_load((STANDARD / "retail-customer/contracts/audit.odcs.yaml").read_text())
    contract, found = validate_contract(data, "audit.odcs.yaml")
    assert contract is not None
    assert [(f.level, f.severity, f.policy) for f in found] == [
        ("policy", "warning", "contract-columns")
    ]


def run(capsys, *args: str) -> tuple[int, str, str]:
    """Run the CLI and return (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def test_lint_checks_the_standard_by_default_and_policy_when_asked(capsys) -> None:
    code, out, _ = run(capsys, "catalog", "lint", str(STANDARD))
    assert code == 0 and out.splitlines()[-1] == (
        "checked 5 document(s): 0 error(s), 0 warning(s), 1 notice(s)"
    )
    assert out.startswith("notice: ") and "policy" not in out
    code, out, _ = run(capsys, "catalog", "lint", str(STANDARD), "--policy")
    assert code == 1
    assert "policy error [owner]: " in out and "policy warning [contract-columns]: " in out
    code, out, _ = run(capsys, "catalog", "lint", str(STANDARD / "retail-customer"), "--json")
    assert code == 0 and json.loads(out)["findings"] == []


def test_lint_with_only_policy_warnings_passes(capsys, catalog_copy: Path) -> None:
    contract = catalog_copy / "customer-portfolio" / "contracts" / "customer_portfolio.odcs.yaml"
    data = yaml.safe_load(contract.read_text())
    del data["schema"][0]["properties"][0]["logicalType"]
    contract.write_text(yaml.safe_dump(data, sort_keys=False))
    code, out, _ = run(capsys, "catalog", "lint", str(catalog_copy), "--policy")
    assert code == 0 and "policy warning [column-types]: " in out


def test_lint_reads_single_files_and_fails_on_broken_ones(capsys, tmp_path: Path) -> None:
    contract = STANDARD / "retail-customer" / "contracts" / "households.odcs.yaml"
    assert run(capsys, "catalog", "lint", str(contract), "--policy")[0] == 0
    broken = tmp_path / "x.odcs.yaml"
    broken.write_text("kind: DataContract\nid: a\nschema: [\n")
    code, out, _ = run(capsys, "catalog", "lint", str(broken))
    assert code == 1 and f"error: {broken.as_posix()}: (file): not valid YAML at line 4" in out


@pytest.mark.parametrize(
    ("content", "words"),
    [(None, "does not exist"), ("kind: Other\n", "neither an ODPS data product nor")],
)
def test_lint_bad_input_is_exit_2(capsys, tmp_path: Path, content, words) -> None:
    path = tmp_path / "thing.yaml"
    if content:
        path.write_text(content)
    code, out, err = run(capsys, "catalog", "lint", str(path))
    assert code == 2 and out == "" and words in err and len(err.splitlines()) == 1
