"""The warm parent: imports what its children need once, then forks one child per request.

Run by `pairlab._warm` as a script (never imported: pairlab itself must not be in a child's
sys.modules). It reads requests from the socket whose number is its first argument; each
request brings its own reply socket and the child's stdin, stdout and stderr. A child becomes
`python -m MODULE ARGS` in the request's folder and environment; the parent answers with the
child's pid, then with its exit code once it ends. It exits when pairlab closes the socket,
and its children die with it.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import ctypes
import importlib
import json
import os
import runpy
import select
import signal
import socket
import sys
import types
from typing import Any

PR_SET_PDEATHSIG = 1  # linux/prctl.h
MAX_REQUEST = 1 << 22  # bytes: an environment and an argv fit with room


class _LooksLikeAKernel:
    """What `get_ipython()` answers while a kernel parent imports: a shell with a kernel.

    Some libraries decide defaults on import by asking whether they run in a kernel (pandas
    shows 20 columns in one and fits the terminal elsewhere); imported here, they must decide
    as they would have inside the kernel the child becomes.
    """

    kernel = True


def _preload(names: list[str], as_kernel: bool) -> None:
    """Import `names`, as if inside a kernel when `as_kernel`; a failing import is skipped."""
    if as_kernel:
        builtins.get_ipython = _LooksLikeAKernel  # type: ignore[attr-defined]
    try:
        for name in names:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: S112 - the child imports it again and says why
                continue
    finally:
        if as_kernel:
            del builtins.get_ipython  # type: ignore[attr-defined]


def _exit_code(exc: SystemExit) -> int:
    """Return the status `python -m` would exit with for this SystemExit."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def _become(request: dict[str, Any], stdio: list[int], keep: list[Any]) -> None:
    """In the forked child: turn into `python -m MODULE ARGS` as asked; never return."""
    code = 1
    try:
        os.setsid()  # its own process group, as start_new_session gives
        parent = os.getppid()
        prctl = ctypes.CDLL(None, use_errno=True).prctl
        prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)
        signal.set_wakeup_fd(-1)
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for target, fd in enumerate(stdio):
            os.dup2(fd, target)
        for item in keep:  # the parent's sockets and pipes: forget them, then close every fd
            item.detach() if hasattr(item, "detach") else None
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.path[0] = request["cwd"]  # what `python -m` puts first
        if "numpy.random" in sys.modules:  # a fork shares the parent's random state
            sys.modules["numpy.random"].seed()
        main = types.ModuleType("__main__")
        main.__dict__["__builtins__"] = builtins
        sys.modules["__main__"] = main
        sys.argv = ["-m", *request["args"]]
        try:
            runpy._run_module_as_main(request["module"])  # type: ignore[attr-defined]
            code = 0
        except SystemExit as exc:
            code = _exit_code(exc)
        except BaseException:
            sys.excepthook(*sys.exc_info())
            code = 1
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # a closed pipe: nothing more to say
                stream.flush()
        os._exit(code)


def _reap(children: dict[int, socket.socket]) -> None:
    """Tell each requester whose child ended its exit code."""
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        reply = children.pop(pid, None)
        if reply is not None:
            with contextlib.suppress(OSError):  # the requester is gone
                reply.send(json.dumps({"exit": os.waitstatus_to_exitcode(status)}).encode())
            reply.close()


def main() -> None:
    """Serve fork requests on the inherited socket until pairlab closes it."""
    control = socket.socket(fileno=int(sys.argv[1]))
    _preload(sys.argv[3:], as_kernel=sys.argv[2] == "kernel")
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    children: dict[int, socket.socket] = {}
    while True:
        ready, _, _ = select.select([control.fileno(), wake_read], [], [])
        if wake_read in ready:
            os.read(wake_read, 512)
            _reap(children)
        if control.fileno() not in ready:
            continue
        message, fds, _, _ = socket.recv_fds(control, MAX_REQUEST, 4)
        if not message:
            return  # pairlab is gone: so are the children (PR_SET_PDEATHSIG)
        reply = socket.socket(fileno=fds[0])
        stdio = fds[1:]
        request = json.loads(message)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _become(request, stdio, [control, reply, *children.values()])
        for fd in stdio:  # only the child holds them now: EOF reaches the requester
            os.close(fd)
        children[pid] = reply
        with contextlib.suppress(OSError):  # the requester is gone; the child is reaped anyway
            reply.send(json.dumps({"pid": pid}).encode())
        _reap(children)


main()
