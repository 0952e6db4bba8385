"""`pairlab warehouse init|info`: called as `main([...])`, exit codes and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pairlab.cli import main
from pairlab.warehouse import default_path
from pairlab.warehouse.generator import DEFAULT_SCALE, DEFAULT_SEED


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the CLI; return its exit code, stdout and stderr."""
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_init_writes_the_default_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["warehouse", "init"], capsys)
    assert (code, err) == (0, "")
    assert out == f"pairlab: wrote {default_path()} (32,948 rows)\n"


def test_init_defaults_match_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["warehouse", "init", "--help"], capsys)
    assert f"[default: {DEFAULT_SCALE}]" in out and f"[default: {DEFAULT_SEED}]" in out


def test_init_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "mine.duckdb"
    target.write_text("precious")
    code, out, err = run(["warehouse", "init", "--path", str(target)], capsys)
    assert code == 2 and out == ""
    assert (
        err
        == f"pairlab: error: {target} already exists; pass --force (force=True) to overwrite it\n"
    )
    assert target.read_text() == "precious"
    code, _, _ = run(["warehouse", "init", "--path", str(target), "--force", "--seed", "7"], capsys)
    assert code == 0 and target.stat().st_size > 1000


def test_init_bad_scale_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        ["warehouse", "init", "--path", str(tmp_path / "w.duckdb"), "--scale", "0"], capsys
    )
    assert code == 2
    assert err.startswith("pairlab: error: scale must be a number") and err.count("\n") == 1


def test_info_lists_tables_columns_types_and_rows(
    warehouse_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"duckdb://{warehouse_file}?read_only=true"
    code, out, _ = run(["warehouse", "info", "--url", url], capsys)
    assert code == 0
    assert out.startswith(f"warehouse: {url}\n")
    assert "claims  (304 rows)" in out and "  incurred     decimal(12, 2)" in out


def test_info_json(warehouse_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"duckdb://{warehouse_file}?read_only=true"
    code, out, _ = run(["warehouse", "info", "--url", url, "--json"], capsys)
    found = json.loads(out)
    assert code == 0
    assert {t["name"]: t["rows"] for t in found["tables"]} == {
        "claim_payments": 614,
        "claims": 304,
        "customers": 1000,
        "policies": 2500,
        "premiums": 28530,
    }
    policies = next(t for t in found["tables"] if t["name"] == "policies")
    assert ["region", "string"] in policies["columns"]


def test_info_defaults_to_the_embedded_warehouse(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["warehouse", "info", "--table", "customers"], capsys)
    assert code == 0
    assert out.splitlines()[:3] == [f"warehouse: {default_path()}", "", "customers  (1,000 rows)"]


def test_info_unknown_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["warehouse", "info", "--table", "claim"], capsys)
    assert (code, out) == (2, "")
    assert err == (
        "pairlab: error: no table 'claim' in the warehouse; "
        "use one of: claim_payments, claims, customers, policies, premiums\n"
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mongo://analyst:s3cret@db/claims", "unknown warehouse URL scheme 'mongo'"),
        ("snowflake://analyst:s3cret@acme/DB", 'pip install "ibis-framework[snowflake]==12.0.0"'),
        ("trino://analyst:s3cret@127.0.0.1:1/hive", "cannot connect to the warehouse at trino://"),
    ],
)
def test_info_bad_urls_are_one_line_without_secrets(
    url: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["warehouse", "info", "--url", url], capsys)
    assert (code, out) == (2, "")
    assert expected in err and err.count("\n") == 1
    assert "s3cret" not in err and "Traceback" not in err
