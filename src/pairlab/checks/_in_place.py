"""Remembered lesson runs: a notebook run in place, replayed with every file it wrote.

A lesson's own run (`pairlab curriculum run`) executes the notebook in its folder, and its
cells write there: tests, a git repository, a promoted product, a copy of the warehouse. The
steps' checks read those files, so remembering only the executed notebook is not enough: an
entry keeps each file the run added or changed (and which it removed), and a replay puts them
back byte for byte, so every check after it sees what a cold run would have left. The key is
the run cache's: the folder's files, the kernel, the environment, the warehouse's content,
pairlab and the day, with the folder's and the warehouse's paths hidden, so the same lessons
staged elsewhere replay. A run that wrote a link, or a binary file naming where it ran, or
more than MAX_WRITTEN bytes, is not remembered.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from pairlab import _process
from pairlab._files import write_bytes_atomic
from pairlab.checks import _run_cache

MAX_WRITTEN = 64 * 2**20
_MARK = "pairlab-volatile-"


def _snapshot(folder: Path, volatile: Sequence[str]) -> dict[str, str]:
    """Return each folder, file and link under `folder` (caches left out) with what it holds."""
    return dict(_run_cache._walk(folder, volatile, folders=True))


def _key(
    path: Path, args: Mapping[str, Any], before: dict[str, str], volatile: Sequence[str]
) -> str:
    """Return the key of one notebook's run in place: everything its outcome could depend on."""
    whole_env = _run_cache._whole_env({})
    parts = {
        "format": _run_cache.FORMAT,
        "what": "in place",
        "notebook": path.name,
        "folder": sorted(before.items()),
        "args": {k: args[k] for k in sorted(args)},
        "env": sorted((k, _run_cache.hide(v, volatile)) for k, v in whole_env.items()),
        "warehouse": _run_cache.warehouse_identity(whole_env),
        **_run_cache.surroundings(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _written(
    folder: Path, before: dict[str, str], volatile: Sequence[str]
) -> dict[str, Any] | None:
    """Return what the run wrote (files, folders, removals), or None when it cannot be kept."""
    after = _snapshot(folder, volatile)
    files: dict[str, dict[str, Any]] = {}
    total = 0
    now = time.time_ns()
    for rel, what in sorted(after.items()):
        if before.get(rel) == what or what == "dir":
            continue
        if what.startswith("link:"):
            return None
        path = folder / rel
        data = path.read_bytes()
        total += len(data)
        # How long before now it was written: tools that compare times (jupytext's pairing,
        # make) must find the files in the order the run wrote them.
        kept: dict[str, Any] = {"mode": what.rsplit(":", 1)[1]}
        kept["age_ns"] = max(0, now - path.stat().st_mtime_ns)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            if total > MAX_WRITTEN or any(v.encode() in data for v in volatile):
                return None  # too big, or a binary file that says where it ran
            files[rel] = {**kept, "base64": base64.b64encode(data).decode()}
            continue
        if total > MAX_WRITTEN or _MARK in text:
            return None
        files[rel] = {**kept, "text": _run_cache.hide(text, volatile)}
    return {
        "files": files,
        "folders": sorted(r for r, w in after.items() if w == "dir" and r not in before),
        "removed": sorted(r for r in before if r not in after),
    }


def _replay(folder: Path, entry: dict[str, Any], volatile: Sequence[str]) -> None:
    """Put back what a remembered run wrote into `folder`."""
    for rel in entry["removed"]:
        target = folder / rel
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
    for rel in entry["folders"]:
        (folder / rel).mkdir(parents=True, exist_ok=True)
    now = time.time_ns()
    for rel, file in entry["files"].items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if "text" in file:
            data = _run_cache.reveal(file["text"], volatile).encode("utf-8")
        else:
            data = base64.b64decode(file["base64"])
        write_bytes_atomic(target, data, check=False)
        target.chmod(int(file["mode"], 8))
        written = now - int(file["age_ns"])
        os.utime(target, ns=(written, written))


def remembered_in_place(
    path: Path, args: Mapping[str, Any], run: Callable[[], _process.Completed]
) -> _process.Completed:
    """Return `run()`, the notebook at `path` run in its folder, or replay the same run made before.

    A run is remembered only when it finished on its own (cells that raised included, as for
    a fresh run) and nothing it wrote is too large or says where it ran in binary.
    """
    folder = path.parent.resolve()
    volatile = _run_cache.places_of([folder], {})
    before = _snapshot(folder, volatile)
    key = _key(path, args, before, volatile)
    entry_path = _run_cache.cache_folder() / f"{key}.json"
    try:
        data = json.loads(entry_path.read_text(encoding="utf-8"))
        done = _run_cache.completed(data["completed"])
        _replay(folder, data["written"], volatile)
        os.utime(entry_path)  # most recently used
        return done
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not remembered (or unreadable): run it
    done = replace(run(), remembered=False)
    try:
        executed = path.read_text(encoding="utf-8")
    except OSError:
        return done
    if not _run_cache.cacheable(done, executed, volatile):
        return done
    written = _written(folder, before, volatile)
    if written is not None:
        text = json.dumps({"completed": asdict(done), "written": written})
        _run_cache._write(entry_path, text)
    return done
