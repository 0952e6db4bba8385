"""The one place pairlab starts subprocesses: ruff, pytest, papermill, git."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# Keep captured output bounded: a runaway test suite must not fill the server's memory.
MAX_OUTPUT_CHARS = 200_000
PR_SET_PDEATHSIG = 1  # linux/prctl.h


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

    @property
    def ok(self) -> bool:
        """Return whether the process exited 0 in time."""
        return self.returncode == 0 and not self.timed_out

    def tail(self, lines: int = 5) -> str:
        """Return the last non-empty lines of stderr (or stdout) for a message."""
        text = self.stderr.strip() or self.stdout.strip()
        return " | ".join(text.splitlines()[-lines:])


def python_module(module: str) -> list[str]:
    """Return the argv prefix that runs `module` with pairlab's own interpreter."""
    return [sys.executable, "-m", module]


def _kill_group(proc: subprocess.Popen[str]) -> None:
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


def run(
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    timeout: float = 60,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
) -> Completed:
    """Run `argv` without a shell, feed it `stdin`, capture its text output, stop it on timeout."""
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
    return Completed(
        tuple(argv),
        proc.returncode,
        out[-MAX_OUTPUT_CHARS:],
        err[-MAX_OUTPUT_CHARS:],
        timed_out,
    )


def die_with_parent(sig: signal.Signals = signal.SIGTERM) -> None:
    """Have the kernel send this process `sig` when its parent dies (Linux; else nothing).

    For a long-running child of another program (the cohort service under JupyterHub): a
    `kill -9` of the parent would otherwise leave it running, holding its port.
    """
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
