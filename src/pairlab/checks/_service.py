"""The server's face on the checks: paths kept inside the root, notebooks cached by mtime."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import Any

from pairlab.checks._notebook import Notebook, load_notebook
from pairlab.checks._runner import (
    Report,
    lesson_notebook,
    parse_only,
    parse_set,
    run_checks,
    run_step,
    select,
)
from pairlab.errors import BadInput, Forbidden, NotFound

CACHE_SIZE = 64
CACHE_BYTES = 64 * 2**20  # a few notebooks with 5 MB outputs must not pin the server's memory
_DRIVE = re.compile(r"^[A-Za-z]:")


class CheckService:
    """Run checks for requests: one per server, kept in the web app's settings."""

    def __init__(self, root: Path, *, allow_hidden: bool = False, workers: int = 2) -> None:
        self.root = root.resolve()
        self.allow_hidden = allow_hidden
        # Checks block on files and subprocesses; they run here, never on the event loop.
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pairlab-check")
        self._cache: OrderedDict[Path, tuple[tuple[int, int], Notebook]] = OrderedDict()
        self._cached_bytes = 0
        self._lock = threading.Lock()

    def resolve(self, relative: Any) -> Path:
        """Return the file or folder `relative` names inside the root, or refuse it."""
        if not isinstance(relative, str) or not relative.strip():
            raise BadInput("'path' must be a non-empty string", "send a path relative to the root")
        if "\x00" in relative:
            raise BadInput("'path' holds a NUL character", "send a plain relative path")
        pure = PurePosixPath(relative.replace("\\", "/"))
        if pure.is_absolute() or _DRIVE.match(relative):
            raise Forbidden("'path' must be relative to the server root", "drop the leading /")
        if ".." in pure.parts:
            raise Forbidden("'path' may not climb out with '..'", "send a path below the root")
        if not self.allow_hidden and any(p.startswith(".") for p in pure.parts):
            raise Forbidden("'path' names a hidden file or folder", "hidden files are not served")
        try:
            resolved = (self.root / pure).resolve()  # follows symlinks: an escape shows here
        except (OSError, RuntimeError):  # a symlink loop
            raise Forbidden("'path' is a symlink that leads nowhere", "fix or remove it") from None
        if not resolved.is_relative_to(self.root):
            raise Forbidden("'path' leads outside the server root", "check files inside it")
        if not resolved.exists():
            raise NotFound(f"no file or folder '{relative}'", "send a path that exists")
        return resolved

    def load(self, path: Path) -> Notebook:
        """Return the parsed notebook, reusing the last parse while its mtime and size hold."""
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            hit = self._cache.get(path)
            if hit and hit[0] == key:
                self._cache.move_to_end(path)
                return hit[1]
        notebook = load_notebook(path)
        with self._lock:
            old = self._cache.pop(path, None)
            self._cached_bytes += stat.st_size - (old[0][1] if old else 0)
            self._cache[path] = (key, notebook)
            while len(self._cache) > 1 and (
                len(self._cache) > CACHE_SIZE or self._cached_bytes > CACHE_BYTES
            ):
                _, ((_, size), _) = self._cache.popitem(last=False)
                self._cached_bytes -= size
        return notebook

    def check(
        self, relative: str, step: str | None = None, only: Any = None, named: str | None = None
    ) -> Report:
        """Run a step, a named set or `only` on `relative` (blocking: use the executor)."""
        path = self.resolve(relative)
        target = lesson_notebook(path, step)
        label = target.relative_to(self.root).as_posix() if target != path else relative
        if step and only is None:
            return run_step(path, step, loader=self.load, ceiling=self.root, label=label)
        ids = list(parse_set(named) or ()) if named else parse_only(only)
        chosen = select(step, ids)
        return run_checks(target, chosen, loader=self.load, ceiling=self.root, label=label)

    def close(self) -> None:
        """Stop the worker threads."""
        self.executor.shutdown(wait=False, cancel_futures=True)
