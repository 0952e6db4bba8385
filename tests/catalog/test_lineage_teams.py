"""The lineage's consumers gain the teams measured reading each product (from the usage store)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pairlab import usage
from pairlab.catalog import load_catalog
from pairlab.catalog.lineage import lineage
from pairlab.cli import main

FREQ, SETTLE = "claims-frequency-by-region", "claims-settlement-times"
AT = datetime(2026, 11, 2, 9, tzinfo=UTC)
PROGRAM = """
name = "Lineage"
central = "enablement"
[[teams]]
id = "enablement"
members = [{ name = "Tomas", role = "engineer", user = "tomas" }]
[[teams]]
id = "pricing"
members = [{ name = "Pia", role = "analyst", user = "pia" }]
"""


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Return a usage store holding reads of two products: teams stored, and one without."""
    monkeypatch.delenv("PAIRLAB_USAGE_DB", raising=False)
    monkeypatch.delenv("PAIRLAB_PROGRAM", raising=False)
    monkeypatch.chdir(tmp_path)  # no ./program.toml unless a test writes one
    url = f"sqlite:///{tmp_path / 'usage.sqlite'}"
    usage.Store(url).add(
        [
            usage.Read("k1", FREQ, "p", "ana", AT, team="customer"),
            usage.Read("k2", FREQ, "p", "ana", AT, team="customer"),  # same team: one edge
            usage.Read("k3", SETTLE, "p", "ben", AT, team="claims"),
            usage.Read("k4", FREQ, "p", "pia", AT),  # no team stored: only a program names it
        ],
        lambda _user: "",
    )
    return url


def html(*args: str) -> int:
    """Run `pairlab catalog html ...` as a user types it; return its exit code."""
    with pytest.raises(SystemExit) as done:
        main(["catalog", "html", *args])
    return int(done.value.code or 0)


def consumer_titles(page: str) -> set[str]:
    """Return the labels of the lineage's team consumers on a catalog page."""
    return set(re.findall(r"<title>consumer: (team [^<]+)</title>", page))


def test_lineage_draws_an_edge_from_each_product_to_each_reading_team() -> None:
    graph = lineage(load_catalog().entries, {FREQ: ["customer", "pricing"], SETTLE: ["claims"]})
    teams = {n.id for n in graph.layers[-1] if n.id.startswith("team:")}
    assert teams == {"team:customer", "team:pricing", "team:claims"}
    assert (f"product:{FREQ}", "team:customer") in graph.edges
    assert (f"product:{FREQ}", "team:pricing") in graph.edges
    assert (f"product:{SETTLE}", "team:claims") in graph.edges
    assert (f"product:{SETTLE}", "team:customer") not in graph.edges


def test_catalog_html_with_a_usage_store_shows_the_teams_stored_with_reads(
    store_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "page.html"
    assert html(str(out), "--usage-db", store_url) == 0
    assert consumer_titles(out.read_text()) == {"team customer", "team claims"}


def test_a_program_names_the_team_of_a_reader_stored_without_one(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    program = tmp_path / "program.toml"
    program.write_text(PROGRAM)
    monkeypatch.setenv("PAIRLAB_PROGRAM", str(program))
    monkeypatch.setenv("PAIRLAB_USAGE_DB", store_url)  # the store from the environment
    out = tmp_path / "page.html"
    assert html(str(out)) == 0
    # Only the program's teams count: customer and claims are not in this program.
    assert consumer_titles(out.read_text()) == {"team pricing"}


def test_without_a_usage_store_the_lineage_has_no_measured_teams(
    store_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "page.html"
    assert html(str(out)) == 0
    assert consumer_titles(out.read_text()) == set()
