"""Pre-started kernels for a check's fresh run: each used once, then shut down and replaced.

A cold run pays a Python start, papermill's import, a kernel start and the notebook's heavy
imports. Here the kernel is already up, with pandas, numpy, DuckDB and friends in sys.modules
(no name bound in the notebook's namespace, so the run is as fresh as a cold one), and the
notebook runs through papermill in pairlab's own process. A kernel serves one run and is never
reused; one that died or ran anything since it started is thrown away. Nothing starts until a
check first asks for a kernel.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pairlab import _process
from pairlab._files import new_scratch_folder
from pairlab.checks._warm_kernels import PARENTS, warm_manager

if TYPE_CHECKING:  # jupyter_client costs 0.4 s to import: only a check that runs pays it
    from jupyter_client.manager import KernelManager

SIZE_ENV = "PAIRLAB_KERNEL_POOL"
DEFAULT_SIZE = 1
STARTERS = 4  # kernels starting at once, at most: a pool sized for more runs no faster
START_TIMEOUT = 60
# The curriculum's heavy imports; none reads an environment variable a check's run sets.
PRELOAD = ("numpy", "pandas", "pyarrow", "duckdb", "ibis", "yaml")
# A run may set these for its kernel (the second warehouse): pairlab is never pre-imported.
RUN_ENV_PREFIX = "PAIRLAB_"
RUN_ENV_NAMES = {"PYTEST_CURRENT_TEST"}  # differs on every call, read by no preloaded module
_STATE = "(get_ipython().execution_count, sorted(get_ipython().user_ns))"
_PRELOAD_CODE = """
def _pairlab_preload(names):
    import importlib
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:
            pass
_pairlab_preload({names!r})
del _pairlab_preload
"""
_PREPARE_CODE = """
def _pairlab_prepare(cwd, home, unset, values):
    import os, sys
    os.chdir(cwd)
    sys.path[:] = [cwd if entry == home else entry for entry in sys.path]
    for name in unset:
        os.environ.pop(name, None)
    os.environ.update(values)
_pairlab_prepare({cwd!r}, {home!r}, {unset!r}, {values!r})
del _pairlab_prepare
"""


class KernelTrouble(Exception):
    """A pooled kernel could not be prepared (it died, or someone ran code in it)."""


@dataclass
class Kernel:
    """One started kernel: its manager, the folder and environment it started with."""

    name: str
    km: KernelManager
    home: Path
    env: dict[str, str]
    state: str = ""  # execution count and namespace right after the preload
    used: bool = field(default=False)

    @property
    def pid(self) -> int | None:
        """Return the kernel process's id (it leads its own process group)."""
        process = getattr(self.km.provisioner, "process", None)
        return getattr(process, "pid", None)

    def kill(self) -> None:
        """Kill the kernel and whatever it started, at once, and reap it."""
        process = getattr(self.km.provisioner, "process", None)
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            process.wait(timeout=10)

    def execute_quietly(self, code: str) -> str:
        """Run `code` silently (no history, no execution count); return the state after it."""
        kc = self.km.blocking_client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=START_TIMEOUT)
            msg_id = kc.execute(
                code, silent=True, store_history=False, user_expressions={"s": _STATE}
            )
            while True:
                reply = kc.get_shell_msg(timeout=START_TIMEOUT)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
        except (RuntimeError, TimeoutError, OSError) as exc:
            raise KernelTrouble(f"the kernel did not answer ({exc})") from exc
        except Exception as exc:  # queue.Empty: no reply in time
            raise KernelTrouble("the kernel did not answer in time") from exc
        finally:
            close_client(kc)
        content = reply["content"]
        state = content.get("user_expressions", {}).get("s", {})
        if content.get("status") != "ok" or state.get("status") != "ok":
            raise KernelTrouble(f"the kernel refused pairlab's set-up: {content.get('evalue', '')}")
        return str(state["data"]["text/plain"])

    def prepare(self, cwd: Path, env: Mapping[str, str]) -> None:
        """Move the kernel into the run's folder and environment, if it is still as it started."""
        if not self.km.is_alive():
            raise KernelTrouble("the kernel died while it waited")
        unset = sorted(set(self.env) - set(env))
        values = {k: v for k, v in env.items() if self.env.get(k) != v}
        code = _PREPARE_CODE.format(cwd=str(cwd), home=str(self.home), unset=unset, values=values)
        if self.execute_quietly(code) != self.state:
            raise KernelTrouble("the kernel ran code since it started")


def pool_size() -> int:
    """Return how many idle kernels to keep per kernel name: $PAIRLAB_KERNEL_POOL, else 1."""
    try:
        return max(1, int(os.environ.get(SIZE_ENV, DEFAULT_SIZE)))
    except ValueError:
        return DEFAULT_SIZE


def _start(name: str, env: dict[str, str], home: Path) -> Kernel:
    """Start a kernel in `home` with `env` and load the heavy imports into it."""
    km = warm_manager(name, home, PRELOAD)  # forked from a warm parent: the imports are done
    # nbclient drives the kernel with asyncio; pairlab's own set-up uses a blocking client.
    km.client_class = "jupyter_client.asynchronous.AsyncKernelClient"
    # Started from the pool's long-lived thread: the kernel dies with that thread (pairlab).
    kernel = Kernel(name, km, home, env)
    try:
        km.start_kernel(cwd=str(home), env=env, preexec_fn=_process.child_dies_with_parent())
        kernel.state = kernel.execute_quietly(_PRELOAD_CODE.format(names=PRELOAD))
    except Exception:
        # A kernel that did not come up (two starts at once took the same port): release its
        # zmq context too, or its collection warns (an error under filterwarnings=error).
        shutdown(kernel)
        raise
    return kernel


def env_fits(kernel: Kernel, env: Mapping[str, str]) -> bool:
    """Return whether `env` differs from the kernel's start only where a run may set it."""
    keys = set(kernel.env) | set(env)
    changed = {k for k in keys if kernel.env.get(k) != env.get(k)}
    return all(k.startswith(RUN_ENV_PREFIX) or k in RUN_ENV_NAMES for k in changed)


class Pool:
    """Idle kernels per kernel name, started lazily by one long-lived thread."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._idle: dict[str, list[Future[Kernel]]] = {}
        self._lock = threading.Lock()
        # Worker threads that never end (kernels die with the thread that started them), as
        # many as may start at once: refills for several runs side by side start in parallel.
        self._starter = ThreadPoolExecutor(
            max_workers=STARTERS, thread_name_prefix="pairlab-kernels"
        )
        self._home: Path | None = None

    def _submit(self, name: str, env: Mapping[str, str]) -> Future[Kernel]:
        """Start a kernel in the background."""
        if self._home is None:
            self._home = new_scratch_folder("pairlab-kernels-")
        return self._starter.submit(_start, name, dict(env), self._home)

    def take(self, name: str, env: Mapping[str, str]) -> Kernel:
        """Return a started kernel for one run, and start its replacement in the background."""
        kernel: Kernel | None = None
        while kernel is None and (future := self._next_idle(name)) is not None:
            found = _result(future)
            if found is not None and env_fits(found, env) and not found.used:
                kernel = found
            elif found is not None:
                shutdown(found)
        if kernel is None:
            try:
                kernel = self._submit(name, env).result()
            except KernelTrouble:  # two starts at once drew one port: a new start draws anew
                kernel = self._submit(name, env).result()
        kernel.used = True
        with self._lock:
            idle = self._idle.setdefault(name, [])
            while len(idle) < self.size:
                idle.append(self._submit(name, env))
        return kernel

    def _next_idle(self, name: str) -> Future[Kernel] | None:
        """Take one idle kernel's start off the list: a started one first, else the oldest.

        One at a time: runs side by side each take their own, and none is thrown away.
        """
        with self._lock:
            waiting = self._idle.get(name, [])
            ready = [f for f in waiting if f.done()]
            if not waiting:
                return None
            chosen = ready[0] if ready else waiting[0]
            waiting.remove(chosen)
            return chosen

    @contextlib.contextmanager
    def sized(self, size: int) -> Iterator[None]:
        """Keep at least `size` idle kernels per name meanwhile (runs `size` side by side)."""
        with self._lock:
            before, self.size = self.size, max(self.size, min(size, STARTERS))
        try:
            yield
        finally:
            with self._lock:
                self.size = before
                extra = [f for futures in self._idle.values() for f in futures[before:]]
                for futures in self._idle.values():
                    del futures[before:]
            for kernel in filter(None, map(_result, extra)):  # back to the pool at rest
                shutdown(kernel)

    def idle(self, name: str) -> list[Kernel]:
        """Return the started idle kernels of `name`, waiting for those still starting."""
        with self._lock:
            waiting = list(self._idle.get(name, []))
        return [k for k in map(_result, waiting) if k is not None]

    def close(self) -> None:
        """Kill every idle kernel (pairlab is exiting)."""
        with self._lock:
            waiting = [f for futures in self._idle.values() for f in futures]
            self._idle.clear()
        for future in waiting:
            if future.cancel():
                continue
            # Starting already: wait for it and stop it, or its kernel and zmq context outlive
            # the pool (a warning when collected, an error under filterwarnings=error).
            kernel = _result(future)
            if kernel is not None:
                shutdown(kernel)
        PARENTS.close()


def _result(future: Future[Kernel]) -> Kernel | None:
    """Return the kernel a start produced, or None when it failed."""
    try:
        return future.result()
    except Exception:  # a failed refill is replaced by a synchronous start that reports why
        return None


_POOL: Pool | None = None
_POOL_LOCK = threading.Lock()


def pool() -> Pool:
    """Return the process's pool, made (not started) on first use."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = Pool(pool_size())
            atexit.register(_POOL.close)
        return _POOL


def watch_run(kernel: Kernel, should_stop: Callable[[], str | None]) -> Callable[[], str | None]:
    """Kill the kernel as soon as `should_stop` names a reason; return a stopper for the end.

    The returned function ends the watch and gives the reason the kernel was killed, if any.
    """
    finished = threading.Event()
    reason: list[str] = []

    def loop() -> None:
        while not finished.wait(_process.CANCEL_POLL):
            why = should_stop()
            if why:
                reason.append(why)
                kernel.kill()
                return

    thread = threading.Thread(target=loop, name="pairlab-run-watch", daemon=True)
    thread.start()

    def stop() -> str | None:
        finished.set()
        thread.join()
        return reason[0] if reason else None

    return stop


def shutdown(kernel: Kernel) -> None:
    """Throw a used kernel away: kill it and release its connection files."""
    kernel.kill()
    with contextlib.suppress(Exception):  # files in a temp folder; the kernel is gone
        kernel.km.cleanup_resources()
    kernel.km.context.destroy(linger=0)


def close_client(kc: Any) -> None:
    """Close a kernel client's sockets and the zmq context it made (else GC warns)."""
    kc.stop_channels()
    if kc._created_context:
        kc.context.destroy(linger=0)
