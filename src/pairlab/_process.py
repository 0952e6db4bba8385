"""Where pairlab starts subprocesses: ruff, pytest, papermill, git (warm kernels: `_warm`)."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pairlab import _warm

# Keep captured output bounded: a runaway test suite must not fill the server's memory.
MAX_OUTPUT_CHARS = 200_000
PR_SET_PDEATHSIG = 1  # linux/prctl.h
CANCEL_POLL = 0.2  # seconds between looks at a cancel hook while a process runs


class Child(Protocol):
    """What stopping a child needs: a subprocess.Popen, or a child forked warm."""

    pid: int

    def kill(self) -> None:
        """Kill the child alone."""


class CancelHook(Protocol):
    """What a run watches to stop early: a threading.Event, or a check's Watch."""

    def wait(self, timeout: float, /) -> bool:
        """Sleep up to `timeout` seconds, waking early on cancel; return whether cancelled."""


def _load_prctl() -> Callable[..., int] | None:
    """Return libc's prctl on Linux (looked up here: a forked child must not load libraries)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return prctl


_PRCTL = _load_prctl()


@dataclass(frozen=True)
class Completed:
    """What a finished (or stopped) subprocess left behind."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False
    cancelled: bool = False
    remembered: bool = False  # replayed from pairlab's run cache: nothing ran this time

    @property
    def ok(self) -> bool:
        """Return whether the process exited 0 in time (and nobody cancelled it)."""
        return self.returncode == 0 and not self.timed_out and not self.cancelled

    def tail(self, lines: int = 5) -> str:
        """Return the last non-empty lines of stderr (or stdout) for a message."""
        text = self.stderr.strip() or self.stdout.strip()
        return " | ".join(text.splitlines()[-lines:])


def python_module(module: str) -> list[str]:
    """Return the argv prefix that runs `module` with pairlab's own interpreter."""
    return [sys.executable, "-m", module]


def _kill_group(proc: Child) -> None:
    """Stop the process and its children (papermill's kernel, pytest's workers)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()


def _die_with_parent(parent: int) -> Callable[[], None]:
    """Return a pre-exec hook that has the child killed when pairlab dies (Linux).

    A `kill -9` of pairlab runs no cleanup, so the kernel does it: SIGKILL to the child when the
    thread that started it ends. papermill's kernel then sees its parent gone and exits too
    (ipykernel polls its parent every second).
    """

    def hook() -> None:
        if _PRCTL is not None:
            _PRCTL(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
            if os.getppid() != parent:  # pairlab died before the hook ran
                os._exit(1)

    return hook


def child_dies_with_parent() -> Callable[[], None]:
    """Return a pre-exec hook that kills the child when the calling thread or pairlab dies."""
    return _die_with_parent(os.getpid())


def _stop_on_cancel(proc: Child, cancel: CancelHook, done: threading.Event) -> threading.Event:
    """Kill the process group once `cancel` fires; return the event set when it did."""
    fired = threading.Event()

    def watch() -> None:
        while not done.is_set():
            if cancel.wait(CANCEL_POLL):
                fired.set()
                _kill_group(proc)
                return

    threading.Thread(target=watch, name="pairlab-cancel", daemon=True).start()
    return fired


def run(
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    timeout: float = 60,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    cancel: CancelHook | None = None,
) -> Completed:
    """Run `argv` without a shell, feed it `stdin`, capture its text output, stop it on timeout.

    When `cancel` fires (an Event set, a Watch cancelled) the process group is killed and the
    result says `cancelled`; the caller decides what a stopped run means.
    """
    full_env = {**os.environ, **(env or {})}
    try:
        proc = subprocess.Popen(  # noqa: S603 - argv is built by pairlab, never a shell string
            list(argv),
            cwd=cwd,
            env=full_env,
            stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,  # own process group, so a timeout stops grandchildren too
            # Runs between fork and exec: one prepared libc call, no import, no lock.
            preexec_fn=_die_with_parent(os.getpid()),
        )
    except OSError as exc:
        return Completed(tuple(argv), 127, "", f"cannot start {argv[0]}: {exc.strerror}")
    finished = threading.Event()
    fired = _stop_on_cancel(proc, cancel, finished) if cancel is not None else threading.Event()
    try:
        out, err = proc.communicate(input=stdin, timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, err = proc.communicate()
        timed_out = True
    except BaseException:  # Ctrl-C or SIGTERM in pairlab: its children must not run on
        _kill_group(proc)
        proc.communicate()  # reap it and close its pipes
        raise
    finally:
        finished.set()
    return Completed(
        tuple(argv),
        proc.returncode,
        out[-MAX_OUTPUT_CHARS:],
        err[-MAX_OUTPUT_CHARS:],
        timed_out,
        fired.is_set(),
    )


WARM_PARENTS = _warm.Parents("plain")


def run_module(
    module: str,
    args: Sequence[str],
    *,
    preload: Sequence[str] = (),
    cwd: Path | None = None,
    timeout: float = 60,
    env: Mapping[str, str] | None = None,
    cancel: CancelHook | None = None,
) -> Completed:
    """Run `python -m module *args` like `run`, forked from a warm parent that imported `preload`.

    The fork is what a new Python would be (folder, environment, process group, fresh pairlab)
    without paying those imports again. With nothing to preload, $PAIRLAB_WARM=off, or no warm
    parent to be had, it starts as a new Python.
    """
    argv = [*python_module(module), *args]
    full_env = {**os.environ, **(env or {})}
    if not preload or not _warm.wanted(full_env):
        return run(argv, cwd=cwd, timeout=timeout, env=env, cancel=cancel)
    here = cwd if cwd is not None else Path.cwd()
    stdin_r, stdin_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    try:
        start = _warm.Start(module, args, here, full_env, (stdin_r, out_w, err_w))
        child = WARM_PARENTS.spawn(start, home=here, preload=preload)
    except OSError:
        child = None
    finally:
        for fd in (stdin_r, stdin_w, out_w, err_w):
            os.close(fd)  # the child holds its ends; it reads no stdin
    if child is None:
        os.close(out_r)
        os.close(err_r)
        return run(argv, cwd=cwd, timeout=timeout, env=env, cancel=cancel)
    return _finish(child, tuple(argv), out_r, err_r, timeout, cancel)


def _finish(
    child: _warm.WarmChild,
    argv: tuple[str, ...],
    out_fd: int,
    err_fd: int,
    timeout: float,
    cancel: CancelHook | None,
) -> Completed:
    """Read a warm child's output until it ends, stopping it on timeout or cancel."""
    read: dict[int, bytes] = {}

    def drain(fd: int) -> None:
        with os.fdopen(fd, "rb") as stream:
            read[fd] = stream.read()

    readers = [threading.Thread(target=drain, args=(fd,), daemon=True) for fd in (out_fd, err_fd)]
    for reader in readers:
        reader.start()
    finished = threading.Event()
    fired = _stop_on_cancel(child, cancel, finished) if cancel is not None else threading.Event()
    timed_out = False
    try:
        child.wait(timeout)
    except subprocess.TimeoutExpired:
        _kill_group(child)
        child.wait()
        timed_out = True
    except BaseException:  # Ctrl-C or SIGTERM in pairlab: its children must not run on
        _kill_group(child)
        child.wait()
        raise
    finally:
        finished.set()
        for reader in readers:
            reader.join()

    def text(fd: int) -> str:
        words = read.get(fd, b"").decode("utf-8", errors="replace")
        return words.replace("\r\n", "\n").replace("\r", "\n")[-MAX_OUTPUT_CHARS:]

    code = child.returncode if child.returncode is not None else -int(signal.SIGKILL)
    return Completed(argv, code, text(out_fd), text(err_fd), timed_out, fired.is_set())


# What papermill prints when the kernel process exits before it can run anything: on a busy
# machine two kernels starting at once can draw the same port. Nothing of the notebook ran.
KERNEL_START_FAILED = "Kernel died before replying to kernel_info"


def run_kernel(argv: Sequence[str], **options: Any) -> Completed:
    """Run a papermill `argv` like `run`; start it once more when its kernel died at start."""
    done = run(argv, **options)
    if not done.ok and not done.cancelled and KERNEL_START_FAILED in done.stderr:
        done = run(argv, **options)
    return done


def die_with_parent(sig: signal.Signals = signal.SIGTERM) -> None:
    """Have the kernel send this process `sig` when its parent dies (Linux; else nothing).

    For a long-running child of another program (the cohort service under JupyterHub): a
    `kill -9` of the parent would otherwise leave it running, holding its port.
    """
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
