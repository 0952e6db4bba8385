"""`pairlab report --program`: the cohort page with the program view, for the file-based path."""

from __future__ import annotations

import re

import pytest
from program_helpers import add_product

from pairlab.cli import main


def test_the_report_shows_every_team_by_state_the_tree_and_next_actions(capsys, chain, tmp_path):
    add_product(chain.catalog, "claims-kpis", "claims")
    out = tmp_path / "cohort.html"
    with pytest.raises(SystemExit) as info:
        main(["report", *map(str, chain.exports.values()), "--out", str(out),
              "--program", str(chain.program), "--catalog", str(chain.catalog)])  # fmt: skip
    assert info.value.code in (0, None), capsys.readouterr().err
    page = out.read_text()
    assert "<h2>Per person</h2>" in page  # still the cohort report
    states = dict(re.findall(r'data-team="([^"]+)" data-state="([^"]+)"', page))
    assert len(states) == 25
    assert (states["claims"], states["pricing"], states["team-09"]) == (
        "capable", "pairing", "not-reached")  # fmt: skip
    assert "2 of 25 teams reached, 1 capable, from 4 sessions" in page
    tree = page[page.index("Who trained whom") :]
    order = [tree.index(n) for n in ("Eli Novak", "Ana Lima", "Ben Okafor", "Cleo Park")]
    assert order == sorted(order)
    assert "Cleo Park <small>(claims, generation 3)" in tree
    pricing = page[page.index('data-team="pricing"') :]
    assert "next: pair on Pricing&#x27;s first product and publish it" in pricing
    assert "analysts-reached: not yet" in page[page.index("<td>Pricing</td>") :]
    assert "published-product: ok (claims-kpis)" in page


def test_a_broken_program_writes_no_page(capsys, chain, tmp_path):
    chain.program.write_text(chain.program.read_text().replace('id = "pricing"', 'id = "claims"'))
    out = tmp_path / "cohort.html"
    with pytest.raises(SystemExit) as info:
        main(["report", str(chain.exports["pairing"]), "--out", str(out),
              "--program", str(chain.program)])  # fmt: skip
    assert info.value.code == 2
    assert "two teams have the id 'claims'" in capsys.readouterr().err
    assert not out.exists()
