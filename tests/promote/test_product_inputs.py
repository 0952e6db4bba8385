"""Promote a notebook that reads a published product: its input port points at the product."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from pairlab.catalog import load_catalog, validate_product
from pairlab.catalog.lineage import lineage
from pairlab.products import SAMPLE_NAME, seed_sample
from pairlab.promote import analyse, promote
from pairlab.warehouse import generate

KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}
READ_BY_NAME = f'kpis = products.read("{SAMPLE_NAME}").to_pandas()'
READ_BY_SQL = (
    "con = connect()\n"
    "kpis = con.sql(\n"
    '    "SELECT region, claims, exposure_years "\n'
    '    "FROM products.claims_frequency_by_region__monthly_claims_kpis"\n'
    ").to_pandas()"
)


def code(source: str, count: int, *tags: str) -> dict[str, Any]:
    """Return a code cell run as the `count`-th execution."""
    meta: dict[str, Any] = {"tags": list(tags)} if tags else {}
    return {"cell_type": "code", "execution_count": count, "metadata": meta, "outputs": [],
            "source": source}  # fmt: skip


def write_notebook(path: Path, read: str) -> Path:
    """Write a pricing analyst's notebook: read the sample product, then the busiest regions."""
    cells = [
        code("top = 3", 1, "parameters"),
        code("from pairlab import products\nfrom pairlab.warehouse import connect", 2),
        code(read, 3),
        code(
            "def busiest_regions(kpis, top):\n"
            '    """Return the `top` regions by claims per exposure year."""\n'
            '    frame = kpis.groupby("region", as_index=False)[["claims", "exposure_years"]]'
            ".sum()\n"
            '    frame["frequency"] = (frame["claims"] / frame["exposure_years"]).round(4)\n'
            '    frame = frame.sort_values(["frequency", "region"], ascending=[False, True])\n'
            "    return frame.head(top).reset_index(drop=True)",
            4,
        ),
        code("result = busiest_regions(kpis, top)\nresult", 5),
    ]
    for i, cell in enumerate(cells):
        cell["id"] = f"c{i:02d}"
    meta = {"kernelspec": KERNEL, "language_info": {"name": "python"}}
    data = {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Return (warehouse, catalog) with the sample product published, as lesson 2 has it."""
    root = tmp_path_factory.mktemp("reuse-inputs")
    warehouse = generate(root / "warehouse.duckdb", 0.01, 42).path
    assert seed_sample(root, warehouse, with_catalog=True) is not None
    return warehouse, root / "catalog"


@pytest.fixture(autouse=True)
def _reads_the_published_product(
    published: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Point the notebook's kernel at the warehouse and catalog holding the sample product."""
    monkeypatch.setenv("PAIRLAB_WAREHOUSE_PATH", str(published[0]))
    monkeypatch.setenv("PAIRLAB_CATALOG", str(published[1]))
    monkeypatch.setenv("PAIRLAB_USAGE_OUTBOX", str(tmp_path / "outbox"))  # reads stay private


def input_ports(product: Path) -> list[dict[str, Any]]:
    """Return the promoted descriptor's input ports."""
    data = yaml.safe_load((product / "dataproduct.yaml").read_text(encoding="utf-8"))
    return list(data["inputPorts"])


@pytest.mark.parametrize("read", [READ_BY_NAME, READ_BY_SQL], ids=["products.read", "sql"])
def test_analysis_names_the_product_read_not_its_table(read: str, tmp_path: Path) -> None:
    analysis = analyse(write_notebook(tmp_path / "pricing.ipynb", read))
    assert analysis.input_products == [SAMPLE_NAME]
    assert analysis.input_tables == []


@pytest.mark.kernel
def test_promote_writes_an_input_port_pointing_at_the_product(
    published: tuple[Path, Path], tmp_path: Path
) -> None:
    notebook = write_notebook(tmp_path / "pricing.ipynb", READ_BY_NAME)
    outcome = promote(notebook, "busiest-regions", tmp_path / "product", checks=False,
                      echo=lambda _: None)  # fmt: skip
    assert outcome.verdicts and all(v.same for v in outcome.verdicts.values()), outcome.verdicts
    ports = input_ports(tmp_path / "product")
    assert ports == [{"name": SAMPLE_NAME, "version": "v1", "contractId": SAMPLE_NAME}]
    validate_product(tmp_path / "product")  # the standard's schema takes the port
    # ... and the catalog's lineage draws the new product built on the sample one.
    edges = lineage(load_catalog([published[1], tmp_path]).entries).edges
    assert ("product:claims-frequency-by-region", "product:busiest-regions") in edges
    assert not any(e[0].startswith("table:") and e[1] == "product:busiest-regions" for e in edges)
