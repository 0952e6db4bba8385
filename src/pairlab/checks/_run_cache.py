"""Remembered fresh runs: the same cells on the same files and warehouse give the same run.

A fresh run's verdict depends on what the kernel was given: the cells of the copy, the
parameters, the kernel, the environment, every file of the scratch copy and the warehouse.
The key hashes all of these (a large file by its size and time, too slow to read each time),
so checking step 2 after step 4 of an unchanged notebook, or answers-match after
runs-top-to-bottom on the same cells, runs nothing again. Entries live under pairlab's cache
folder, the least recently used dropped once the folder grows beyond its bound.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pairlab import _process
from pairlab._files import write_text_atomic
from pairlab.checks._model import Context
from pairlab.checks._scratch import _ignore, _root

FORMAT = 1  # bump when what a key covers or an entry holds changes
SIZE_ENV = "PAIRLAB_RUN_CACHE_MB"
DEFAULT_MB = 256
HASH_UP_TO = 4 * 2**20  # larger files are known by size and modification time
RACY_NS = 2_000_000_000  # a file changed this recently is read again, not remembered
_PLACEHOLDER = "<<pairlab-volatile-{}>>"
_RAISED = re.compile(r'"output_type":\s*"error"')
_DIGESTS: dict[tuple[str, int, int, int], str] = {}  # path, size, mtime, inode -> sha256
_LOCK = threading.Lock()


def _file_digest(path: Path, st: os.stat_result) -> str:
    """Return what stands for one file's content: its SHA-256, or its size and time if large."""
    if st.st_size > HASH_UP_TO:
        return f"stat:{st.st_size}:{st.st_mtime_ns}"
    memo = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    with _LOCK:
        known = _DIGESTS.get(memo)
    if known is not None:
        return known
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:  # the scratch copy will say so; keep the key distinct
        return f"unreadable:{exc.errno}"
    if time.time_ns() - st.st_mtime_ns > RACY_NS:  # a write in the same tick would not move mtime
        with _LOCK:
            _DIGESTS[memo] = digest
    return digest


def _walk(root: Path) -> Iterator[tuple[str, str]]:
    """Yield (relative path, content digest) for each file the scratch copy would hold."""
    for folder, dirs, files in os.walk(root):
        left_out = _ignore(folder, [*dirs, *files])
        dirs[:] = sorted(d for d in dirs if d not in left_out)
        for name in sorted(n for n in [*files, *dirs] if n not in left_out):
            path = Path(folder, name)
            rel = str(path.relative_to(root))
            try:
                st = path.lstat()
            except OSError:
                continue
            if path.is_symlink():
                yield rel, f"link:{os.readlink(path)}"
            elif path.is_file():
                yield rel, _file_digest(path, st)


def project_digest(ctx: Context) -> str:
    """Return the digest of every file a scratch copy of the pair's project would hold."""
    root = _root(ctx)
    outer = hashlib.sha256(str(root).encode())
    for rel, digest in _walk(root):
        outer.update(f"{rel}\0{digest}\n".encode())
    return outer.hexdigest()


def warehouse_identity(env: Mapping[str, str]) -> str:
    """Return which warehouse a run with `env` opens: the URL without secrets, or file + stat."""
    from pairlab.warehouse import default_path, redact
    from pairlab.warehouse.connection import ENV_PATH, ENV_URL

    if env.get(ENV_URL):
        return f"url:{redact(env[ENV_URL])}"
    configured = env.get(ENV_PATH)
    path = Path(configured).expanduser().resolve() if configured else default_path()
    parts = [str(path)]
    for file in (path, path.with_name(path.name + ".wal")):
        try:
            st = file.stat()
            parts.append(f"{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append("absent")
    return "file:" + ":".join(parts)


def hide(text: str, volatile: Sequence[str]) -> str:
    """Return `text` with each value random to the run replaced by a stable placeholder."""
    for i, value in sorted(enumerate(volatile), key=lambda p: -len(p[1])):
        text = text.replace(value, _PLACEHOLDER.format(i))
    return text


def reveal(text: str, volatile: Sequence[str]) -> str:
    """Return `text` with the placeholders replaced by this run's values."""
    for i, value in enumerate(volatile):
        text = text.replace(_PLACEHOLDER.format(i), value)
    return text


def run_key(
    ctx: Context,
    copy_text: str,
    args: Mapping[str, Any],
    kernel: str,
    env: Mapping[str, str],
    volatile: Sequence[str] = (),
) -> str:
    """Return the key of a run: everything a cold run's outcome could depend on."""
    from pairlab import __version__

    whole_env = {**os.environ, **env}
    for name in _UNRELATED_ENV:
        whole_env.pop(name, None)
    parts = {
        "format": FORMAT,
        "copy": hide(copy_text, volatile),
        "args": {k: args[k] for k in sorted(args) if k in _RUN_ARGS},
        "kernel": kernel,
        "env": sorted(whole_env.items()),
        "project": project_digest(ctx),
        "notebook": str(ctx.path.resolve().relative_to(_root(ctx))),
        "warehouse": warehouse_identity(whole_env),
        "pairlab": __version__,
        "python": sys.executable,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


_RUN_ARGS = {"parameters", "kernel", "cell_timeout", "timeout"}
# Set by whoever calls pairlab, different on each call, read by no notebook.
_UNRELATED_ENV = ("PYTEST_CURRENT_TEST",)


def cacheable(done: _process.Completed, executed: str, volatile: Sequence[str]) -> bool:
    """Return whether a run may be remembered: finished on its own, no placeholder faked."""
    if done.timed_out or done.cancelled or "pairlab-volatile-" in executed:
        return False
    # A slow machine, a missing kernel or a crash is not the notebook's doing: run again.
    # A failure is remembered only when a cell raised, which the same cells will do again.
    transient = ("CellTimeoutError", "Timeout waiting", "NoSuchKernel", "DeadKernelError")
    if any(word in done.stderr for word in transient):
        return False
    return done.ok or _RAISED.search(executed) is not None


def cache_folder() -> Path:
    """Return where remembered runs live, under pairlab's cache folder."""
    from pairlab.catalog.kept import cache_dir

    return cache_dir() / "runs"


def max_bytes() -> int:
    """Return the cache's bound in bytes: $PAIRLAB_RUN_CACHE_MB, else DEFAULT_MB."""
    try:
        return int(float(os.environ.get(SIZE_ENV, DEFAULT_MB)) * 2**20)
    except ValueError:
        return DEFAULT_MB * 2**20


def load(key: str, volatile: Sequence[str]) -> tuple[_process.Completed, str] | None:
    """Return the remembered run and its executed notebook's text, or None."""
    entry = cache_folder() / f"{key}.json"
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
        done = _process.Completed(**{**data["completed"], "argv": tuple(data["completed"]["argv"])})
        executed = reveal(data["executed"], volatile)
        os.utime(entry)  # most recently used
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return done, executed


def store(key: str, done: _process.Completed, executed: str, volatile: Sequence[str]) -> None:
    """Remember a run, then drop the least recently used entries beyond the bound."""
    if not cacheable(done, executed, volatile):
        return
    folder = cache_folder()
    data = {"completed": asdict(done), "executed": hide(executed, volatile)}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_text_atomic(folder / f"{key}.json", json.dumps(data), check=False)
        _evict(folder, max_bytes())
    except OSError:
        return  # a cache that cannot be written only costs time


def _evict(folder: Path, bound: int) -> None:
    """Delete the least recently used entries until the folder holds at most `bound` bytes."""
    entries = []
    for path in folder.glob("*.json"):
        try:
            st = path.stat()
        except OSError:
            continue
        entries.append((st.st_mtime_ns, st.st_size, path))
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries, key=lambda e: e[0]):
        if total <= bound:
            break
        path.unlink(missing_ok=True)
        total -= size
