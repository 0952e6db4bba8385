"""Pooled kernels forked warm: ipykernel and the curriculum's imports loaded once, not per run.

A pooled kernel used to start a new Python, import ipykernel, then load PRELOAD: about a second
of CPU per run, most of a check's first press on a busy machine. Here a kernel manager launches
`python -m ipykernel_launcher` as a fork of a warm parent (`pairlab._warm`) that did those
imports once, as if inside a kernel. Only pairlab's own interpreter and the stock launcher are
forked; any other kernel command starts as jupyter_client starts it. $PAIRLAB_WARM=off starts
every kernel as a new Python.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pairlab import _warm

if TYPE_CHECKING:  # jupyter_client costs 0.4 s to import: only a check that runs pays it
    from jupyter_client.manager import KernelManager

LAUNCHER = "ipykernel_launcher"


PARENTS = _warm.Parents("kernel")


def fork(
    cmd: Sequence[str], env: Mapping[str, str], cwd: str, home: Path, preload: Sequence[str]
) -> _warm.WarmChild | None:
    """Fork the kernel `cmd` asks for; None when it is not pairlab's own stock kernel."""
    if not _warm.wanted() or list(cmd[:3]) != [sys.executable, "-m", LAUNCHER]:
        return None
    stdio = (os.open(os.devnull, os.O_RDONLY), os.dup(1), os.dup(2))
    try:
        start = _warm.Start(LAUNCHER, cmd[3:], cwd, env, stdio)
        return PARENTS.spawn(start, home=home, preload=[LAUNCHER, *preload])
    finally:
        for fd in stdio:
            os.close(fd)


@cache
def _manager_class() -> type[KernelManager]:
    """Return a KernelManager whose stock kernels are forked warm (jupyter_client imported late)."""
    from jupyter_client.manager import KernelManager

    class WarmKernelManager(KernelManager):
        """A kernel manager that forks its kernel from the warm parent when it can."""

        home: Path = Path.cwd()
        preload: tuple[str, ...] = ()

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            # What jupyter_client's launcher adds: the kernel then knows it has a manager.
            env = {**(kw.get("env") or os.environ), "JPY_PARENT_PID": str(os.getpid())}
            cwd = str(kw.get("cwd") or Path.cwd())
            try:
                child = fork(kernel_cmd, env, cwd, self.home, self.preload)
            except OSError:  # no warm parent to be had: start it the usual way
                child = None
            if child is None:
                await super()._async_launch_kernel(kernel_cmd, **kw)
                return
            provisioner: Any = self.provisioner
            provisioner.process, provisioner.pid, provisioner.pgid = child, child.pid, child.pid
            provisioner.cwd = cwd
            self._reconcile_connection_info(provisioner.connection_info)

    return WarmKernelManager


def warm_manager(name: str, home: Path, preload: Sequence[str]) -> KernelManager:
    """Return a kernel manager for `name` that forks from a warm parent in `home`."""
    km: Any = _manager_class()(kernel_name=name)
    km.home, km.preload = home, tuple(preload)
    manager: KernelManager = km
    return manager
