"""The explorer's model names the catalog products that read the picked table; no browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairlab.catalog import load_catalog
from pairlab.explorer import ExplorerModel, explore, render_used_by
from pairlab.warehouse import connect


@pytest.fixture
def con():
    """Return a connection to the tests' warehouse."""
    backend = connect()
    yield backend
    backend.disconnect()


def test_used_by_follows_the_picked_table(con) -> None:
    model = ExplorerModel(con, catalog=load_catalog())
    model.select("customers")
    assert [e.id for e in model.used_by] == ["customer-portfolio"]
    model.select("claims")
    assert [e.id for e in model.used_by] == [
        "claims-frequency-by-region", "claims-settlement-times", "loss-ratio-by-line-legacy",
    ]  # fmt: skip
    html = render_used_by(model)
    assert "<b>used by</b> 3 catalog product(s)" in html and "owner mira.koenig" in html


def test_used_by_reads_the_default_catalog(con, monkeypatch, tmp_path: Path) -> None:
    model = ExplorerModel(con)  # no catalog given: $PAIRLAB_CATALOG, else the sample
    model.select("premiums")
    assert len(model.used_by) == 3
    monkeypatch.setenv("PAIRLAB_CATALOG", str(tmp_path / "missing"))
    broken = ExplorerModel(con)
    assert broken.used_by == []
    assert "catalog root" in broken.catalog_error
    assert "catalog not read" in render_used_by(broken)


def test_a_table_no_product_reads(con, tmp_path: Path) -> None:
    model = ExplorerModel(con, catalog=load_catalog([tmp_path]))
    assert model.used_by == []
    assert render_used_by(model) == ("<b>used by</b>: no catalog product reads claim_payments yet")


def test_the_widget_shows_used_by(con) -> None:
    widget = explore(con, catalog=load_catalog())
    widget.table_picker.value = "customers"
    assert "customer-portfolio" in widget.used_by_view.value
