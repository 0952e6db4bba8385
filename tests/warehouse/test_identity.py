"""A warehouse's identity is its content: the same after regenerating it, new after any write."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pairlab.warehouse import identity as identity_module
from pairlab.warehouse.identity import content_identity


@pytest.fixture
def generations(warehouse_generations) -> dict[str, Path]:
    """Return two generations of the default warehouse and one of another seed."""
    return warehouse_generations


def test_two_generations_hold_the_same_content_in_different_bytes(generations):
    first, again = generations["first"], generations["again"]
    assert first.read_bytes() != again.read_bytes()  # why the bytes cannot be the identity
    assert content_identity(first) == content_identity(again) is not None
    assert content_identity(generations["other"]) != content_identity(first)


@pytest.mark.parametrize(
    "write",
    [
        "UPDATE claims SET incurred = incurred + 1 WHERE rowid = 0",
        "CREATE TABLE extra AS SELECT 1 AS x",
        "CREATE VIEW recent AS SELECT * FROM claims",
        "ALTER TABLE claims RENAME COLUMN incurred TO incurred_amount",
    ],
    ids=["a value", "a table", "a view", "a column name"],
)
def test_any_write_gives_a_new_identity(generations, tmp_path, write):
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(generations["first"], copy)
    before = content_identity(copy)
    con = duckdb.connect(str(copy))
    con.execute(write)
    con.close()
    assert content_identity(copy) not in (before, None)


def test_a_file_it_cannot_read_has_no_content_identity(generations, tmp_path):
    assert content_identity(tmp_path / "missing.duckdb") is None
    (tmp_path / "not.duckdb").write_bytes(b"not a warehouse")
    assert content_identity(tmp_path / "not.duckdb") is None
    copy = tmp_path / "pending.duckdb"
    shutil.copyfile(generations["first"], copy)
    (tmp_path / "pending.duckdb.wal").write_bytes(b"")  # a write not yet folded in
    assert content_identity(copy) is None


def test_a_warehouse_a_writer_holds_has_none_until_it_lets_go(generations, tmp_path):
    copy = tmp_path / "held.duckdb"
    shutil.copyfile(generations["first"], copy)
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, sys; c = duckdb.connect({str(copy)!r}); "
         "print('held', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        assert content_identity(copy) is None  # never waits on, or blocks, the writer
    finally:
        holder.communicate("", timeout=30)
    assert content_identity(copy) == content_identity(generations["first"])


def test_each_version_of_a_file_is_read_once(generations, tmp_path, monkeypatch):
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(generations["first"], copy)
    reads = []
    real = identity_module._read
    monkeypatch.setattr(identity_module, "_read", lambda path: reads.append(path) or real(path))
    first = content_identity(copy)
    monkeypatch.setattr(identity_module, "_KNOWN", {})  # a new process: only the disk remembers
    assert content_identity(copy) == first and len(reads) == 1
    time.sleep(0.01)
    copy.touch()  # a new version of the file, by its time
    assert content_identity(copy) == first and len(reads) == 2
