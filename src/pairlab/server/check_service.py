"""The server's check runner: a worker pool and parses cached by mtime, over `checks.run`."""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cached_property
from pathlib import Path
from typing import Any

from pairlab._paths import resolve_in_root
from pairlab.checks import CheckRequest, Report, Watch, run
from pairlab.notebook import Notebook, load_notebook
from pairlab.server.check_jobs import CheckJobs

CACHE_SIZE = 64
CACHE_BYTES = 64 * 2**20  # a few notebooks with 5 MB outputs must not pin the server's memory


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
        return resolve_in_root(self.root, relative, allow_hidden=self.allow_hidden)

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

    def check(self, request: CheckRequest, watch: Watch | None = None) -> Report:
        """Run `request` inside the root through the checks' door (blocking: use the executor)."""
        return run(
            request, root=self.root, allow_hidden=self.allow_hidden, loader=self.load, watch=watch
        )

    def submit(self, request: CheckRequest, watch: Watch) -> Future[Report]:
        """Start `request` on the workers under `watch`; return its future."""
        return self.executor.submit(self.check, request, watch)

    @cached_property
    def jobs(self) -> CheckJobs:
        """Make the check jobs (watched, cancellable, shared by equal requests) on first use."""
        return CheckJobs(self.submit)

    def close(self) -> None:
        """Stop the worker threads, cancelling running check jobs first."""
        if "jobs" in self.__dict__:
            self.jobs.cancel_all()
        self.executor.shutdown(wait=False, cancel_futures=True)
