"""The index over the sample catalog: search ranking, overlap, roots, and bad input per file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from pairlab.catalog import load_catalog
from pairlab.catalog.index import ENV, default_roots, find_products
from pairlab.catalog.lineage import lineage
from pairlab.catalog.search import stem, tokens
from pairlab.errors import BadInput
from pairlab.resources import samples_dir

SAMPLE = samples_dir() / "catalog"
OVERLAPPING = "claims-frequency-by-region"
LESSON_TABLES = "policies premiums claims"


def test_the_sample_catalog_is_valid_and_complete() -> None:
    catalog = load_catalog(strict=True)
    assert catalog.problems == []
    assert catalog.roots == (SAMPLE,)
    statuses = {e.id: e.status for e in catalog.entries}
    assert len(statuses) == 5 and statuses["loss-ratio-by-line-legacy"] == "deprecated"
    assert {"policies", "premiums", "claims", "customers", "claim_payments"} == {
        t for e in catalog.entries for t in e.tables
    }
    overlapping = catalog.get(OVERLAPPING)
    assert overlapping is not None and overlapping.owner == "mira.koenig"
    columns = [c.name for c in overlapping.outputs[0].columns]
    assert columns[:3] == ["month", "product_line", "region"] and "loss_ratio" in columns


@pytest.mark.parametrize(
    "query",
    [
        LESSON_TABLES,
        "claims premiums policies",
        "monthly claims frequency and loss ratio by product line and region",
        "loss ratio region",
        "frequency",
        "freq",  # a prefix of a word
    ],
)
def test_the_overlapping_product_ranks_first(query: str) -> None:
    hits = load_catalog().search(query)
    assert hits[0].entry.id == OVERLAPPING


def test_ranking_weighs_fields_and_status() -> None:
    catalog = load_catalog()
    hits = catalog.search(LESSON_TABLES)
    assert "tables" in hits[0].matched
    ids = [h.entry.id for h in hits]
    # The deprecated yearly product reads the same three tables, but ranks below the live one.
    assert ids.index(OVERLAPPING) < ids.index("loss-ratio-by-line-legacy")
    assert catalog.search("segment")[0].entry.id == "customer-portfolio"  # a column name
    assert catalog.search("marketing")[0].entry.id == "customer-portfolio"  # the domain
    assert catalog.search("broker")[0].entry.id == "premium-by-channel"  # tag and purpose
    assert catalog.search("staffs perils")[0].entry.id == "claims-settlement-times"  # purpose
    assert catalog.search("zebra") == [] and catalog.search("") == []
    assert len(catalog.search("claims", limit=2)) == 2


def test_words_are_split_and_stemmed() -> None:
    assert tokens("loss_ratio by Product-Line, Policies") == [
        "loss", "ratio", "by", "product", "line", "policy",
    ]  # fmt: skip
    assert (stem("claims"), stem("class"), stem("is")) == ("claim", "class", "is")


def test_overlap_by_table() -> None:
    found = load_catalog().overlap(["policies", "premiums", "claims"])
    assert found[0].entry.id == OVERLAPPING
    assert found[0].targets == {"policies", "premiums", "claims"}
    assert [o.entry.id for o in found][:2] == [OVERLAPPING, "loss-ratio-by-line-legacy"]
    assert found[-1].entry.id == "customer-portfolio"  # reads policies only
    assert found[0].to_json()["output_ports"] == [
        {"name": "monthly_claims_kpis", "contract_id": f"{OVERLAPPING}.monthly_claims_kpis"}
    ]


def test_overlap_by_column() -> None:
    catalog = load_catalog()
    incurred = catalog.overlap(["claims.incurred"])
    # The settlement product reads claims but not incurred: a column query leaves it out.
    assert [o.entry.id for o in incurred] == [OVERLAPPING, "loss-ratio-by-line-legacy"]
    assert [(m.how, m.detail) for m in incurred[0].matches] == [
        ("reads", "input port claims reads incurred"),
        ("exposes", "monthly_claims_kpis.incurred"),
    ]
    segment = catalog.overlap(["warehouse.customers.segment"])
    assert [o.entry.id for o in segment] == ["customer-portfolio"]
    assert catalog.overlap(["claims.no_such_column"]) == []


def test_a_product_without_declared_columns_still_shows_for_a_column(catalog_copy: Path) -> None:
    path = catalog_copy / "claims-settlement-times" / "dataproduct.yaml"
    data = yaml.safe_load(path.read_text())
    for port in data["inputPorts"]:
        port.pop("customProperties")
    path.write_text(yaml.safe_dump(data))
    found = load_catalog([catalog_copy]).overlap(["claims_payments.amount", "claims.incurred"])
    how = {o.entry.id: [m.how for m in o.matches] for o in found}
    assert how["claims-settlement-times"] == ["reads the table"]


@pytest.mark.parametrize("bad", ["", "a.b.c", "claims.", ".incurred"])
def test_bad_targets_are_refused(bad: str) -> None:
    with pytest.raises(BadInput, match=r"TABLE or TABLE\.COLUMN"):
        load_catalog().overlap([bad])
    with pytest.raises(BadInput, match="no table or column given"):
        load_catalog().overlap([])


def test_used_by_lists_the_readers_of_a_table() -> None:
    catalog = load_catalog()
    assert [e.id for e in catalog.used_by("customers")] == ["customer-portfolio"]
    assert len(catalog.used_by("policies")) == 5 and catalog.used_by("nope") == []


def test_roots_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, catalog_copy: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    (other / "team-a").mkdir(parents=True)
    monkeypatch.setenv(ENV, f"{catalog_copy / 'customer-portfolio'}{os.pathsep}{other}")
    assert default_roots() == [catalog_copy / "customer-portfolio", other]
    assert [e.id for e in load_catalog().entries] == ["customer-portfolio"]
    monkeypatch.setenv(ENV, "")
    assert default_roots() == [SAMPLE]


def test_several_roots_and_nested_folders(catalog_copy: Path, tmp_path: Path) -> None:
    nested = tmp_path / "git-checkout" / "products" / "team-b"
    nested.parent.mkdir(parents=True)
    (catalog_copy / "premium-by-channel").rename(nested)
    (tmp_path / "git-checkout" / ".git" / "x").mkdir(parents=True)
    (tmp_path / "git-checkout" / ".git" / "x" / "dataproduct.yaml").write_text("not: indexed")
    catalog = load_catalog([catalog_copy, tmp_path / "git-checkout"])
    assert catalog.problems == []
    assert len(catalog.entries) == 5 and catalog.get("premium-by-channel") is not None
    assert find_products(tmp_path / "git-checkout") == [nested]


def test_a_missing_root_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="is not a folder"):
        load_catalog([tmp_path / "nope"])


def test_bad_products_are_reported_per_file_and_the_rest_indexed(catalog_copy: Path) -> None:
    (catalog_copy / "customer-portfolio" / "dataproduct.yaml").write_text("id: [unclosed\n")
    (
        catalog_copy / "premium-by-channel" / "contracts" / "monthly_written_premium.odcs.yaml"
    ).unlink()
    twin = catalog_copy / "zz-twin"
    shutil.copytree(catalog_copy / "claims-settlement-times", twin)
    catalog = load_catalog([catalog_copy])
    problems = [str(p) for p in catalog.problems]
    assert len(problems) == 3, problems
    broken, missing, duplicate = sorted(problems, key=lambda p: ("yaml" not in p, "twin" in p))
    assert "customer-portfolio/dataproduct.yaml: (file): not valid YAML" in broken
    assert (
        "premium-by-channel/contracts/monthly_written_premium.odcs.yaml: (file): the file does "
        "not exist" in missing
    )
    assert "zz-twin/dataproduct.yaml: id: id 'claims-settlement-times' is already used" in duplicate
    ids = sorted(e.id for e in catalog.entries)
    # The product with the missing contract is still found by its tables; the twin is not.
    assert ids == [
        OVERLAPPING, "claims-settlement-times", "loss-ratio-by-line-legacy", "premium-by-channel",
    ]  # fmt: skip
    assert catalog.search("channel")[0].entry.id == "premium-by-channel"


def test_lineage_runs_from_tables_through_products_to_consumers(catalog_copy: Path) -> None:
    path = catalog_copy / "premium-by-channel" / "dataproduct.yaml"
    data = yaml.safe_load(path.read_text())
    data["inputPorts"].append(
        {"name": "kpis", "version": "1", "contractId": f"{OVERLAPPING}.monthly_claims_kpis"}
    )
    path.write_text(yaml.safe_dump(data))
    graph = lineage(load_catalog([catalog_copy]).entries)
    kinds = [{n.kind for n in layer} for layer in graph.layers]
    assert kinds == [{"table"}, {"product"}, {"product"}, {"consumer"}]
    assert [n.id for n in graph.layers[2]] == ["product:premium-by-channel"]
    assert ("table:claims", f"product:{OVERLAPPING}") in graph.edges
    assert (f"product:{OVERLAPPING}", "product:premium-by-channel") in graph.edges
    assert (f"product:{OVERLAPPING}", "consumer:pricing review dashboard") in graph.edges
