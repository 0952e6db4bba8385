"""The kept index: a warm run reads no product, a changed file is read again, damage rebuilds."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from pairlab._files import CACHE_ENV
from pairlab.catalog import kept, load_catalog
from pairlab.catalog.index import read_product


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every product folder read, and forget in-process catalogs (a new process)."""
    seen: list[Path] = []

    def counting(folder: Path, strict: bool):
        seen.append(folder)
        return read_product(folder, strict)

    monkeypatch.setattr(kept, "read_product", counting)
    monkeypatch.setattr(kept, "_MEMORY", {})
    return seen


def _new_process(monkeypatch: pytest.MonkeyPatch, reads: list[Path]) -> None:
    monkeypatch.setattr(kept, "_MEMORY", {})
    reads.clear()


def _age(root: Path, seconds: int = 60) -> None:
    """Date every file and folder back, as if the catalog was written a minute ago."""
    past = time.time() - seconds
    for folder, _, files in os.walk(root):
        for name in [*files, "."]:
            os.utime(Path(folder, name), (past, past))


def test_a_warm_run_reads_no_product(monkeypatch, reads, catalog_copy: Path) -> None:
    _age(catalog_copy)
    cold = load_catalog([catalog_copy])
    assert len(reads) == 5 and len(list(Path(os.environ[CACHE_ENV]).glob("catalog/*.npz")))
    _new_process(monkeypatch, reads)
    warm = load_catalog([catalog_copy])
    assert reads == []
    assert list(warm.entries) == list(cold.entries) and warm.problems == cold.problems
    query = "monthly claims frequency by region"
    assert [h.entry.id for h in warm.search(query)] == [h.entry.id for h in cold.search(query)]
    fresh = load_catalog([catalog_copy], keep=False)
    assert [(h.entry.id, round(h.score, 6)) for h in warm.search(query)] == [
        (h.entry.id, round(h.score, 6)) for h in fresh.search(query)
    ]
    assert load_catalog([catalog_copy]) is warm  # a server's next request: from memory


def test_only_changed_products_are_read_again(monkeypatch, reads, catalog_copy: Path) -> None:
    _age(catalog_copy)
    load_catalog([catalog_copy])
    contract = (
        catalog_copy / "premium-by-channel" / "contracts" / "monthly_written_premium.odcs.yaml"
    )
    stat = contract.stat()
    contract.write_text(contract.read_text().replace("status: active", "status: ACTIVE"))
    os.utime(contract, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime
    _new_process(monkeypatch, reads)
    load_catalog([catalog_copy])
    assert reads == []  # an old stamp that ties is trusted (as git does); the racy case is below
    # Every mtime moves: the hash tells the hidden edit from the files merely touched.
    _age(catalog_copy, 120)
    descriptor = catalog_copy / "customer-portfolio" / "dataproduct.yaml"
    descriptor.write_text(descriptor.read_text().replace("marketing", "marketeer"))
    _new_process(monkeypatch, reads)
    catalog = load_catalog([catalog_copy])
    assert sorted(reads) == [descriptor.parent, contract.parents[1]]
    assert catalog.search("marketeer")[0].entry.id == "customer-portfolio"
    _new_process(monkeypatch, reads)
    load_catalog([catalog_copy])
    assert reads == []


def test_a_tie_close_to_the_record_is_decided_by_the_hash(monkeypatch, reads, catalog_copy) -> None:
    _age(catalog_copy, 0)  # files written just now: within the racy window of the record
    load_catalog([catalog_copy])
    descriptor = catalog_copy / "customer-portfolio" / "dataproduct.yaml"
    stat = descriptor.stat()
    descriptor.write_text(descriptor.read_text().replace("marketing", "marketeer"))
    os.utime(descriptor, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    _new_process(monkeypatch, reads)
    assert load_catalog([catalog_copy]).search("marketeer")[0].entry.id == "customer-portfolio"
    assert reads == [descriptor.parent]


def test_a_touched_file_with_the_same_bytes_is_not_read(monkeypatch, reads, catalog_copy) -> None:
    _age(catalog_copy)
    load_catalog([catalog_copy])
    (catalog_copy / "customer-portfolio" / "dataproduct.yaml").touch()
    _new_process(monkeypatch, reads)
    load_catalog([catalog_copy])
    assert reads == []


def test_added_and_removed_products(monkeypatch, reads, catalog_copy: Path) -> None:
    load_catalog([catalog_copy])
    shutil.copytree(catalog_copy / "claims-settlement-times", catalog_copy / "team" / "twin")
    shutil.rmtree(catalog_copy / "premium-by-channel")
    _new_process(monkeypatch, reads)
    catalog = load_catalog([catalog_copy])
    assert reads == [catalog_copy / "team" / "twin"]
    assert catalog.get("premium-by-channel") is None
    assert [p.field for p in catalog.problems] == ["id"]  # the twin's id is taken


@pytest.mark.parametrize("damage", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_a_damaged_index_is_rebuilt(monkeypatch, reads, catalog_copy: Path, damage) -> None:
    load_catalog([catalog_copy])
    [path] = Path(os.environ[CACHE_ENV]).glob("catalog/*.npz")
    path.write_bytes(damage)
    _new_process(monkeypatch, reads)
    assert len(load_catalog([catalog_copy]).entries) == 5 and len(reads) == 5
    _new_process(monkeypatch, reads)
    load_catalog([catalog_copy])
    assert reads == []  # rewritten whole
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no scratch file left


def test_each_set_of_roots_has_its_own_index(catalog_copy: Path) -> None:
    load_catalog([catalog_copy])
    load_catalog([catalog_copy / "customer-portfolio"])
    assert len(list(Path(os.environ[CACHE_ENV]).glob("catalog/*.npz"))) == 2


def test_an_unwritable_cache_only_loses_speed(monkeypatch, catalog_copy: Path, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))
    assert len(load_catalog([catalog_copy]).entries) == 5


def test_the_servers_similar_products_read_the_kept_index(catalog_copy: Path) -> None:
    from pairlab.catalog.load import cached_catalog

    first = cached_catalog([catalog_copy])
    assert cached_catalog([catalog_copy]) is first  # the next request: from memory
    assert list(Path(os.environ[CACHE_ENV]).glob("catalog/*.npz"))
    assert [o.entry.id for o in first.overlap(["customers"])] == ["customer-portfolio"]
