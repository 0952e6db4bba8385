"""`pairlab catalog search|overlap|html|test` through main([...]), as a user types them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from pairlab.cli import main
from pairlab.resources import samples_dir

SAMPLE = samples_dir() / "catalog"
VIOLATING = Path(__file__).resolve().parent / "fixtures" / "violating-product"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI and return (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def test_search_lists_the_overlapping_product_first(capsys) -> None:
    code, out, err = run(capsys, "catalog", "search", "policies premiums claims")
    assert (code, err) == (0, "")
    first = out.splitlines()[0]
    assert first.startswith(" 1. claims-frequency-by-region") and "mira.koenig" in first


def test_search_json_and_limit(capsys) -> None:
    code, out, _ = run(capsys, "catalog", "search", "claims", "--json", "--limit", "2")
    doc = json.loads(out)
    assert code == 0 and len(doc["results"]) == 2 and doc["problems"] == []
    assert {"id", "owner", "score", "matched", "outputs", "tables"} <= doc["results"][0].keys()


def test_search_without_a_match_says_so(capsys) -> None:
    assert run(capsys, "catalog", "search", "zebra")[1] == (
        "no product matches (searched 5 products)\n"
    )


def test_overlap_names_owners_and_ports(capsys) -> None:
    code, out, _ = run(capsys, "catalog", "overlap", "claims.incurred")
    assert code == 0
    assert out.splitlines()[:3] == [
        "claims-frequency-by-region (active) owner mira.koenig, team actuarial: "
        "claims-frequency-by-region.monthly_claims_kpis",
        "    reads claims.incurred: input port claims reads incurred",
        "    exposes claims.incurred: monthly_claims_kpis.incurred",
    ]
    code, out, _ = run(capsys, "catalog", "overlap", "customers", "--json")
    assert [p["id"] for p in json.loads(out)["products"]] == ["customer-portfolio"]


def test_repeated_roots_and_problems_on_stderr(capsys, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "dataproduct.yaml").write_text("id: [unclosed\n")
    code, out, err = run(
        capsys, "catalog", "search", "segment", "--root", str(SAMPLE), "--root", str(tmp_path)
    )
    assert code == 0 and out.startswith(" 1. customer-portfolio")
    assert err.startswith(f"pairlab: warning: {broken}/dataproduct.yaml: (file): not valid YAML")


def test_the_environment_names_the_catalog(capsys, monkeypatch, tmp_path: Path) -> None:
    shutil.copytree(SAMPLE / "customer-portfolio", tmp_path / "only")
    monkeypatch.setenv("PAIRLAB_CATALOG", str(tmp_path))
    assert run(capsys, "catalog", "search", "claims")[1].startswith("no product matches")
    _, out, _ = run(capsys, "catalog", "search", "policies")
    assert [line.split()[1] for line in out.splitlines()] == ["customer-portfolio"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["catalog", "overlap", "a.b.c"], "'a.b.c' is not TABLE or TABLE.COLUMN"),
        (["catalog", "search", "x", "--root", "/no/such/dir"], "catalog root /no/such/dir"),
        (["catalog", "test", "/no/such/product"], "dataproduct.yaml: (file): the file does not"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, args: list[str], words: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith("pairlab: error: ") and words in err and len(err.splitlines()) == 1


def test_html_writes_a_self_contained_page(capsys, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "catalog", "html", str(tmp_path / "site" / "index.html"))
    assert code == 0 and out == f"pairlab: wrote {tmp_path / 'site' / 'index.html'} (5 products)\n"
    page = (tmp_path / "site" / "index.html").read_text()
    assert 'id="q"' in page and "<svg" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page and "src=" not in page


def test_contract_test_passes_on_a_good_product(capsys, tmp_path: Path) -> None:
    junit = tmp_path / "reports" / "contract.xml"
    # A copy: importing the product's code writes __pycache__ next to it, not into the sample.
    product = tmp_path / "claims-frequency-by-region"
    shutil.copytree(SAMPLE / product.name, product, ignore=shutil.ignore_patterns("__pycache__"))
    code, out, _ = run(capsys, "catalog", "test", str(product), "--junit", str(junit))
    assert code == 0, out
    assert out.splitlines()[-1].startswith("claims-frequency-by-region: all ")
    assert "ok   monthly_claims_kpis: loss ratio is incurred over earned" in out
    suite = ET.parse(junit).getroot()  # noqa: S314 - our own file
    assert suite.tag == "testsuite" and suite.get("failures") == "0"
    assert int(suite.get("tests", "0")) == len(suite.findall("testcase")) > 10


def test_contract_test_fails_naming_the_rule(capsys, tmp_path: Path) -> None:
    junit = tmp_path / "contract.xml"
    code, out, _ = run(capsys, "catalog", "test", str(VIOLATING), "--junit", str(junit))
    assert code == 1
    assert "FAIL claims_by_region: region: required (1 null value(s))" in out
    assert out.splitlines()[-1] == (
        "claims-by-region-naive: 1 of 8 rules fail: claims_by_region: region: required"
    )
    suite = ET.parse(junit).getroot()  # noqa: S314 - our own file
    failed = [c for c in suite.iter("testcase") if c.find("failure") is not None]
    assert suite.get("failures") == "1" and [c.get("name") for c in failed] == ["region: required"]
    assert failed[0].get("classname") == "claims-by-region-naive.claims_by_region"


def test_a_crashing_build_is_a_failed_rule(capsys, tmp_path: Path) -> None:
    product = tmp_path / "crashing"
    shutil.copytree(VIOLATING, product, ignore=shutil.ignore_patterns("__pycache__"))
    descriptor = product / "dataproduct.yaml"
    descriptor.write_text(descriptor.read_text().replace("pipeline:run", "pipeline:missing"))
    code, out, _ = run(capsys, "catalog", "test", str(product))
    assert code == 1
    assert "FAIL claims_by_region: build (violating_regions.pipeline:missing raised " in out


def test_the_cli_and_the_product_check_give_one_verdict_per_rule(capsys, tmp_path: Path) -> None:
    """Both faces call the one contract runner: the same rules, the same failure, no crash."""
    from pairlab.checks import check_path

    product = tmp_path / "crashing"
    shutil.copytree(VIOLATING, product, ignore=shutil.ignore_patterns("__pycache__"))
    descriptor = product / "dataproduct.yaml"
    descriptor.write_text(descriptor.read_text().replace("pipeline:run", "pipeline:missing"))
    code, out, _ = run(capsys, "catalog", "test", str(product), "--json")
    rules = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and [r["rule"] for r in rules] == ["build"]
    result = check_path(product, only="contract-pass").results[0]
    assert result.status == "fail" and "1 of 1 contract rule(s) fail" in result.message
    assert [d["rule"] for d in result.details] == ["build"]
    assert result.details[0]["detail"] == rules[0]["detail"]


def test_a_broken_sql_rule_is_one_line_without_traceback_art(capsys, tmp_path: Path) -> None:
    product = tmp_path / "bad-sql"
    shutil.copytree(VIOLATING, product, ignore=shutil.ignore_patterns("__pycache__"))
    contract = next((product / "contracts").glob("*.yaml"))
    contract.write_text(
        contract.read_text().replace(
            "      - name: has rows\n",
            "      - name: typo\n        type: sql\n        query: SELEC count(*) FROM ${object}\n"
            "        mustBe: 0\n      - name: has rows\n",
        )
    )
    code, out, _ = run(capsys, "catalog", "test", str(product), "--json")
    [typo] = [json.loads(line) for line in out.splitlines() if '"typo"' in line]
    assert code == 1 and not typo["passed"] and typo["detail"].startswith("cannot evaluate:")
    assert "^" not in typo["detail"] and "\n" not in typo["detail"]
