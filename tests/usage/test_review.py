"""The value hypothesis tested: measured use, keep / iterate / kill by the rule, on record.

The product is published for real (`pairlab.products.publish` into a scale-0.01 warehouse) and
read through `pairlab.products.read`, which records each read through its read hook.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from pairlab import products, usage
from pairlab.catalog import load_product
from pairlab.cli import main

KPIS, PORT = "claims-frequency-by-region", "monthly_claims_kpis"
pytestmark = pytest.mark.slow  # publishing the product once takes seconds


def catalog_with(tmp_path: Path, published: Path, hypothesis: Any) -> Path:
    """Copy the published product's catalog with this value hypothesis in its descriptor."""
    root = tmp_path / "catalog"
    shutil.copytree(published, root)
    path = root / KPIS / "dataproduct.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for prop in data["customProperties"]:
        if prop["property"] == "valueHypothesis":
            prop["value"] = hypothesis
    path.write_text("# the pricing team's product\n" + yaml.safe_dump(data, sort_keys=False))
    return root


def three_readers(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ana and Ben read the published product; Cara's own product reads it in its pipeline."""
    name = f"{KPIS}.{PORT}"
    for user in ("ana", "ben", "ana"):
        monkeypatch.setenv("PAIRLAB_USER", user)
        assert products.read(name, catalog=root).count().execute() > 0
    monkeypatch.setenv("PAIRLAB_USER", "cara")
    with usage.as_pipeline("renewal-pack"):
        products.read(name, catalog=root).execute()
    monkeypatch.setenv("PAIRLAB_USER", "lead")


def run_review(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    """Run `pairlab review --json` and return its answer."""
    with pytest.raises(SystemExit) as done:
        main(["review", KPIS, "--catalog", str(root), "--json", *extra])
    assert done.value.code == 0, capsys.readouterr().err
    answer: dict[str, Any] = json.loads(capsys.readouterr().out)
    return answer


def hypothesis(threshold: Any, metric: str = "consumers") -> dict[str, Any]:
    """Return a structured hypothesis measured over 30 days."""
    return {"statement": "Pricing uses the loss ratios", "metric": metric,
            "threshold": threshold, "window": "30d", "reviewDate": "2026-12-31"}  # fmt: skip


@pytest.mark.parametrize(("threshold", "decision"), [(2, "keep"), (4, "iterate"), (7, "kill")])
def test_three_readers_one_through_a_pipeline(
    tmp_path: Path, published: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], threshold: int, decision: str,
) -> None:  # fmt: skip
    """3 consumers, 1 reusing product; keep at 2, iterate at 4 (>= half), kill at 7."""
    root = catalog_with(tmp_path, published, hypothesis(threshold))
    three_readers(root, monkeypatch)
    answer = run_review(root, capsys)
    assert (answer["product"], answer["metric"], answer["measured"], answer["threshold"]) == (
        KPIS, "consumers", 3, threshold,
    )  # fmt: skip
    assert answer["decision"] == decision
    assert [c["reader"] for c in answer["consumers"]] == ["ana", "ben", "cara"]
    assert answer["reusing_products"] == ["renewal-pack"]
    assert answer["window"]["end"] > date.today().isoformat() >= answer["window"]["start"]
    assert answer["window"]["days"] == 30
    product = load_product(root / KPIS)
    [entry] = product.custom("reviews")
    assert entry["decision"] == decision and entry["measured"] == 3 and entry["by"] == "lead"
    assert product.descriptor.status == ("deprecated" if decision == "kill" else "active")
    text = (root / KPIS / "dataproduct.yaml").read_text(encoding="utf-8")
    assert text.startswith("# the pricing team's product\n")
    before = text
    again = run_review(root, capsys)
    assert (again["decision"], again["recorded"]) == (decision, False)
    assert (root / KPIS / "dataproduct.yaml").read_text(encoding="utf-8") == before


def test_kill_names_the_consumers_to_tell(
    tmp_path: Path,
    published: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The summary of a kill lists every reader and reusing product."""
    root = catalog_with(tmp_path, published, hypothesis(10, "queries"))
    three_readers(root, monkeypatch)
    with pytest.raises(SystemExit):
        main(["review", KPIS, "--catalog", str(root)])
    out = capsys.readouterr().out
    assert "kill (4 queries against a threshold of 10" in out
    assert "deprecated; tell its consumers: ana, ben, cara, renewal-pack" in out
    with pytest.raises(SystemExit):
        main(["review", KPIS, "--catalog", str(root)])
    again = capsys.readouterr().out
    assert "kill (4 queries" in again and "; already decided for this window, unchanged" in again


def test_reusing_products_metric_and_a_declared_rule(
    tmp_path: Path,
    published: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The descriptor's own rule wins over the default halves."""
    declared = {**hypothesis(2, "reusing-products"), "rule": {"keep": 2, "iterate": 1}}
    root = catalog_with(tmp_path, published, declared)
    three_readers(root, monkeypatch)
    answer = run_review(root, capsys)
    assert (answer["measured"], answer["decision"]) == (1, "iterate")


def test_reads_outside_the_window_do_not_count(
    tmp_path: Path,
    published: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A review dated two months back sees none of today's reads: kill, nothing to tell."""
    root = catalog_with(tmp_path, published, hypothesis(2))
    three_readers(root, monkeypatch)
    answer = run_review(root, capsys, "--at", "2026-01-01")
    assert (answer["measured"], answer["decision"], answer["consumers"]) == (0, "kill", [])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (hypothesis("three"), "valueHypothesis.threshold is 'three', not a number"),
        ("Pricing will use it", "the valueHypothesis states no metric to measure"),
        ({**hypothesis(2), "metric": "likes"}, "valueHypothesis.metric is 'likes'"),
        ({**hypothesis(2), "window": "a month"}, "valueHypothesis.window is 'a month'"),
    ],
)
def test_a_hypothesis_that_cannot_be_measured_is_one_line(
    tmp_path: Path,
    published: Path,
    capsys: pytest.CaptureFixture[str],
    value: Any,
    message: str,
) -> None:
    """Exit 2, the field and the fix named, the descriptor untouched."""
    root = catalog_with(tmp_path, published, value)
    before = (root / KPIS / "dataproduct.yaml").read_bytes()
    with pytest.raises(SystemExit) as done:
        main(["review", KPIS, "--catalog", str(root)])
    err = capsys.readouterr().err
    assert done.value.code == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert (root / KPIS / "dataproduct.yaml").read_bytes() == before


def test_an_unknown_product_names_close_ids(
    tmp_path: Path, published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A typo in the id gets the id meant."""
    root = catalog_with(tmp_path, published, hypothesis(2))
    with pytest.raises(SystemExit) as done:
        main(["review", "claims-frequency-by-regoin", "--catalog", str(root)])
    assert done.value.code == 2
    assert "did you mean claims-frequency-by-region?" in capsys.readouterr().err


def test_lint_policy_warns_until_a_decision_is_recorded(
    tmp_path: Path, published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Past its review date with no decision: a review-due warning, gone once reviewed."""
    root = catalog_with(tmp_path, published, {**hypothesis(0), "reviewDate": "2026-01-31"})
    with pytest.raises(SystemExit) as done:
        main(["catalog", "lint", str(root), "--policy", "--json"])
    found = json.loads(capsys.readouterr().out)["findings"]
    assert done.value.code == 0
    assert [(f["policy"], f["severity"]) for f in found] == [("review-due", "warning")]
    assert "passed on 2026-01-31 with no decision" in found[0]["rule"]
    assert run_review(root, capsys, "--at", "2026-01-31")["decision"] == "keep"  # still active
    with pytest.raises(SystemExit):
        main(["catalog", "lint", str(root), "--policy", "--json"])
    assert json.loads(capsys.readouterr().out)["findings"] == []


def test_kill_of_an_odps_1_1_product_sets_deprecated(
    tmp_path: Path, published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ODPS v1.1.0 has a deprecated flag: kill sets it beside the status."""
    root = catalog_with(tmp_path, published, hypothesis(1))
    path = root / KPIS / "dataproduct.yaml"
    path.write_text(path.read_text().replace("apiVersion: v1.0.0", "apiVersion: v1.1.0"))
    assert run_review(root, capsys)["decision"] == "kill"
    descriptor = load_product(root / KPIS).descriptor
    assert (descriptor.status, descriptor.deprecated) == ("deprecated", True)
