"""Publish to the embedded DuckDB: the contract gate, the swap, registration, idempotence."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from products_support import CONTRACT, PORT, PRODUCT, TABLE, snapshot

from pairlab import products
from pairlab.cli import main
from pairlab.products._store import HOLD_ENV
from pairlab.resources import samples_dir

NAME = f"{PRODUCT}.{PORT}"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI and return (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def rows(warehouse: Path) -> list[tuple[object, ...]]:
    """Return the published table's rows, read as any DuckDB client would."""
    query = f"SELECT * FROM products.{TABLE} ORDER BY ALL"  # noqa: S608 - a constant name
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(query).fetchall()


def table_oid(warehouse: Path) -> list[tuple[object, ...]]:
    """Return the published table's id: a table written again gets a new one."""
    query = "SELECT table_oid FROM duckdb_tables() WHERE table_name = ?"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(query, [TABLE]).fetchall()


def tables(warehouse: Path) -> list[tuple[str, str]]:
    """Return (schema, table) of every table in the warehouse file."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL"
        ).fetchall()


def plant_null_regions(product: Path) -> None:
    """Make the pipeline keep policies without a region: the contract requires one."""
    pipeline = product / "src" / "claims_kpis" / "pipeline.py"
    text = pipeline.read_text()
    pipeline.write_text(
        text.replace('region=policies.region.fill_null("Unknown")', "region=policies.region")
    )


def test_publish_writes_the_contract_columns_and_registers_the_product(
    product: Path, catalog_dir: Path, warehouse: Path, capsys
) -> None:
    code, out, err = run(capsys, "publish", str(product), "--catalog", str(catalog_dir))
    assert code == 0, err
    assert out.splitlines()[0] == f"{PRODUCT} {PORT}: written products.{TABLE} (215 rows)"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        described = con.execute(f"DESCRIBE products.{TABLE}").fetchall()
    assert [(c[0], c[1]) for c in described] == [
        ("month", "DATE"), ("product_line", "VARCHAR"), ("region", "VARCHAR"),
        ("exposure_years", "DOUBLE"), ("earned", "DOUBLE"), ("claims", "BIGINT"),
        ("incurred", "DOUBLE"), ("frequency", "DOUBLE"), ("loss_ratio", "DOUBLE"),
    ]  # fmt: skip
    # the catalog finds it at once, everything publish wrote passes the policy, and it reads
    code, out, _ = run(capsys, "catalog", "search", "claims frequency", "--root", str(catalog_dir))
    assert code == 0 and f"{PRODUCT}" in out and "active" in out
    code, out, _ = run(capsys, "catalog", "lint", str(catalog_dir), "--policy")
    assert code == 0 and "0 error(s), 0 warning(s)" in out
    table = products.read(NAME, catalog=catalog_dir)
    assert table.count().execute() == 215 == len(rows(warehouse))
    registered = (catalog_dir / PRODUCT / "dataproduct.yaml").read_text()
    assert f"value: products.{TABLE}" in registered and f"duckdb://{warehouse}" in registered
    assert "type: duckdb" in (catalog_dir / PRODUCT / CONTRACT).read_text()


def test_the_same_version_and_data_again_changes_nothing(
    product: Path, catalog_dir: Path, warehouse: Path
) -> None:
    products.publish(product, catalog=catalog_dir)
    before = snapshot(catalog_dir)
    stamps = {p: p.stat().st_mtime_ns for p in catalog_dir.rglob("*.yaml")}
    oid = table_oid(warehouse)
    result = products.publish(product, catalog=catalog_dir)
    assert [p.action for p in result.ports] == ["unchanged"] and result.registered == []
    assert snapshot(catalog_dir) == before
    assert {p: p.stat().st_mtime_ns for p in catalog_dir.rglob("*.yaml")} == stamps
    assert table_oid(warehouse) == oid


def test_a_dry_run_gates_and_writes_nothing(product, catalog_dir, warehouse, capsys) -> None:
    before = tables(warehouse)
    code, out, _ = run(capsys, "publish", str(product), "--catalog", str(catalog_dir), "--dry-run")
    assert code == 0 and f"{PORT}: would write products.{TABLE} (215 rows)" in out
    assert f"would register in {catalog_dir / PRODUCT} (" in out
    assert tables(warehouse) == before and list(catalog_dir.iterdir()) == []
    products.publish(product, catalog=catalog_dir)
    code, out, _ = run(capsys, "publish", str(product), "--catalog", str(catalog_dir), "--dry-run")
    assert out.splitlines() == [
        f"{PRODUCT} {PORT}: unchanged products.{TABLE} (215 rows)",
        f"{PRODUCT}: catalog entry {catalog_dir / PRODUCT} unchanged",
    ]


def test_the_gate_refuses_a_violation_names_rule_and_rows_and_keeps_the_old_table(
    product: Path, catalog_dir: Path, warehouse: Path, capsys
) -> None:
    products.publish(product, catalog=catalog_dir)
    published, catalog = rows(warehouse), snapshot(catalog_dir)
    plant_null_regions(product)
    code, out, err = run(capsys, "publish", str(product), "--catalog", str(catalog_dir))
    assert code == 1 and out == ""
    [line] = err.splitlines()
    assert line.startswith(f"pairlab: refused: {PRODUCT}, port {PORT}: the contract gate refused")
    assert "region: required (" in line and "null value(s); row " in line
    assert (
        "row 5 month=2024-01-01, product_line='home', region=null, exposure_years=0.326027" in line
    )
    assert "(and 33 more)" in line and "nothing was written" in line
    assert rows(warehouse) == published and snapshot(catalog_dir) == catalog
    assert (TABLE + "__publishing") not in {t for _, t in tables(warehouse)}


@pytest.mark.slow
def test_a_kill_between_write_and_swap_leaves_the_old_table_readable(
    product: Path, catalog_dir: Path, warehouse: Path, tmp_path: Path
) -> None:
    products.publish(product, catalog=catalog_dir)
    published, catalog = rows(warehouse), snapshot(catalog_dir)
    pipeline = product / "src" / "claims_kpis" / "pipeline.py"
    pipeline.write_text(pipeline.read_text().replace("year: int = 2024", "year: int = 2023"))
    flag = tmp_path / "written"
    env = {**os.environ, HOLD_ENV: str(flag)}
    script = "from pairlab.cli import main; main()"
    args = [sys.executable, "-c", script, "publish", str(product), "--catalog", str(catalog_dir)]
    log = tmp_path / "publish.log"
    with log.open("wb") as stderr:
        child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            deadline = time.monotonic() + 120
            while not flag.exists() and child.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            assert flag.exists(), log.read_text()
            os.kill(child.pid, signal.SIGKILL)
        finally:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    assert rows(warehouse) == published and snapshot(catalog_dir) == catalog
    assert (TABLE + "__publishing") in {t for _, t in tables(warehouse)}  # the write was done
    result = products.publish(product, catalog=catalog_dir)  # the leftover is cleared
    assert [p.action for p in result.ports] == ["written"]
    assert rows(warehouse) != published
    assert (TABLE + "__publishing") not in {t for _, t in tables(warehouse)}


def test_every_read_is_reported_to_the_registered_hooks(product, catalog_dir) -> None:
    events: list[products.ReadEvent] = []
    products.publish(product, catalog=catalog_dir)
    hook = products.on_read(events.append)
    try:
        products.read(NAME, catalog=catalog_dir)
    finally:
        products._read._HOOKS.remove(hook)
    assert events == [products.ReadEvent(PRODUCT, PORT, f"products.{TABLE}", events[0].server)]


def test_the_catalog_folder_defaults_to_pairlab_catalog(
    product: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "ours", tmp_path / "theirs"
    first.mkdir(), second.mkdir()
    monkeypatch.setenv("PAIRLAB_CATALOG", os.pathsep.join([str(first), str(second)]))
    products.publish(product)
    assert (first / PRODUCT / "dataproduct.yaml").is_file() and list(second.iterdir()) == []
    assert products.read(NAME).count().execute() == 215


def test_publish_without_a_catalog_folder_writes_nothing_into_the_package(
    product: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PAIRLAB_CATALOG", raising=False)
    samples = sorted(p for p in (samples_dir() / "catalog").rglob("*"))
    code, _, err = run(capsys, "publish", str(product), "--dry-run")
    assert code == 2 and "--catalog DIR or set $PAIRLAB_CATALOG" in err
    assert sorted(p for p in (samples_dir() / "catalog").rglob("*")) == samples


def test_products_read_on_the_cli_prints_rows_or_json(product, catalog_dir, capsys) -> None:
    products.publish(product, catalog=catalog_dir)
    code, out, _ = run(
        capsys, "products", "read", NAME, "--catalog", str(catalog_dir), "--limit", "2", "--json"
    )
    data = json.loads(out)
    assert code == 0 and len(data) == 2 and set(data[0]) >= {"month", "region", "loss_ratio"}
    code, out, _ = run(
        capsys, "products", "read", NAME, "--catalog", str(catalog_dir), "--limit", "3"
    )
    assert code == 0 and out.split()[0] == "month" and len(out.splitlines()) == 4


def test_a_build_that_reads_another_product_is_told_as_that_products_pipeline(
    product: Path, catalog_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Publish builds each port as its product's pipeline: its reads of others are reuse."""
    products.publish(product, catalog=catalog_dir)
    mirror = tmp_path / "mirror"
    shutil.copytree(product, mirror)
    (mirror / "src" / "mirror_build.py").write_text(
        "from pairlab import products\n\n\n"
        "def run(con):\n"
        f"    return products.read({NAME!r}).execute()\n"
    )
    text = (mirror / "dataproduct.yaml").read_text()
    text = text.replace(f"id: {PRODUCT}\n", "id: claims-kpis-mirror\n", 1)
    (mirror / "dataproduct.yaml").write_text(
        text.replace("claims_kpis.pipeline:run", "mirror_build:run")
    )
    monkeypatch.setenv("PAIRLAB_CATALOG", str(catalog_dir))
    events: list[products.ReadEvent] = []
    hook = products.on_read(events.append)
    try:
        products.publish(mirror, catalog=catalog_dir)
        products.read(NAME)
    finally:
        products._read._HOOKS.remove(hook)
    assert [(e.product, e.pipeline) for e in events] == [
        (PRODUCT, "claims-kpis-mirror"),
        (PRODUCT, ""),
    ]
