"""The guide's "Similar products": catalog products that already use the notebook's tables."""

import shutil

import pytest
import yaml
from playwright.sync_api import Page, expect

from pairlab.resources import samples_dir

pytestmark = pytest.mark.browser


def test_similar_products_follow_the_notebook(page: Page, own_lab, write_notebook):
    lab, _ = own_lab
    name = write_notebook(
        lab.root,
        "pricing.ipynb",
        "from pairlab.warehouse import connect\ncon = connect()",
        'claims = con.table("claims")\npremiums = con.table("premiums")',
    )
    write_notebook(lab.root, "empty.ipynb", "x = 1")
    page.goto(lab.url(f"lab/workspaces/similar/tree/{name}"))
    similar = page.locator("#pairlab-guide .jp-pairlab-similar")
    products = similar.locator(".jp-pairlab-similar-product")
    expect(products.first).to_be_visible()
    ids = products.evaluate_all("nodes => nodes.map(n => n.dataset.productId)")
    assert ids[0] == "claims-frequency-by-region"
    expect(products.first).to_contain_text("reads claims")

    page.goto(lab.url("lab/workspaces/similar/tree/empty.ipynb"))
    expect(similar).to_contain_text("This notebook queries no warehouse tables yet.")


@pytest.fixture
def reviewed_catalog(tmp_path, monkeypatch):
    """The sample catalog with claims-frequency-by-region kept by a review, as the lab's."""
    catalog = tmp_path / "reviewed-catalog"
    shutil.copytree(
        samples_dir() / "catalog", catalog, ignore=shutil.ignore_patterns("__pycache__")
    )
    path = catalog / "claims-frequency-by-region" / "dataproduct.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    review = {"date": "2026-12-31", "decision": "keep", "measured": 3, "threshold": 2}
    data.setdefault("customProperties", []).append({"property": "reviews", "value": [review]})
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("PAIRLAB_CATALOG", str(catalog))
    return catalog


def test_similar_products_show_the_last_review(
    page: Page, reviewed_catalog, own_lab, write_notebook
):
    lab, _ = own_lab
    name = write_notebook(lab.root, "pricing.ipynb", "from pairlab.warehouse import connect\n"
                          'claims = connect().table("claims")')  # fmt: skip
    page.goto(lab.url(f"lab/workspaces/similar-review/tree/{name}"))
    similar = page.locator("#pairlab-guide .jp-pairlab-similar")
    kept = similar.locator('[data-product-id="claims-frequency-by-region"]')
    expect(kept.locator(".jp-pairlab-similar-decision")).to_have_text(
        "Last review: kept on 2026-12-31"
    )
    # A product no review decided shows no decision line.
    other = similar.locator('[data-product-id="claims-settlement-times"]')
    expect(other).to_be_visible()
    expect(other.locator(".jp-pairlab-similar-decision")).to_have_count(0)
