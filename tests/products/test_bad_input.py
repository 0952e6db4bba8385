"""Bad input to publish: one line naming product, port and fix, exit 2; nothing changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from products_support import CONTRACT, PORT, PRODUCT, edit_yaml, snapshot

from pairlab import products
from pairlab.cli import main
from pairlab.errors import NotFound


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI and return (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def state(warehouse: Path, catalog: Path) -> tuple[object, dict[str, bytes]]:
    """Return every table with its rows, and every catalog file: to prove nothing changed."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = con.execute("SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL")
        found = {
            (s, t): con.execute(
                f'SELECT count(*), sum(hash(r)) FROM "{s}"."{t}" AS r'  # noqa: S608 - listed names
            ).fetchall()
            for s, t in names.fetchall()
        }
    return found, snapshot(catalog)


@pytest.fixture
def published(product: Path, catalog_dir: Path, warehouse: Path) -> tuple[object, object]:
    """Publish the product once; return the state a failed publish must leave as it is."""
    products.publish(product, catalog=catalog_dir)
    return state(warehouse, catalog_dir)


def test_a_contract_that_does_not_parse(product, catalog_dir, warehouse, published, capsys) -> None:
    (product / CONTRACT).write_text("schema: [\n")
    code, out, err = run(capsys, "publish", str(product), "--catalog", str(catalog_dir))
    assert code == 2 and out == ""
    [line] = err.splitlines()
    assert line.startswith(f"pairlab: error: cannot publish {PRODUCT}, port {PORT}: {CONTRACT}")
    assert "not valid YAML at line 2" in line and "then publish" in line
    assert state(warehouse, catalog_dir) == published


def test_a_port_whose_build_raises(product, catalog_dir, warehouse, published, capsys) -> None:
    pipeline = product / "src" / "claims_kpis" / "pipeline.py"
    pipeline.write_text(pipeline.read_text() + "\n\ndef run(con, year=2024):\n    1 / 0\n")
    code, out, err = run(capsys, "publish", str(product), "--catalog", str(catalog_dir))
    assert code == 2 and out == ""
    assert err == (
        f"pairlab: error: {PRODUCT}, port {PORT}: the build claims_kpis.pipeline:run raised "
        "ZeroDivisionError: division by zero; fix the pipeline (run its tests), then publish "
        "again; nothing was written\n"
    )
    assert state(warehouse, catalog_dir) == published


def change_data(product: Path) -> None:
    """Build another year, so publish has new rows to write."""
    pipeline = product / "src" / "claims_kpis" / "pipeline.py"
    pipeline.write_text(pipeline.read_text().replace("year: int = 2024", "year: int = 2023"))


def test_a_warehouse_that_refuses_writes(product, catalog_dir, warehouse, published, capsys):
    change_data(product)
    url = f"duckdb://{warehouse}?read_only=true"
    code, out, err = run(
        capsys, "publish", str(product), "--catalog", str(catalog_dir), "--url", url
    )
    assert code == 2 and out == ""
    [line] = err.splitlines()
    assert line.startswith(f"pairlab: error: cannot publish {PRODUCT}, port {PORT}: the ")
    assert "read-only" in line and "publish to a warehouse you may write to (--url)" in line
    assert state(warehouse, catalog_dir) == published


@pytest.mark.slow
def test_a_read_only_warehouse_file(product, catalog_dir, warehouse, published, tmp_path) -> None:
    # Root writes anything: drop the capability that lets it, as a learner's account would lack.
    change_data(product)
    warehouse.chmod(0o444)
    tmp_path.chmod(0o755)
    command = [
        "setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-all",
        sys.executable, "-c", "from pairlab.cli import main; main()",
        "publish", str(product), "--catalog", str(catalog_dir), "--url", f"duckdb://{warehouse}",
    ]  # fmt: skip
    if shutil.which("setpriv") is None:
        pytest.fail("setpriv (util-linux) is missing: install it to test permissions")
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ, check=False)
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith(f"pairlab: error: cannot publish {PRODUCT}: {warehouse} cannot be ")
    assert "make it writable" in line
    assert state(warehouse, catalog_dir) == published


def test_a_warehouse_another_process_reads(product, catalog_dir, warehouse, published, capsys):
    change_data(product)
    hold = f"import duckdb, sys, time; c = duckdb.connect({str(warehouse)!r}, read_only=True); "
    hold += "print('open', flush=True); time.sleep(60)"
    reader = subprocess.Popen([sys.executable, "-c", hold], stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout is not None and reader.stdout.readline() == "open\n"
        code, out, err = run(capsys, "publish", str(product), "--catalog", str(catalog_dir))
    finally:
        reader.kill()
        reader.communicate()
    assert code == 2 and out == ""
    assert err == (
        f"pairlab: error: cannot publish {PRODUCT}: duckdb://{warehouse} is open in another "
        "process (a notebook's kernel, a lab, a client); publishing needs the warehouse to "
        "itself: shut down the kernels that use it and publish again, or publish to another "
        "warehouse with --url\n"
    )
    assert state(warehouse, catalog_dir) == published


def test_an_unreachable_warehouse(product, catalog_dir, warehouse, published, capsys) -> None:
    change_data(product)
    url = "trino://analyst@127.0.0.1:9/hive"  # the discard port: nothing answers there
    code, out, err = run(
        capsys, "publish", str(product), "--catalog", str(catalog_dir), "--url", url
    )
    assert code == 2 and out == ""
    [line] = err.splitlines()
    assert line.startswith(f"pairlab: error: cannot publish {PRODUCT}: ")
    assert "127.0.0.1:9" in line
    assert state(warehouse, catalog_dir) == published


def test_an_id_another_team_owns(product, catalog_dir, warehouse, published, capsys) -> None:
    edit_yaml(product / "dataproduct.yaml", lambda d: d["team"].update(name="marketing"))
    code, _, err = run(capsys, "publish", str(product), "--catalog", str(catalog_dir))
    assert code == 2
    assert f"{PRODUCT}: the catalog's product with this id belongs to team actuarial" in err
    assert "choose another id for your product" in err
    assert state(warehouse, catalog_dir) == published


def test_read_names_close_matches_and_warns_of_deprecated_ports(
    product: Path, catalog_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_yaml(
        product / "dataproduct.yaml",
        lambda d: (d.update(apiVersion="v1.1.0"), d["outputPorts"][0].update(deprecated=True)),
    )
    products.publish(product, catalog=catalog_dir)
    with pytest.warns(products.DeprecatedProductWarning, match=f"port {PRODUCT}.{PORT} is depr"):
        assert products.read(f"{PRODUCT}.{PORT}", catalog=catalog_dir).count().execute() == 215
    code, out, err = run(
        capsys, "products", "read", f"{PRODUCT}.{PORT}", "--catalog", str(catalog_dir)
    )
    assert code == 0 and len(out.splitlines()) == 11  # a header and the first 10 rows
    assert err == (f"pairlab: warning: port {PRODUCT}.{PORT} is deprecated: read another port\n")
    with pytest.raises(NotFound) as err:
        products.read("claims-frequency-by-regoin.monthly_claims_kpis", catalog=catalog_dir)
    assert f"did you mean {PRODUCT}.{PORT}?" in str(err.value)
