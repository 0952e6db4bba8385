"""The guide's "Similar products": catalog products that already use the notebook's tables."""

import pytest
from playwright.sync_api import Page, expect

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
