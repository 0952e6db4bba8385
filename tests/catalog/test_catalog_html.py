"""The static catalog page without a browser: escaping, data, problems, the lineage SVG."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from pairlab.catalog import load_catalog
from pairlab.catalog.html import render_html, render_svg, write_html
from pairlab.catalog.lineage import lineage


def test_the_page_holds_every_product_and_the_graph() -> None:
    catalog = load_catalog()
    page = render_html(catalog)
    for entry in catalog.entries:
        assert f'id="card-{entry.id}"' in page and f'data-id="{entry.id}"' in page
    data = re.search(r'<script type="application/json" id="catalog-data">(.*?)</script>', page)
    assert data is not None and len(json.loads(data.group(1))) == 5
    svg = render_svg(lineage(catalog.entries))
    assert svg.count('class="node table') == 5 and svg.count('class="edge"') > 10


def test_text_from_descriptors_is_escaped(catalog_copy: Path, tmp_path: Path) -> None:
    path = catalog_copy / "customer-portfolio" / "dataproduct.yaml"
    data = yaml.safe_load(path.read_text())
    data["name"] = "<script>alert(1)</script>"
    data["description"]["purpose"] = "</script><b>bold</b>"
    path.write_text(yaml.safe_dump(data))
    out = write_html(load_catalog([catalog_copy]), tmp_path / "page.html")
    page = out.read_text()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "</script><b>" not in page  # nor can the embedded JSON close its script element
    assert not (tmp_path / ".page.html.tmp").exists()


def test_problems_are_listed_on_the_page(catalog_copy: Path) -> None:
    (catalog_copy / "premium-by-channel" / "dataproduct.yaml").write_text("id: [\n")
    page = render_html(load_catalog([catalog_copy]))
    assert "Not indexed or flawed" in page and "premium-by-channel/dataproduct.yaml" in page
