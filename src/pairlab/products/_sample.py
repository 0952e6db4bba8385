"""Publish the sample product a workspace's lessons reuse, so lesson 2 reads what exists.

`pairlab lab` calls `seed_sample(workspace)` when it sets a workspace up: the actuarial team's
`claims-frequency-by-region` is published into the embedded warehouse's `products` schema and
registered in the workspace's `catalog/`, as its owner would have done. Lesson 2 then reads it
by name with `products.read`. Seeding never stands in the way of the lab: a warehouse at a URL
(the company's: nothing is written there), a warehouse another process holds open, or any
publish error leaves the workspace as it was and says why in the log. Done twice, it does
nothing: the registered descriptor already names a table the warehouse has.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from pairlab.errors import PairlabError
from pairlab.products._publish import PublishResult, publish
from pairlab.products._read import connect_published
from pairlab.products._store import SCHEMA, table_name
from pairlab.resources import samples_dir
from pairlab.warehouse.connection import ENV_URL, default_path
from pairlab.warehouse.generator import DEFAULT_SCALE, DEFAULT_SEED, generate

log = logging.getLogger(__name__)
# warehouse file -> the catalog folder this process registered the sample in: another workspace
# on the same warehouse (a lesson run stages one per lesson) gets a copy, not a second build.
_registered: dict[Path, Path] = {}
SAMPLE_ID, SAMPLE_PORT = "claims-frequency-by-region", "monthly_claims_kpis"
SAMPLE_NAME = f"{SAMPLE_ID}.{SAMPLE_PORT}"  # what lesson 2 reads
CATALOG = "catalog"  # the workspace's catalog folder (the lab copies the sample catalog there)


def _published(catalog: Path, warehouse: Path) -> bool:
    """Return whether the catalog's sample names its table and the warehouse holds it."""
    import yaml

    path = catalog / SAMPLE_ID / "dataproduct.yaml"
    if not path.is_file() or not warehouse.is_file():
        return False
    if f"{SCHEMA}.{table_name(SAMPLE_ID, SAMPLE_PORT)}" not in path.read_text(encoding="utf-8"):
        return False
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    props = [
        p for port in data.get("outputPorts") or [] for p in port.get("customProperties") or []
    ]
    server = next((str(p.get("value")) for p in props if p.get("property") == "server"), "")
    if server != f"duckdb://{warehouse}":
        return False  # registered for another warehouse file: publish here
    con = connect_published(server)
    try:
        return table_name(SAMPLE_ID, SAMPLE_PORT) in con.list_tables(database=SCHEMA)
    finally:
        con.disconnect()


def seed_sample(
    workspace: Path | str, warehouse: Path | None = None, *, with_catalog: bool = False
) -> PublishResult | None:
    """Publish the sample product into the embedded warehouse and `workspace`/catalog.

    With `with_catalog`, a workspace without a catalog first gets the sample catalog (as the lab
    copies it; a lesson run stages bare folders). Returns what publish did, or None when there
    was nothing to do or it could not be done.
    """
    if warehouse is None and os.environ.get(ENV_URL):
        log.info("pairlab: %s names a warehouse: the sample product is not published", ENV_URL)
        return None
    path = (warehouse or default_path()).resolve()
    catalog = Path(workspace) / CATALOG
    if with_catalog and not catalog.exists():
        shutil.copytree(
            samples_dir() / CATALOG, catalog, ignore=shutil.ignore_patterns("__pycache__")
        )
    if not catalog.is_dir():  # only the core's workspace holds the sample catalog
        return None
    try:
        if _published(catalog, path):
            return None
        done = _registered.get(path)
        if done is not None and done.is_dir():
            shutil.copytree(done, catalog / SAMPLE_ID, dirs_exist_ok=True)
            if _published(catalog, path):
                return None
        if not path.exists():  # a fresh machine: the embedded warehouse as connect() makes it
            generate(path, DEFAULT_SCALE, DEFAULT_SEED)
        result = publish(samples_dir() / CATALOG / SAMPLE_ID, url=f"duckdb://{path}",
                         catalog=catalog)  # fmt: skip
        _registered[path] = catalog / SAMPLE_ID
        return result
    except (PairlabError, OSError) as exc:  # the lab starts anyway; lesson 2 says what is missing
        log.warning("pairlab: could not publish the sample product %s: %s", SAMPLE_ID, exc)
        return None
