"""An on-disk outbox of reads: a read is a file until a flush has put it in the store.

The same shape as the hub's session-event outbox (`pairlab.hub._forward`: one JSON file per
item, named by time and a counter, written aside and renamed into place, so a reader of the
folder never sees half an item). It lives here because usage sits below the hub's layer; the
two could share one module in the plumbing layer.
"""

from __future__ import annotations

import itertools
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import platformdirs

OUTBOX_ENV = "PAIRLAB_USAGE_OUTBOX"
BAD = "unreadable"  # items that are not JSON any more are kept here, never dropped
_seq = itertools.count()


def default_outbox() -> Path:
    """Return $PAIRLAB_USAGE_OUTBOX, else the outbox folder in the user's data folder."""
    configured = os.environ.get(OUTBOX_ENV)
    return (
        Path(configured) if configured else platformdirs.user_data_path("pairlab") / "usage-outbox"
    )


def put(folder: Path, item: dict[str, Any]) -> Path:
    """Write one item into the outbox atomically; return its file."""
    name = f"{time.time_ns():020d}-{os.getpid()}-{next(_seq):06d}.json"
    scratch = folder / f".{name}.tmp"
    try:
        scratch.write_text(json.dumps(item), encoding="utf-8")
    except FileNotFoundError:
        folder.mkdir(parents=True, exist_ok=True)
        scratch.write_text(json.dumps(item), encoding="utf-8")
    os.replace(scratch, folder / name)
    return folder / name


def pending(folder: Path) -> list[Path]:
    """Return the items not yet delivered, oldest first."""
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def drain(folder: Path, deliver: Callable[[list[dict[str, Any]]], int], batch: int = 1000) -> int:
    """Deliver pending items in batches, removing each batch once delivered; sum what it says.

    `deliver` raising leaves the batch in the outbox for the next flush: nothing is lost, and
    delivering twice is harmless because every item carries its own key.
    """
    done = 0
    files = pending(folder)
    for start in range(0, len(files), batch):
        chunk, items = files[start : start + batch], []
        for path in chunk:
            try:
                items.append(json.loads(path.read_text(encoding="utf-8")))
            except FileNotFoundError:  # another flush took it
                continue
            except ValueError:
                (folder / BAD).mkdir(exist_ok=True)
                path.replace(folder / BAD / path.name)
        done += deliver(items)
        for path in chunk:
            path.unlink(missing_ok=True)
    return done
