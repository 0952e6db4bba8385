"""`seed_sample`: the workspace `pairlab lab` sets up holds a published product to reuse.

Against real DuckDB files: the sample lands in the warehouse's `products` schema and in the
workspace's catalog, `products.read` finds it by name, a second seeding changes nothing, and a
warehouse another process holds (or one at a URL) leaves the workspace as it was.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from products_support import snapshot

from pairlab import products
from pairlab.catalog import load_catalog
from pairlab.resources import samples_dir
from pairlab.warehouse.connection import ENV_URL


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """Return a workspace as the lab seeds it: the sample catalog in catalog/."""
    root = tmp_path / "workspace"
    shutil.copytree(samples_dir() / "catalog", root / "catalog")
    return root


def test_the_sample_is_published_and_read_by_name(workspace: Path, warehouse: Path) -> None:
    """Published into the warehouse, active in the catalog, read back by name; twice is once."""
    done = products.seed_sample(workspace, warehouse)
    assert done is not None and [p.action for p in done.ports] == ["written"]
    rows = products.read(products.SAMPLE_NAME, catalog=workspace / "catalog").execute()
    assert len(rows) > 0 and {"region", "loss_ratio"} <= set(rows.columns)
    entry = load_catalog([workspace / "catalog"]).get("claims-frequency-by-region")
    assert entry is not None and entry.status == "active"
    before = snapshot(workspace)
    assert products.seed_sample(workspace, warehouse) is None
    assert snapshot(workspace) == before


def test_a_second_workspace_on_the_same_warehouse_gets_it_without_a_rebuild(
    workspace: Path, warehouse: Path, tmp_path: Path
) -> None:
    """A lesson run stages a workspace per lesson: each reads the one published table."""
    products.seed_sample(workspace, warehouse)
    other = tmp_path / "other"
    shutil.copytree(samples_dir() / "catalog", other / "catalog")
    start = time.perf_counter()
    assert products.seed_sample(other, warehouse) is None  # registered, nothing built
    assert time.perf_counter() - start < 2
    assert products.read(products.SAMPLE_NAME, catalog=other / "catalog").count().execute() > 0


def test_a_held_warehouse_leaves_the_workspace_as_it_was(
    workspace: Path, warehouse: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Another process writing the file: no error for the lab, a warning, nothing changed."""
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(warehouse)!r}); "
         "print('open', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        before = snapshot(workspace)
        assert products.seed_sample(workspace, warehouse) is None
        assert snapshot(workspace) == before
        assert "could not publish the sample product" in caplog.text
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()


def test_a_warehouse_at_a_url_gets_no_sample(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The company's warehouse is never written to by the lab."""
    monkeypatch.setenv(ENV_URL, "trino://someone@warehouse.invalid:8080/hive")
    before = snapshot(workspace)
    assert products.seed_sample(workspace) is None
    assert snapshot(workspace) == before
