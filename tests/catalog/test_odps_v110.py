"""ODPS v1.1.0 next to v1.0.0: new fields read, named when misplaced, synonyms found, deprecated
ranked down and marked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from pairlab.catalog import load_catalog
from pairlab.catalog.descriptor import lint_product
from pairlab.catalog.odps import expand
from pairlab.catalog.odps_schema import published, schema_errors
from pairlab.cli import main

STANDARD = Path(__file__).resolve().parent / "fixtures" / "standard"
RETAIL = "6f1c2a9e-4b7d-4e21-9a3f-0c5d8e7b1a42"


def _edit(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def _to_v110(data: dict[str, Any]) -> None:
    """Upgrade the upstream-style retail example with every v1.1.0 field, at every level."""
    data.update(apiVersion="v1.1.0", type="consumerAligned", deprecated=False)
    data["synonyms"] = [
        {"synonym": "Golden household record", "source": "data-governance"},
        {"id": "menage-fr", "synonym": "Référentiel ménage", "locale": "fr-FR"},
    ]
    data["context"] = {
        "instructions": "Use households for one row per household.",
        "verifiedStatements": [{"question": "How many households?", "answer": "Count rows."}],
        "constraints": [{"constraint": "No single person's data.", "tags": ["pii"]}],
    }
    first = data["outputPorts"][0]
    first.update(deprecated=True, id="households-v1", context={"instructions": "Use v2."})
    first["synonyms"] = [{"synonym": "family units", "status": "deprecated"}]
    second = data["outputPorts"][1]
    second["sbom"][0].update(id="sbom-runtime", tags=["cyclonedx"])
    data["inputPorts"][0].update(deprecated=False, id="crm-in")
    data["customProperties"] = [{"property": "costCentre", "value": "CC-12", "vendor": "sap"}]
    data["managementPorts"][0].update(deprecated=True, url="${OBSERVE_URL}/households")


@pytest.fixture
def v110(tmp_path: Path) -> Path:
    """Return a catalog of the upstream-style examples, the retail one upgraded to v1.1.0."""
    root = tmp_path / "catalog"
    shutil.copytree(STANDARD, root)
    _edit(root / "retail-customer" / "dataproduct.yaml", _to_v110)
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def test_v110_catalog_loads_lints_and_is_found_by_a_synonym(v110: Path, capsys) -> None:
    catalog = load_catalog([v110])
    assert catalog.problems == []
    retail = catalog.get(RETAIL)
    assert retail is not None and retail.type == "consumerAligned"
    assert retail.synonyms == ("Golden household record", "Référentiel ménage")
    assert [p.deprecated for p in retail.outputs] == [True, False, False]
    [hit] = catalog.search("golden record")
    assert hit.entry.id == RETAIL and hit.matched[0] == "synonyms"
    assert catalog.search("family units")[0].entry.id == RETAIL  # a port's synonym
    code, out, _ = run(capsys, "catalog", "search", "golden record", "--root", str(v110))
    assert code == 0 and out.splitlines()[0].endswith("[port households deprecated]")
    code, out, _ = run(capsys, "catalog", "lint", str(v110))
    assert code == 0 and "0 error(s)" in out.splitlines()[-1]
    product, problems = lint_product(v110 / "retail-customer", schema=True)  # + JSON Schema
    assert product is not None and [p for p in problems if p.level == "standard"] == []
    assert product.descriptor.managementPorts[0].url == "${OBSERVE_URL}/households"


def test_a_v110_field_in_a_v100_document_names_the_version_that_allows_it(tmp_path) -> None:
    folder = tmp_path / "simple"
    shutil.copytree(STANDARD / "simple-orders", folder)
    _edit(folder / "dataproduct.yaml", lambda d: d.update(type="consumerAligned"))
    _edit(folder / "dataproduct.yaml", lambda d: d["outputPorts"][0].update(deprecated=True))
    product, problems = lint_product(folder)
    assert product is None
    assert [(p.field, p.rule) for p in problems] == [
        ("type", "not a field of ODPS v1.0.0; ODPS v1.1.0 allows it: set apiVersion: v1.1.0"),
        ("outputPorts[0].deprecated",
         "not a field of ODPS v1.0.0; ODPS v1.1.0 allows it: set apiVersion: v1.1.0"),
    ]  # fmt: skip


def test_a_field_no_version_defines_says_so_and_where_it_belongs(v110: Path) -> None:
    path = v110 / "retail-customer" / "dataproduct.yaml"
    _edit(path, lambda d: d["inputPorts"][0].update(synonyms=[{"synonym": "x"}]))
    _, problems = lint_product(v110 / "retail-customer")
    [problem] = [p for p in problems if p.level == "standard"]
    assert problem.field == "inputPorts[0].synonyms"  # v1.1.0 allows synonyms only on two levels
    assert "no ODPS version up to v1.1.0 defines this field" in problem.rule
    assert "customProperties" in problem.rule


def test_deprecated_products_rank_down_and_are_marked(tmp_path: Path, capsys) -> None:
    root = tmp_path / "catalog"
    for name, deprecated in (("orders-old", True), ("orders-new", False)):
        shutil.copytree(STANDARD / "simple-orders", root / name)
        _edit(
            root / name / "dataproduct.yaml",
            lambda d, n=name, dep=deprecated: d.update(
                apiVersion="v1.1.0", id=n, status="active", deprecated=dep
            ),
        )
    catalog = load_catalog([root])
    hits = catalog.search("orders cleaned")
    assert [h.entry.id for h in hits] == ["orders-new", "orders-old"]
    assert hits[1].score == pytest.approx(hits[0].score * 0.5)
    code, out, _ = run(capsys, "catalog", "search", "orders cleaned", "--root", str(root))
    assert code == 0
    assert out.splitlines()[1].endswith("[deprecated]") and "[" not in out.splitlines()[0]
    code, out, _ = run(capsys, "catalog", "search", "orders", "--root", str(root), "--json")
    assert [r["deprecated"] for r in json.loads(out)["results"]] == [False, True]


def test_the_published_schemas_come_with_the_standards_cli() -> None:
    for version in ("v1.0.0", "v1.1.0"):
        assert published(version)["title"] == "Open Data Product Standard (ODPS)"
    assert published("v1.1.0")["properties"]["apiVersion"]["default"] == "v1.1.0"
    doc = {"apiVersion": "v1.1.0", "kind": "DataProduct", "id": "x", "status": "active"}
    assert list(schema_errors({**doc, "synonyms": [{"synonym": "y"}]})) == []
    [(where, message)] = schema_errors({**doc, "synonyms": [{"locale": "fr"}]})
    assert where == ("synonyms", 0) and "'synonym' is a required property" in message
    [(where, _)] = schema_errors({**doc, "apiVersion": "v1.0.0", "deprecated": True})
    assert where == ()  # v1.0.0's published schema has no `deprecated`


V110 = {"apiVersion": "v1.1.0", "kind": "DataProduct", "id": "p"}
V100 = {**V110, "apiVersion": "v1.0.0", "status": "active"}
PORT = {"name": "out", "version": "1.0.0"}
# (case, document): the model and the published schema must agree on each, either way.
AGREEMENT = [
    ("v1.1.0 needs no status", V110),
    ("v1.0.0 needs a status", {k: v for k, v in V100.items() if k != "status"}),
    ("v1.1.0 port without version", {**V110, "outputPorts": [{"name": "out"}]}),
    ("v1.0.0 port without version", {**V100, "outputPorts": [{"name": "out"}]}),
    ("v1.1.0 input port, name only", {**V110, "inputPorts": [{"name": "in"}]}),
    ("v1.0.0 input port, name only", {**V100, "inputPorts": [{"name": "in"}]}),
    ("v1.1.0 sbom without url", {**V110, "outputPorts": [{**PORT, "sbom": [{"id": "s"}]}]}),
    ("v1.0.0 sbom without url", {**V100, "outputPorts": [{**PORT, "sbom": [{"type": "x"}]}]}),
    ("context as text", {**V110, "context": "use it well"}),
    ("context as object", {**V110, "context": {"instructions": "use it well"}}),
    ("statement without question", {**V110, "context": {"verifiedStatements": [{"answer": "1"}]}}),
    ("synonym without synonym", {**V110, "synonyms": [{"locale": "fr"}]}),
    ("synonyms on an input port", {**V110, "inputPorts": [{"name": "i", "synonyms": []}]}),
    ("id on a support channel, v1.1.0",
     {**V110, "support": [{"id": "s", "channel": "c", "url": "https://x"}]}),
    ("id on a support channel, v1.0.0",
     {**V100, "support": [{"id": "s", "channel": "c", "url": "https://x"}]}),
    ("vendor on a custom property",
     {**V110, "customProperties": [{"property": "p", "value": 1, "vendor": "v"}]}),
    ("deprecated is a boolean", {**V110, "deprecated": "yes"}),
    ("a field no version has", {**V110, "owner": "me"}),
    ("v0.9.0 read as v1.0.0", {**V100, "apiVersion": "v0.9.0"}),
]  # fmt: skip


@pytest.mark.parametrize(("case", "doc"), AGREEMENT, ids=[c for c, _ in AGREEMENT])
def test_the_model_agrees_with_the_published_schema(tmp_path: Path, case: str, doc: dict) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "dataproduct.yaml").write_text(yaml.safe_dump(doc))
    _, problems = lint_product(folder)
    model_ok = not [p for p in problems if p.level == "standard" and p.severity == "error"]
    schema_ok = not list(schema_errors(doc))
    assert model_ok == schema_ok, (case, problems, list(schema_errors(doc)))


def test_what_v110_made_optional_is_named_in_a_v100_document(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    doc = {**V100, "inputPorts": [{"name": "in", "version": "1"}]}
    (folder / "dataproduct.yaml").write_text(yaml.safe_dump(doc))
    _, problems = lint_product(folder)
    assert [(p.field, p.rule) for p in problems if p.level == "standard"] == [
        ("inputPorts[0].contractId", "Field required by ODPS v1.0.0 (v1.1.0 makes it optional)")
    ]


def test_variables_expand_from_the_environment_and_unset_ones_are_named() -> None:
    value = {"url": "${HOST}/x", "list": ["${USER_NAME}", 3]}
    assert expand(value, {"HOST": "https://h"}) == (
        {"url": "https://h/x", "list": ["${USER_NAME}", 3]},
        {"USER_NAME"},
    )


def test_a_v110_block_in_a_v100_document_is_named_once(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    doc = {**V100, "context": {"instructions": "x"}, "synonyms": [{"synonym": "y"}]}
    (folder / "dataproduct.yaml").write_text(yaml.safe_dump(doc))
    _, problems = lint_product(folder)
    assert [p.field for p in problems if p.level == "standard"] == ["context", "synonyms"]
