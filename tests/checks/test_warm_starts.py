"""Kernels and pytest runs forked from a warm parent behave as ones started as a new Python."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from pairlab import _process, _warm
from pairlab.checks._kernels import close_client, pool
from pairlab.checks._pooled_run import pooled_kernel
from pairlab.checks._warm_kernels import PARENTS

pytestmark = pytest.mark.kernel

FACTS = """
import json, os, sys
import numpy, pandas
print(json.dumps({
    "columns": pandas.get_option("display.max_columns"),
    "pairlab imported": "pairlab" in sys.modules,
    "cwd": os.getcwd(),
    "path": sys.path,
    "name": __name__,
    "run value": os.environ.get("PAIRLAB_RUN_VALUE"),
    "parent": os.getppid(),
    "random": numpy.random.rand(),
}))
"""


def _facts(folder: Path) -> dict:
    """Run FACTS in a pooled kernel in `folder` and return what it printed."""
    with pooled_kernel("python3", folder) as km:
        kc = km.blocking_client()
        kc.start_channels()
        try:
            printed: list[str] = []
            reply = kc.execute_interactive(
                FACTS,
                timeout=60,
                output_hook=lambda m: printed.append(m["content"].get("text", "")),
            )
        finally:
            close_client(kc)
    assert reply["content"]["status"] == "ok", reply["content"]
    return json.loads("".join(printed))


def test_a_warm_kernel_sees_what_a_kernel_started_as_a_new_python_sees(tmp_path, monkeypatch):
    monkeypatch.setenv("PAIRLAB_CHECK_RUNS", "fast")
    monkeypatch.setenv("PAIRLAB_RUN_VALUE", "for this run")
    warm = [_facts(tmp_path), _facts(tmp_path)]
    parents = PARENTS.pids()
    monkeypatch.setenv(_warm.OFF_ENV, "off")
    pool().close()  # its waiting kernel was forked warm
    cold = _facts(tmp_path)
    # Forked from the warm parent, not started by pairlab; a cold one is pairlab's child.
    assert warm[0]["parent"] in parents and cold["parent"] == os.getpid()
    # Each fork draws its own random numbers, as separate Pythons do.
    assert warm[0]["random"] != warm[1]["random"]
    same = {k: v for k, v in cold.items() if k not in ("parent", "random")}
    assert {k: warm[0][k] for k in same} == same
    # pandas decided its defaults as inside a kernel; pairlab is imported fresh, never inherited.
    assert same["columns"] == 20 and same["pairlab imported"] is False
    assert same["cwd"] == str(tmp_path) and same["run value"] == "for this run"


def _module(folder: Path) -> Path:
    """Write a module that reports where and how it runs, then exits 3."""
    (folder / "report_me.py").write_text(
        "import os, sys\n"
        "here = os.getcwd() == sys.path[0]\n"
        "print(sys.argv[1:], here, os.environ.get('ASKED'), sys.stdin.read())\n"
        "print('to stderr', file=sys.stderr)\n"
        "os.environ.get('SHOW_PARENT') and print(os.getppid())\n"
        "raise SystemExit(3)\n",
        encoding="utf-8",
    )
    return folder


def test_a_warm_child_runs_a_module_with_its_own_folder_env_streams_and_exit_code(tmp_path):
    folder = _module(tmp_path)
    env = {**os.environ, "ASKED": "yes"}
    parent = _warm.WarmParent("plain", ["json"], env, tmp_path)
    try:
        stdin_r, stdin_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        child = parent.spawn(
            _warm.Start("report_me", ["a", "b"], folder, env, (stdin_r, out_w, err_w))
        )
        for fd in (stdin_r, out_w, err_w):
            os.close(fd)
        os.write(stdin_w, b"typed")
        os.close(stdin_w)
        assert child.wait(timeout=30) == 3
        with os.fdopen(out_r) as out, os.fdopen(err_r) as err:
            assert out.read() == "['a', 'b'] True yes typed\n"
            assert err.read() == "to stderr\n"
        # What a Python reads when it starts must be the parent's: another value needs another.
        assert parent.fits(env) and parent.fits({**env, "PAIRLAB_X": "1"})
        assert not parent.fits({**env, "PYTHONHASHSEED": "7"})
    finally:
        parent.close()
    assert not parent.alive()


def test_killing_pairlab_stops_its_warm_parent_and_kernels(tmp_path):
    code = (
        "import json, os, time\n"
        "os.environ['PAIRLAB_CHECK_RUNS'] = 'fast'\n"
        "from pathlib import Path\n"
        "from pairlab.checks._kernels import pool\n"
        "from pairlab.checks._warm_kernels import PARENTS\n"
        "kernel = pool().take('python3', dict(os.environ))\n"
        "print(json.dumps([kernel.pid, *PARENTS.pids()]), flush=True)\n"
        "time.sleep(600)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=tmp_path, stdout=subprocess.PIPE, text=True
    )
    try:
        pids = json.loads(proc.stdout.readline())
        assert len(pids) == 2 and all(psutil.pid_exists(p) for p in pids)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_running(p) for p in pids):
        time.sleep(0.1)
    assert [p for p in pids if _running(p)] == []


def _running(pid: int) -> bool:
    """Return whether `pid` is a live process (a zombie waiting to be reaped is not)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_module_run_warm_ends_as_the_same_run_started_as_a_new_python(tmp_path, monkeypatch):
    folder = _module(tmp_path)
    options = {"cwd": folder, "env": {"ASKED": "yes", "SHOW_PARENT": "1"}, "timeout": 60}
    warm = _process.run_module("report_me", ["a", "b"], preload=["json"], **options)
    monkeypatch.setenv(_warm.OFF_ENV, "off")
    cold = _process.run_module("report_me", ["a", "b"], preload=["json"], **options)
    said, parent = warm.stdout.splitlines(), {int(warm.stdout.split()[-1])}
    assert said[0] == "['a', 'b'] True yes " and parent <= _process.WARM_PARENTS.pids()
    assert cold.stdout.splitlines() == [said[0], str(os.getpid())]  # pairlab's own child
    assert (warm.returncode, warm.stderr) == (cold.returncode, cold.stderr) == (3, "to stderr\n")
    assert warm.argv == cold.argv


def test_a_warm_run_past_its_timeout_is_stopped_with_what_it_started(tmp_path):
    marker = tmp_path / "grandchild.pid"
    (tmp_path / "sleeper.py").write_text(
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
        f"open({str(marker)!r}, 'w').write(str(child.pid))\n"
        "print('started', flush=True)\n"
        "time.sleep(600)\n",
        encoding="utf-8",
    )
    began = time.monotonic()
    done = _process.run_module("sleeper", [], preload=["json"], cwd=tmp_path, timeout=3)
    assert done.timed_out and not done.ok and done.stdout == "started\n"
    assert time.monotonic() - began < 30
    grandchild = int(marker.read_text())
    deadline = time.monotonic() + 10
    while _running(grandchild) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(grandchild)
