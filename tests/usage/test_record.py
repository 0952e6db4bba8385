"""Reads recorded where they happen: an outbox on disk, flushed into the shared store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pairlab import products, usage
from pairlab.errors import BadInput
from pairlab.usage import _outbox
from pairlab.usage._store import StoreDown

KPIS, PORT = "claims-frequency-by-region", "monthly_claims_kpis"
PROGRAM = """
central = "enablement"
[[teams]]
id = "enablement"
members = [{ name = "Tomas", role = "engineer", user = "tomas" }]
[[teams]]
id = "pricing"
members = [{ name = "Ana", role = "analyst", user = "ana" }]
"""


def waiting(tmp_path: Path) -> int:
    """Return how many reads wait in the test's outbox."""
    return _outbox.count(tmp_path / "outbox")


@pytest.mark.slow  # the product is published once for the session
def test_a_products_read_lands_in_the_store_with_reader_and_team(
    tmp_path: Path, store: usage.Store, monkeypatch: pytest.MonkeyPatch, published: Path
) -> None:
    """products.read records ana's read; the flush adds her team from the program."""
    (tmp_path / "program.toml").write_text(PROGRAM, encoding="utf-8")
    monkeypatch.setenv("PAIRLAB_USER", "ana")
    products.read(f"{KPIS}.{PORT}", catalog=published)
    assert waiting(tmp_path) == 1
    assert store.list() == []  # nothing reaches the store before a flush
    assert usage.flush(store) == 1
    [read] = store.list()
    assert (read.product, read.port, read.reader, read.team, read.source) == (
        KPIS, PORT, "ana", "pricing", "person",
    )  # fmt: skip
    assert waiting(tmp_path) == 0
    assert usage.flush(store) == 0


def test_reads_inside_a_pipeline_count_as_reuse(
    tmp_path: Path, store: usage.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A product's build reading another product is reuse by that product."""
    with usage.as_pipeline("pricing-rates"):
        usage.record_read(KPIS, PORT)
    monkeypatch.setenv("PAIRLAB_PIPELINE_PRODUCT", "renewal-pack")
    usage.record_read(KPIS, PORT)
    usage.flush(store)
    assert sorted((r.source, r.pipeline) for r in store.list()) == [
        ("pipeline", "pricing-rates"), ("pipeline", "renewal-pack"),
    ]  # fmt: skip


def test_recording_off_records_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PAIRLAB_USAGE=off: the read goes on, nothing is written."""
    monkeypatch.setenv("PAIRLAB_USAGE", "off")
    usage.record_read(KPIS, PORT)
    assert waiting(tmp_path) == 0


def test_an_unwritable_outbox_never_breaks_the_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The outbox path is a file: the read returns, and the log says why nothing was kept."""
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("PAIRLAB_USAGE_OUTBOX", str(blocker / "outbox"))
    usage.record_event(products.ReadEvent(KPIS, PORT, "t", "s"))  # the hook: no exception
    assert "could not record a read of claims-frequency-by-region" in caplog.text


def test_a_store_that_is_down_loses_nothing(tmp_path: Path) -> None:
    """Flushing into a store whose folder vanished keeps every read for the next flush."""
    for _ in range(3):
        usage.record_read(KPIS, PORT)
    gone = tmp_path / "gone"
    down = usage.Store(f"sqlite:///{gone / 'usage.sqlite'}")
    shutil.rmtree(gone)
    with pytest.raises(StoreDown, match=r"3 read\(s\) wait in"):
        usage.flush(down)
    assert waiting(tmp_path) == 3
    back = usage.Store(f"sqlite:///{tmp_path / 'back.sqlite'}")
    assert usage.flush(back) == 3
    assert len(back.list()) == 3


def test_a_read_delivered_twice_is_stored_once(tmp_path: Path, store: usage.Store) -> None:
    """An outbox item copied back (a flush interrupted after the insert) adds nothing."""
    usage.record_read(KPIS, PORT)
    [item] = _outbox.pending(tmp_path / "outbox")
    copy = item.read_bytes()
    usage.flush(store)
    (tmp_path / "outbox" / "again.jsonl").write_bytes(copy)
    assert usage.flush(store) == 0
    assert _outbox.pending(tmp_path / "outbox") == []
    assert len(store.list()) == 1


def test_an_unusable_store_url_is_one_line() -> None:
    """A URL SQLAlchemy cannot read names the option to fix."""
    with pytest.raises(BadInput, match="--store or PAIRLAB_USAGE_DB"):
        usage.Store("not a url")


def test_flushing_while_readers_record_loses_and_doubles_nothing(
    tmp_path: Path, store: usage.Store
) -> None:
    """4 readers append 250 reads each while flushes claim their files: 1,000 rows, once each."""
    import threading

    def read_many() -> None:
        for _ in range(250):
            usage.record_read(KPIS, PORT)

    readers = [threading.Thread(target=read_many) for _ in range(4)]
    for thread in readers:
        thread.start()
    flushed = 0
    while any(t.is_alive() for t in readers):
        flushed += usage.flush(store)
    for thread in readers:
        thread.join()
    flushed += usage.flush(store)
    assert flushed == 1000
    assert len({r.key for r in store.list()}) == 1000
    assert waiting(tmp_path) == 0


def test_who_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hub user first, then PAIRLAB_USER, then the OS account."""
    import getpass

    monkeypatch.delenv("PAIRLAB_USER", raising=False)
    assert usage.reader() == getpass.getuser()
    monkeypatch.setenv("PAIRLAB_USER", "ana")
    assert usage.reader() == "ana"
    monkeypatch.setenv("JUPYTERHUB_USER", "ana.hub")
    assert usage.reader() == "ana.hub"


def test_the_recorder_is_a_declared_read_hook_loaded_once() -> None:
    """usage's recorder reaches products' read hooks by entry point, once however often asked."""
    from pairlab.products import _read

    assert _read._hooks().count(usage.record_event) == 1
    assert _read._hooks().count(usage.record_event) == 1


def test_a_failing_read_hook_never_breaks_the_read() -> None:
    """A hook that raises is logged; the other hooks still hear of the read."""
    from pairlab.products import _read

    heard: list[products.ReadEvent] = []

    def broken(_event: products.ReadEvent) -> None:
        raise RuntimeError("the store is on fire")

    for hook in (broken, heard.append):
        products.on_read(hook)
    try:
        _read._tell_hooks(products.ReadEvent(KPIS, PORT, "t", "s"))
    finally:
        _read._HOOKS.remove(broken), _read._HOOKS.remove(heard.append)
    assert [e.product for e in heard] == [KPIS]


def test_flush_into_a_store_that_is_down_exits_2_and_keeps_the_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The store URL names a folder: one line saying how many reads wait, all still there."""
    from pairlab.cli import main

    usage.record_read(KPIS, PORT)
    (tmp_path / "a-folder").mkdir()
    with pytest.raises(SystemExit) as done:
        main(["usage", "flush", "--store", f"sqlite:///{tmp_path / 'a-folder'}"])
    assert done.value.code == 2
    assert "1 read(s) wait in" in capsys.readouterr().err
    assert waiting(tmp_path) == 1
