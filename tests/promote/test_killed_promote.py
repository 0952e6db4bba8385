"""A promote killed with `kill -9` leaves no papermill and no kernel running (issue 14).

SIGKILL runs no cleanup in pairlab: its children die through Linux's parent-death signal
(src/pairlab/_process.py), and papermill's kernels follow their dead parent.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from promote_helpers import FIXTURES

pytestmark = [
    pytest.mark.skipif(sys.platform != "linux", reason="parent-death signals are Linux's"),
    pytest.mark.kernel,
]


def _children() -> dict[int, list[int]]:
    """Return every live process's children, from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if state != "Z":
            tree.setdefault(int(ppid), []).append(int(entry.name))
    return tree


def _descendants(pid: int) -> set[int]:
    """Return the live processes below `pid`."""
    tree, found, todo = _children(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    """Return whether `pid` runs (a zombie waiting for its reaper does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _cmdline(pid: int) -> str:
    """Return a process's command line, or '' when it is gone."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _slow_copy(folder: Path) -> Path:
    """Copy the loss-ratio notebook with a cell that waits, so papermill is mid-run when killed."""
    notebook = json.loads((FIXTURES / "loss_ratio.ipynb").read_text())
    wait = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    wait |= {"id": "wait-a-while", "source": "import time\n\ntime.sleep(90)"}
    notebook["cells"].insert(3, wait)
    path = folder / "loss_ratio.ipynb"
    path.write_text(json.dumps(notebook))
    return path


@pytest.mark.slow
def test_a_killed_promote_takes_papermill_and_its_kernels_with_it(tmp_path: Path):
    notebook = _slow_copy(tmp_path)
    argv = [sys.executable, "-m", "pairlab", "promote", str(notebook), "--name", "loss-ratio"]
    proc = subprocess.Popen(
        [*argv, "--into", str(tmp_path / "product")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    below: set[int] = set()
    try:
        deadline, kernels = time.monotonic() + 120, set()
        while time.monotonic() < deadline and proc.poll() is None:
            below = _descendants(proc.pid)
            kernels = {p for p in below if "ipykernel" in _cmdline(p)}
            if kernels:
                break
            time.sleep(0.1)
        assert kernels, "the promote ended before papermill started a kernel"
        below = _descendants(proc.pid)
        assert any("papermill" in _cmdline(p) for p in below)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
        deadline = time.monotonic() + 8  # a kernel polls its parent once a second
        while time.monotonic() < deadline and any(_alive(p) for p in below):
            time.sleep(0.1)
        left = {p: _cmdline(p) for p in below if _alive(p)}
        assert not left, f"left running after kill -9: {left}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in below:  # whatever outlived a failed test must not outlive the test run
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
