"""Reuse the last promote's checked result while nothing it depended on has changed.

A promote runs both notebooks, the product's checks and its CI from a fresh clone: about two
minutes. Run again on the same notebook, files, warehouse and options into the product it
wrote, left as it was, it would write nothing and pass the same way; lesson 9's Check runs the
pair's promote again in a fresh kernel. So a promote that passed records a key of everything
it read, with what it printed; the next promote with the same key into the unedited product
prints that and runs nothing. Any change (a byte of the notebook, a module or data file it
reads, the warehouse file, the options, pairlab's version, a file of the product) promotes
again, and so does PAIRLAB_CHECK_RUNS=cold (every fresh run from scratch, as measured before).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from pairlab import __version__
from pairlab._files import write_text_atomic
from pairlab.promote import _commit, _data
from pairlab.promote._model import Analysis
from pairlab.warehouse.connection import ENV_URL, default_path

# In git's own folder: never committed, never in a clone, so a clone (or a product without
# git) promotes again; copied with the product, so a scratch copy of the pair's folder reuses.
RECORD = ".git/pairlab-promote.json"
COLD_ENV = "PAIRLAB_CHECK_RUNS"


@dataclass(frozen=True)
class Recorded:
    """What a promote that passed printed: its decision table, the gate's lines, the checks."""

    table: str
    verdicts: list[str]
    report: str


def _file(path: Path) -> str:
    """Return the SHA-256 of a file, or 'absent'."""
    try:
        return _commit.sha(path.read_bytes())
    except OSError:
        return "absent"


def _warehouse() -> list[str] | None:
    """Return the embedded warehouse file's identity, or None for a remote one (data may move)."""
    if os.environ.get(ENV_URL):
        return None
    path = default_path()
    try:
        stat = path.stat()
    except OSError:
        return [str(path), "absent"]
    return [str(path), str(stat.st_size), str(stat.st_mtime_ns)]


def key(analysis: Analysis, name: str, options: dict[str, object]) -> str | None:
    """Return the hash of everything a promote of `analysis` reads, or None when unknowable."""
    warehouse = _warehouse()
    if warehouse is None or any(read.kind != "local" for read in analysis.reads):
        return None  # a URL or a remote warehouse can change without a trace here
    parts = {
        "pairlab": __version__,
        "python": sys.executable,
        "name": name,
        "options": options,
        "notebook": _file(analysis.path),
        "modules": {m: _file(p) for m, p in sorted(analysis.local_modules.items())},
        "data": {rel: _file(p) for rel, p in sorted(_data.carried(analysis).items())},
        "warehouse": warehouse,
    }
    return _commit.sha(json.dumps(parts, sort_keys=True).encode())


def recall(dest: Path, wanted: str | None) -> Recorded | None:
    """Return what the last promote into `dest` printed if its key is `wanted` and `dest` is
    as it wrote it; else None."""
    if wanted is None or os.environ.get(COLD_ENV) == "cold":
        return None
    try:
        record = json.loads((dest / RECORD).read_text(encoding="utf-8"))
        if record["key"] != wanted or record["manifest"] != _file(dest / _commit.MANIFEST):
            return None
        recorded = Recorded(str(record["table"]), list(record["verdicts"]), str(record["report"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return recorded if _commit.unchanged(dest) else None


def remember(dest: Path, wanted: str | None, recorded: Recorded) -> None:
    """Record a passing promote's key and output beside the product's git repository."""
    if wanted is None or not (dest / ".git").is_dir():
        return
    data = {"key": wanted, "manifest": _file(dest / _commit.MANIFEST), **recorded.__dict__}
    write_text_atomic(dest / RECORD, json.dumps(data, indent=1) + "\n", check=False)
