"""Run a notebook copy on a pooled kernel, in pairlab's process, with papermill's own rules.

papermill parameterizes, executes and saves the copy exactly as the cold subprocess does; only
its engine differs: it hands nbclient the pooled kernel (papermill passes `km=` through) and
closes the client afterwards. A failure is told as the cold run's stderr would tell it (the
exception's traceback), so `explain_failure` reads both alike.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from pairlab import _process
from pairlab.checks._kernels import (
    Kernel,
    KernelTrouble,
    close_client,
    pool,
    shutdown,
    watch_run,
)
from pairlab.checks._watch import Watch

if TYPE_CHECKING:
    from jupyter_client.manager import KernelManager

ENGINE = "pairlab-pooled"
START_TIMEOUT = 60
TRIES = 3  # kernels taken before giving up: a dead or dirty one is replaced, not reused
CellHook = Callable[..., None]
_T = TypeVar("_T")
_P = ParamSpec("_P")
_REGISTERED: list[bool] = []


def _register_engine() -> None:
    """Register the pooled engine with papermill once (its engines are a registry)."""
    if _REGISTERED:
        return
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    class PooledEngine(NBClientEngine):  # type: ignore[misc]
        """papermill's nbclient engine on a kernel it did not start."""

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
            """Execute on `km`, then close the client (the kernel is the pool's)."""
            timeout = kwargs.pop("execution_timeout", None)
            start = kwargs.pop("start_timeout", START_TIMEOUT)
            safe = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(
                safe, timeout=timeout, startup_timeout=start, kernel_name=kernel_name
            )
            client = PapermillNotebookClient(nb_man, **final)
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    close_client(client.kc)

    papermill_engines.register(ENGINE, PooledEngine)
    _REGISTERED.append(True)


def _in_own_thread(func: Callable[_P, _T]) -> Callable[_P, _T]:
    """Make `func` run in a thread of its own and close the event loop made there.

    jupyter_client's blocking calls and nbclient make an event loop for the thread they run
    in, and nobody closes it: a server's worker thread would leak one per run, and closing the
    caller's own loop would break whoever owns it.
    """

    @functools.wraps(func)
    def in_thread(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        result: list[_T] = []
        failure: list[BaseException] = []

        def body() -> None:
            from jupyter_core.utils import ensure_event_loop

            try:
                result.append(func(*args, **kwargs))
            except BaseException as exc:  # handed to the caller's thread below
                failure.append(exc)
            finally:
                loop = ensure_event_loop()
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        thread = threading.Thread(target=body, name="pairlab-pooled-run")
        thread.start()
        thread.join()
        if failure:
            raise failure[0]
        return result[0]

    return in_thread


def _trace(exc: BaseException) -> str:
    """Return the exception as the cold subprocess prints it on stderr."""
    return "".join(traceback.format_exception(exc))


def _ready_kernel(name: str, cwd: Path, env: Mapping[str, str]) -> Kernel:
    """Take a pooled kernel and move it into the run's folder; replace one that is unfit."""
    for attempt in range(TRIES):
        kernel = pool().take(name, env)
        try:
            kernel.prepare(cwd, env)
        except KernelTrouble:
            shutdown(kernel)
            if attempt == TRIES - 1:
                raise
            continue
        return kernel
    raise AssertionError("unreachable")


@_in_own_thread
def run_pooled(
    src: Path,
    out: Path,
    cwd: Path,
    kernel_name: str,
    args: Mapping[str, Any],
    env: Mapping[str, str] | None,
    watch: Watch | None,
    on_cell: CellHook | None = None,
    allow_errors: bool = False,
) -> _process.Completed:
    """Run `src` into `out` on a pooled kernel in `cwd`; return what a cold run would.

    With `allow_errors`, every cell runs even after one raised (papermill's own option).
    """
    import papermill

    _register_engine()
    argv = ("papermill", "--engine", ENGINE, str(src), str(out), "-k", kernel_name)
    # papermill's command line sets this for its kernels (no debugger file checks): so do we.
    whole = {"PYDEVD_DISABLE_FILE_VALIDATION": "1", **os.environ, **(env or {})}
    try:
        kernel = _ready_kernel(kernel_name, cwd, whole)
    except Exception as exc:  # NoSuchKernel, a kernel that cannot start: told like papermill
        return _process.Completed(argv, 1, "", _trace(exc))
    deadline = time.monotonic() + float(args["timeout"])

    def should_stop() -> str | None:
        if watch is not None and watch.cancelled:
            return "cancelled"
        return "timeout" if time.monotonic() > deadline else None

    error: BaseException | None = None
    stop = watch_run(kernel, should_stop)

    try:
        papermill.execute_notebook(
            str(src),
            str(out),
            **_options(kernel_name, args, allow_errors),
            engine_name=ENGINE,
            request_save_on_cell_execute=False,
            km=kernel.km,
            on_cell_start=on_cell,
        )
    except Exception as exc:  # the cold run's papermill ends the same way: a traceback
        error = exc
    finally:
        why = stop()
        shutdown(kernel)
    cancelled = why == "cancelled" or (watch is not None and watch.cancelled)
    if why is None and error is None and not cancelled:
        return _process.Completed(argv, 0, "", "")
    stderr = _trace(error) if error is not None else ""
    return _process.Completed(argv, -9 if why else 1, "", stderr, why == "timeout", cancelled)


@contextlib.contextmanager
def pooled_kernel(kernel_name: str, cwd: Path) -> Iterator[KernelManager]:
    """Lend a pooled kernel, moved into `cwd`, for the caller's own client; shut it down after."""
    whole = {"PYDEVD_DISABLE_FILE_VALIDATION": "1", **os.environ}
    kernel = _ready_kernel(kernel_name, cwd, whole)
    try:
        yield kernel.km
    finally:
        shutdown(kernel)


def _options(kernel_name: str, args: Mapping[str, Any], allow_errors: bool) -> dict[str, Any]:
    """Return the papermill options every in-process run shares (the cold CLI run's own)."""
    return {
        "parameters": dict(args["parameters"]),
        "kernel_name": kernel_name,
        "progress_bar": False,
        "start_timeout": START_TIMEOUT,
        "execution_timeout": args["cell_timeout"],
        "allow_errors": allow_errors,
    }


@_in_own_thread
def run_started_here(
    src: Path, out: Path, cwd: Path, kernel_name: str, args: Mapping[str, Any], allow_errors: bool
) -> _process.Completed:
    """Run `src` into `out` in `cwd` on a kernel started for this run alone, in this process.

    A cold run without a new process (a lesson's own run; papermill's command line has no
    allow-errors). Not papermill's cwd=, which chdirs the whole process: runs side by side in
    threads would race; nbclient starts the kernel in `cwd` instead.
    """
    import papermill

    argv = ("papermill", str(src), str(out), "-k", kernel_name)
    try:
        papermill.execute_notebook(
            str(src),
            str(out),
            **_options(kernel_name, args, allow_errors),
            resources={"metadata": {"path": str(cwd)}},
        )
    except Exception as exc:  # told as the cold subprocess tells it: a traceback
        return _process.Completed(argv, 1, "", _trace(exc))
    return _process.Completed(argv, 0, "", "")
