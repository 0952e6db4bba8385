"""An on-disk outbox of reads: each read is a line appended to its process's file until flushed.

The hub's session-event outbox (`pairlab.hub._forward`) writes one file per item and renames
it into place; on this machine's disk that costs 3.5 ms an item under load, more than the
query it would record. Here a read is one `write` of one JSON line to a file of the writing
process (about 10 us). A flush claims a file by renaming it, so new reads start a new file,
and takes the file's lock before reading it; a writer holds the same lock while it checks that
its file is still the unclaimed one and writes, so no line lands in a file already read.
Lines a killed writer left half written are kept aside, never dropped silently.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import platformdirs

OUTBOX_ENV = "PAIRLAB_USAGE_OUTBOX"
OPEN, CLAIMED, BAD = ".jsonl", ".claimed", "unreadable.jsonl"
_mine: dict[int, str] = {}  # pid -> this process's file name (a forked child gets its own)


def default_outbox() -> Path:
    """Return $PAIRLAB_USAGE_OUTBOX, else the outbox folder in the user's data folder."""
    configured = os.environ.get(OUTBOX_ENV)
    if configured:
        return Path(configured)
    return platformdirs.user_data_path("pairlab") / "usage-outbox"


def _file(folder: Path) -> Path:
    """Return this process's outbox file."""
    pid = os.getpid()
    if pid not in _mine:
        _mine[pid] = f"{time.time_ns():020d}-{pid}{OPEN}"
    return folder / _mine[pid]


def put(folder: Path, item: dict[str, Any]) -> None:
    """Append one item as a JSON line to this process's outbox file, under its lock."""
    line = (json.dumps(item, separators=(",", ":")) + "\n").encode("utf-8")
    path = _file(folder)
    for _ in range(100):  # a flush claimed the file between open and lock: open the new one
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except FileNotFoundError:
            folder.mkdir(parents=True, exist_ok=True)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                current = os.stat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                current = False
            if current:
                os.write(fd, line)
                return
        finally:
            os.close(fd)
    raise OSError(f"could not append to {path}")


def pending(folder: Path) -> list[Path]:
    """Return the outbox files holding reads not yet delivered, oldest first."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (OPEN, CLAIMED) and p.name != BAD)


def count(folder: Path) -> int:
    """Return how many items wait in the outbox."""
    return sum(p.read_bytes().count(b"\n") for p in pending(folder) if p.exists())


def _claim(path: Path) -> Path | None:
    """Rename an open file aside so writers start a new one; None if another flush took it."""
    if path.suffix == CLAIMED:
        return path
    claimed = path.with_name(f"{path.stem}-{uuid.uuid4().hex[:8]}{CLAIMED}")
    try:
        path.rename(claimed)
    except FileNotFoundError:
        return None
    return claimed


def _read_claimed(path: Path) -> list[dict[str, Any]]:
    """Read a claimed file once every writer that had it open is done; keep bad lines aside."""
    with path.open("rb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        raw = handle.read()
    items, bad = [], []
    for line in raw.splitlines():
        try:
            items.append(json.loads(line))
        except ValueError:
            bad.append(line)
    if bad:
        with (path.parent / BAD).open("ab") as aside:
            aside.write(b"\n".join(bad) + b"\n")
    return items


def drain(folder: Path, deliver: Callable[[list[dict[str, Any]]], int]) -> int:
    """Deliver each outbox file's items, removing the file once delivered; sum what it says.

    `deliver` raising leaves the file (claimed) for the next flush: nothing is lost, and
    delivering twice is harmless because every item carries its own key.
    """
    done = 0
    for path in pending(folder):
        claimed = _claim(path)
        if claimed is None:
            continue
        try:
            items = _read_claimed(claimed)
        except FileNotFoundError:  # another flush delivered it
            continue
        done += deliver(items)
        claimed.unlink(missing_ok=True)
    return done
