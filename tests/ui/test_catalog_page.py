"""The static catalog page in real Chromium: offline, a search box, and products found by it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from pairlab.catalog import load_catalog
from pairlab.catalog.html import write_html

pytestmark = pytest.mark.browser


@pytest.fixture
def catalog_page(page: Page, tmp_path: Path) -> Page:
    """Open the sample catalog's page from a file, refusing every request that leaves it."""
    out = write_html(load_catalog(), tmp_path / "catalog.html")
    outside: list[str] = []

    def refuse(route) -> None:  # the page must work offline: anything fetched is a failure
        outside.append(route.request.url)
        route.abort()

    page.route("http*://**/*", refuse)
    page.goto(out.as_uri())
    yield page
    assert outside == []


def test_the_search_box_finds_a_product(catalog_page: Page) -> None:
    page = catalog_page
    search = page.get_by_role("searchbox", name="Search the catalog")
    expect(search).to_be_visible()
    expect(page.locator("#count")).to_have_text("5 of 5 products")
    search.fill("loss ratio")
    cards = page.locator("#results > li:not([hidden])")
    expect(cards.first).to_have_attribute("data-id", "claims-frequency-by-region")
    expect(page.locator("#count")).to_have_text("2 of 5 products")
    expect(cards.nth(1)).to_have_attribute("data-id", "loss-ratio-by-line-legacy")  # deprecated
    expect(page.locator("#card-customer-portfolio")).to_be_hidden()
    # The lineage graph marks the matches.
    node = page.locator('#lineage g.product[data-id="claims-frequency-by-region"]')
    expect(node).to_have_class("node product active match")
    search.fill("segment")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Customer portfolio by region and segment")
    search.fill("")
    expect(page.locator("#count")).to_have_text("5 of 5 products")


def test_the_lineage_graph_shows_tables_products_and_consumers(catalog_page: Page) -> None:
    graph = catalog_page.locator("#lineage")
    expect(graph).to_be_visible()
    expect(graph.locator("g.table")).to_have_count(5)
    expect(graph.locator("g.product")).to_have_count(5)
    expect(graph.locator("g.consumer")).to_have_count(6)
    expect(graph.locator('g.table[data-id="claim_payments"]')).to_contain_text("claim_payments")
    expect(graph.locator("g.product.deprecated")).to_have_count(1)
