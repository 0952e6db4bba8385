"""Warm starts: a Python child forked from a parent that has already imported what it needs.

A check's kernel starts a Python, imports ipykernel, then pandas, numpy, DuckDB and friends:
about a second of CPU before any of the pair's code runs, paid again by every run. A warm
parent (`_warm_parent.py`, one per flavour and environment, started on first use) pays it
once; each child is a fork of it that becomes `python -m MODULE ARGS` in its own folder,
environment and process group, with its own stdin, stdout and stderr. pairlab itself is never
imported in the parent, so a child imports it fresh, as a cold start would.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_PARENT_SCRIPT = Path(__file__).with_name("_warm_parent.py")
# Run as a script, not a module: `-m pairlab._warm_parent` would import pairlab into every child.
_RUN_SCRIPT = "import runpy, sys; sys.argv[:] = sys.argv[1:]; runpy.run_path(sys.argv[0])"
# Read only when a Python starts (or by the parent's imports): a child's must equal its parent's.
_AT_START: tuple[str, ...] = ("PYTHON", "LD_", "OPENBLAS_", "OMP_", "MKL_", "MALLOC_")
_AT_START += ("NPY_", "NUMPY_", "PANDAS_", "ARROW_")
OFF_ENV = "PAIRLAB_WARM"  # "off": every child starts as a new Python
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class Start:
    """What a child becomes: `python -m module *args` in `cwd` with `env`, on `stdio` (fds)."""

    module: str
    args: Sequence[str]
    cwd: Path | str
    env: Mapping[str, str]
    stdio: tuple[int, int, int]


class WarmChild:
    """A forked child, with the part of subprocess.Popen that kernel managers use."""

    stdin = stdout = stderr = None

    def __init__(self, reply: socket.socket, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._reply = reply
        self._lock = threading.Lock()

    def poll(self) -> int | None:
        """Return the exit code once the child has ended, else None."""
        return self.wait(timeout=0) if self.returncode is None else self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        """Wait for the child to end (None: as long as it takes); raise TimeoutExpired."""
        with self._lock:
            if self.returncode is not None:
                return self.returncode
            ready, _, _ = select.select([self._reply], [], [], timeout)
            if not ready:
                if timeout == 0:
                    return None
                raise subprocess.TimeoutExpired(f"warm child {self.pid}", timeout or 0)
            message = self._reply.recv(4096)
            # No message: the warm parent died, and its children with it.
            self.returncode = json.loads(message)["exit"] if message else -signal.SIGKILL
            self._reply.close()
            return self.returncode

    def send_signal(self, sig: int) -> None:
        """Send `sig` to the child, unless it has ended."""
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

    def terminate(self) -> None:
        """Ask the child to stop (SIGTERM)."""
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """Stop the child at once (SIGKILL)."""
        self.send_signal(signal.SIGKILL)


class WarmParent:
    """One warm parent: a flavour ("kernel" or "plain"), its imports and its environment."""

    def __init__(self, flavour: str, preload: Sequence[str], env: Mapping[str, str], home: Path):
        self.flavour, self.preload, self.env = flavour, tuple(preload), dict(env)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        script = [str(_PARENT_SCRIPT), str(theirs.fileno()), flavour, *preload]
        self._process = subprocess.Popen(  # noqa: S603 - pairlab's own interpreter and script
            [sys.executable, "-c", _RUN_SCRIPT, *script],
            cwd=home,
            env=self.env,
            stdin=subprocess.DEVNULL,
            pass_fds=(theirs.fileno(),),
            start_new_session=True,
        )
        theirs.close()
        self._control = ours
        self._lock = threading.Lock()

    def fits(self, env: Mapping[str, str]) -> bool:
        """Return whether a child may have `env`: what Python reads at start is the parent's."""
        names = {k for k in (*self.env, *env) if k.startswith(_AT_START)}
        return self.alive() and all(self.env.get(k) == env.get(k) for k in names)

    @property
    def pid(self) -> int:
        """Return the parent's process id."""
        return self._process.pid

    def alive(self) -> bool:
        """Return whether the parent still runs."""
        return self._process.poll() is None

    def spawn(self, start: Start) -> WarmChild:
        """Fork a child that runs `python -m module *args` as `start` says."""
        request: dict[str, object] = {"module": start.module, "args": list(start.args)}
        request |= {"cwd": str(start.cwd), "env": dict(start.env)}
        stdio = start.stdio
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            with self._lock:
                sent = [json.dumps(request).encode()]
                socket.send_fds(self._control, sent, [theirs.fileno(), *stdio])
        except OSError:
            ours.close()
            raise
        finally:
            theirs.close()
        ready, _, _ = select.select([ours], [], [], START_TIMEOUT)
        message = ours.recv(4096) if ready else b""
        if not message:
            ours.close()
            raise OSError("the warm parent did not start the child")
        return WarmChild(ours, json.loads(message)["pid"])

    def close(self) -> None:
        """Stop the parent; its children die with it."""
        with contextlib.suppress(OSError):
            self._control.close()
        with contextlib.suppress(ProcessLookupError):
            self._process.kill()
        self._process.wait()


class Parents:
    """A process's warm parents of one flavour, one per start environment, the oldest dropped."""

    def __init__(self, flavour: str, keep: int = 2) -> None:
        self.flavour, self.keep = flavour, keep
        self._parents: list[WarmParent] = []
        self._lock = threading.Lock()
        atexit.register(self.close)  # stopped and reaped, not left to the garbage collector

    def spawn(self, start: Start, *, home: Path, preload: Sequence[str]) -> WarmChild:
        """Fork `start` from the warm parent that fits its environment and `preload`."""
        env = start.env
        with self._lock:
            fitting = [p for p in self._parents if p.preload == tuple(preload) and p.fits(env)]
            if fitting:
                parent = fitting[0]
                self._parents.remove(parent)
            else:
                parent = WarmParent(self.flavour, preload, env, home)
            self._parents.insert(0, parent)  # most recently used first
            dropped = self._parents[self.keep :]
            del self._parents[self.keep :]
        for old in dropped:
            old.close()
        return parent.spawn(start)

    def pids(self) -> set[int]:
        """Return the warm parents' process ids (they wait, as idle kernels do)."""
        return {parent.pid for parent in list(self._parents) if parent.alive()}

    def close(self) -> None:
        """Stop the warm parents (their children die with them)."""
        with self._lock:
            parents, self._parents = self._parents, []
        for parent in parents:
            parent.close()


def wanted(env: Mapping[str, str] | None = None) -> bool:
    """Return whether warm starts are on ($PAIRLAB_WARM is not `off`)."""
    return (env if env is not None else os.environ).get(OFF_ENV, "on") != "off"
