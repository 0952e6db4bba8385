"""Fixtures of the usage room: a store per test, a catalog whose products were published."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from pairlab import usage
from pairlab.products import SCHEMA, table_name
from pairlab.resources import samples_dir

LOGS = Path(__file__).parent / "logs"


@pytest.fixture(scope="session")
def registered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the sample catalog as publish registers it: each port names its table."""
    root = tmp_path_factory.mktemp("registered")
    for folder in (samples_dir() / "catalog").iterdir():
        dest = root / folder.name
        shutil.copytree(folder, dest, ignore=shutil.ignore_patterns("__pycache__"))
        path = dest / "dataproduct.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for port in data["outputPorts"]:
            table = f"{SCHEMA}.{table_name(data['id'], port['name'])}"
            port.setdefault("customProperties", []).append({"property": "table", "value": table})
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return root


@pytest.fixture
def store(tmp_path: Path) -> usage.Store:
    """Return an empty usage store in a SQLite file of its own."""
    return usage.Store(f"sqlite:///{tmp_path / 'usage.sqlite'}")


@pytest.fixture(scope="session")
def tables(registered: Path) -> dict[str, usage.PortRef]:
    """Return the registered catalog's product tables (products.<product>__<port>)."""
    return usage.catalog_tables([registered])


@pytest.fixture(autouse=True)
def _private_usage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registered: Path) -> None:
    """Keep every test's outbox, store, catalog and identity out of the user's own folders."""
    monkeypatch.setenv("PAIRLAB_CATALOG", str(registered))
    monkeypatch.setenv("PAIRLAB_CACHE_DIR", str(tmp_path / "kept-index"))
    monkeypatch.setenv("PAIRLAB_USAGE_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("PAIRLAB_USAGE_DB", f"sqlite:///{tmp_path / 'usage.sqlite'}")
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.delenv("PAIRLAB_PROGRAM", raising=False)
    monkeypatch.delenv("PAIRLAB_PIPELINE_PRODUCT", raising=False)
    monkeypatch.delenv("PAIRLAB_USAGE", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Publish the sample claims-frequency-by-region into a scale-0.01 warehouse; its catalog."""
    from pairlab import products
    from pairlab.warehouse import generate

    root = tmp_path_factory.mktemp("published")
    warehouse = generate(root / "warehouse.duckdb", 0.01, 42).path
    product = root / "product"
    source = samples_dir() / "catalog" / "claims-frequency-by-region"
    shutil.copytree(source, product, ignore=shutil.ignore_patterns("__pycache__"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PAIRLAB_CACHE_DIR", str(root / "kept-index"))
        patch.setenv("PAIRLAB_WAREHOUSE_PATH", str(warehouse))
        products.publish(product, url=f"duckdb:///{warehouse}", catalog=root / "catalog")
    return root / "catalog"
