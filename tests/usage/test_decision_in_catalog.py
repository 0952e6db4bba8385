"""The last keep / iterate / kill shows where people meet the product: search, show, html,
Similar.

A real review (three readers of the published product) records the decision; the kept catalog
index notices the descriptor changed and every face shows it; a killed product is marked
killed and deprecated, and `catalog show` of an unknown id names the close ones.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_review import KPIS, catalog_with, hypothesis, run_review, three_readers

from pairlab.catalog import similar
from pairlab.cli import main

pytestmark = pytest.mark.slow  # the product is published once for the session


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run the CLI; return the exit code and stdout + stderr."""
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out = capsys.readouterr()
    return int(done.value.code or 0), out.out + out.err


def _line(out: str) -> str:
    """Return the search result line of the reviewed product."""
    return next(line for line in out.splitlines() if KPIS in line)


@pytest.mark.parametrize(
    ("threshold", "mark", "status"),
    [(2, "[kept on 2026-12-31]", "active"), (7, "[killed on 2026-12-31]", "deprecated")],
)
def test_search_show_and_similar_show_the_last_decision(
    tmp_path: Path, published: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], threshold: int, mark: str, status: str,
) -> None:  # fmt: skip
    """Before a review no mark; after it the decision, and a kill as killed and deprecated."""
    root = catalog_with(tmp_path, published, hypothesis(threshold))
    monkeypatch.setenv("PAIRLAB_CATALOG", str(root))
    code, out = run(capsys, "catalog", "search", "claims frequency")
    assert code == 0 and "[" not in _line(out)  # the kept index is built here, no decision yet
    three_readers(root, monkeypatch)
    assert run_review(root, capsys, "--at", "2026-12-31")["decision"] in ("keep", "kill")
    code, out = run(capsys, "catalog", "search", "claims frequency")
    assert code == 0 and _line(out).split()[2] == status and _line(out).endswith(mark)
    code, out = run(capsys, "catalog", "show", KPIS)
    killed = " (KILLED by its last review)" if threshold == 7 else ""
    assert f"  status      {status}{killed}\n" in out
    assert f"  last review {mark.strip('[]')}\n" in out
    code, out = run(capsys, "catalog", "search", "claims frequency", "--json")
    [hit] = [h for h in json.loads(out)["results"] if h["id"] == KPIS]
    assert (hit["decision"], hit["decided_on"]) == (
        "keep" if threshold == 2 else "kill", "2026-12-31")  # fmt: skip
    code, out = run(capsys, "catalog", "html", str(tmp_path / "catalog.html"))
    assert mark.strip("[]") in (tmp_path / "catalog.html").read_text(encoding="utf-8")
    (tmp_path / "mine.py").write_text('con.table("claims")\ncon.table("premiums")\n')
    found = similar.similar_products(tmp_path, "mine.py")["products"]
    [product] = [p for p in found if p["id"] == KPIS]
    assert (product["decision"], product["status"]) == (hit["decision"], status)


def test_show_without_a_review_and_an_unknown_id(capsys: pytest.CaptureFixture[str]) -> None:
    """No review yet says how to run one; a mistyped id exits 2 naming the close id."""
    code, out = run(capsys, "catalog", "show", KPIS)
    assert code == 0 and f"last review none recorded (pairlab review {KPIS})" in out
    code, out = run(capsys, "catalog", "show", "claims-frequency-by-regoin")
    assert code == 2 and f"did you mean {KPIS}?" in out and len(out.splitlines()) == 1
