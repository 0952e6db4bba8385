"""Fast fresh runs: pooled kernels and remembered runs, as fresh as a cold papermill run.

A real project folder, real kernels: a cell appends a line to a log outside the project, so
the log counts how often the notebook really ran.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import psutil
import pytest

from pairlab import _process
from pairlab.checks import Progress, Selected, Watch, _run_cache, registry, run_checks
from pairlab.checks._kernels import close_client, pool, shutdown
from pairlab.checks._model import Context
from pairlab.checks._pooled_run import _ready_kernel
from pairlab.checks._warm_kernels import PARENTS
from pairlab.checks.execution import fresh_run
from pairlab.errors import Cancelled

pytestmark = [pytest.mark.slow, pytest.mark.kernel]

KERNEL = "python3"
RUN_ARGS = {"parameters": {}, "kernel": "", "cell_timeout": 60, "timeout": 300}


def _notebook(path: Path, sources: list[str]) -> Path:
    """Write a notebook of code cells c1, c2, ... with these sources."""
    cells = [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": f"c{i}",
            "metadata": {},
            "outputs": [],
            "source": src,
        }
        for i, src in enumerate(sources, 1)
    ]
    meta = {"kernelspec": {"name": KERNEL, "display_name": "Python 3", "language": "python"}}
    data = {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def mode(monkeypatch, tmp_path):
    """Return a setter for PAIRLAB_CHECK_RUNS, with a cache folder of the test's own."""
    monkeypatch.setenv("PAIRLAB_CACHE_DIR", str(tmp_path / "cache"))

    def set_mode(name: str) -> None:
        monkeypatch.setenv("PAIRLAB_CHECK_RUNS", name)

    set_mode("fast")
    return set_mode


@pytest.fixture
def project(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """Return (notebook, run log): a project importing a module, reading a data file."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "helper.py").write_text("FACTOR = 2\n", encoding="utf-8")
    (root / "data.csv").write_text("a\n1\n", encoding="utf-8")
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(b"first warehouse")
    monkeypatch.setenv("PAIRLAB_WAREHOUSE_PATH", str(warehouse))
    log = tmp_path / "runs.log"
    nb = _notebook(
        root / "analysis.ipynb",
        [
            "import helper\nrows = open('data.csv').read().split()",
            f"open({str(log)!r}, 'a').write('ran\\n')",
            "result = helper.FACTOR * len(rows)",
        ],
    )
    return nb, log


def _runs(log: Path) -> int:
    """Return how often the notebook really ran."""
    return len(log.read_text(encoding="utf-8").splitlines()) if log.is_file() else 0


def _check(path: Path, check_id: str, watch: Watch | None = None, **args: Any):
    """Run one check on `path` and return its result."""
    check = registry.get(check_id)
    report = run_checks(path, [Selected(check, check.validate_args(args), True)], watch=watch)
    return report.results[0]


def test_a_remembered_run_answers_until_a_cell_a_module_a_file_or_the_warehouse_changes(
    mode, project, tmp_path
):
    nb, log = project
    first = _check(nb, "runs-top-to-bottom")
    again = _check(nb, "runs-top-to-bottom")
    assert first.status == again.status == "pass" and first.message == again.message
    assert _runs(log) == 1  # the second check ran nothing

    changes = [
        lambda: nb.write_text(nb.read_text().replace("len(rows)", "len(rows) + 0")),
        lambda: (nb.parent / "helper.py").write_text("FACTOR = 3\n"),
        lambda: (nb.parent / "data.csv").write_text("a\n1\n2\n"),
        lambda: (tmp_path / "warehouse.duckdb").write_bytes(b"another warehouse, regenerated"),
    ]
    for expected, change in enumerate(changes, start=2):
        change()
        assert _check(nb, "runs-top-to-bottom").status == "pass"
        assert _runs(log) == expected
    _check(nb, "runs-top-to-bottom")
    assert _runs(log) == len(changes) + 1  # unchanged again: remembered again


def test_answers_are_remembered_though_each_probe_has_its_own_markers(mode, project):
    nb, log = project
    results = [_check(nb, "answers-match", expect={"result": "4"}) for _ in range(2)]
    assert [r.status for r in results] == ["pass", "pass"]
    assert results[0].message == results[1].message and results[0].details == results[1].details
    assert _runs(log) == 1
    wrong = _check(nb, "answers-match", expect={"result": "5"})
    assert wrong.status == "fail" and "`result`" in wrong.message and _runs(log) == 1 + 1


def test_pool_without_cache_runs_every_time(mode, project):
    nb, log = project
    mode("pool")
    for _ in range(2):
        assert _check(nb, "runs-top-to-bottom").status == "pass"
    assert _runs(log) == 2


def _where_it_ran(nb: Path) -> dict[str, Any]:
    """Run `nb` (its last cell prints where the kernel stands) and return what it printed."""
    with fresh_run(Context(nb, nb.parent), RUN_ARGS, KERNEL) as (done, out):
        assert done.ok, done.stderr
        outputs = json.loads(out.read_text())["cells"][-1]["outputs"]
    return json.loads("".join(outputs[0]["text"]))


def test_a_pooled_kernel_stands_where_a_cold_one_does(mode, tmp_path, monkeypatch):
    monkeypatch.setenv("PAIRLAB_SOMETHING", "set for this run only")
    nb = _notebook(
        tmp_path / "where.ipynb",
        [
            "x = 1",
            "import json, os, sys\n"
            "here = os.getcwd()\n"
            "print(json.dumps({'cwd': os.path.basename(here),"
            " 'path': [p.replace(here, '<here>') for p in sys.path],"
            " 'env': sorted(os.environ), 'pairlab': os.environ['PAIRLAB_SOMETHING'],"
            " 'count': get_ipython().execution_count,"
            " 'names': sorted(n for n in globals() if not n.startswith('_'))}))",
        ],
    )
    seen = {}
    for name in ("cold", "pool"):
        mode(name)
        seen[name] = _where_it_ran(nb)
    assert seen["pool"] == seen["cold"]
    assert "x" in seen["pool"]["names"] and "pandas" not in seen["pool"]["names"]


def test_a_kernel_that_died_or_was_left_dirty_is_never_reused(mode, tmp_path):
    env = dict(os.environ)
    first = _ready_kernel(KERNEL, tmp_path, env)
    shutdown(first)  # used once
    assert not first.km.is_alive()
    [idle] = pool().idle(KERNEL)
    assert psutil.Process(idle.pid).memory_info().rss < 400 * 2**20  # the pool at rest

    kc = idle.km.blocking_client()  # someone runs code in the waiting kernel
    kc.start_channels()
    kc.execute_interactive("x = 1", timeout=30)
    close_client(kc)
    second = _ready_kernel(KERNEL, tmp_path, env)
    assert second is not idle and second is not first and not idle.km.is_alive()
    shutdown(second)

    [waiting] = pool().idle(KERNEL)
    waiting.kill()  # the waiting kernel dies
    third = _ready_kernel(KERNEL, tmp_path, env)
    assert third is not waiting and third.km.is_alive()
    shutdown(third)


def _pool_pids() -> set[int]:
    """Return the ids of the kernels waiting in the pool, and of the warm parents runs fork from."""
    waiting = {k.pid for k in pool().idle(KERNEL) if k.pid is not None}
    return waiting | PARENTS.pids() | _process.WARM_PARENTS.pids()


def _leftovers() -> list[str]:
    """Return the processes pairlab started that still run, the pool's waiting ones aside."""
    waiting = _pool_pids()
    alive = [p for p in psutil.Process().children(recursive=True) if p.pid not in waiting]
    return [" ".join(p.cmdline()) for p in alive if p.is_running() and p.status() != "zombie"]


def _cancel_when(marker: Path, watch: Watch) -> threading.Thread:
    """Cancel the watch once the run wrote `marker` (its slow part has begun)."""

    def wait() -> None:
        deadline = time.monotonic() + 120
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        watch.cancel()

    thread = threading.Thread(target=wait, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("how", ["pool", "cold"])
def test_cancel_stops_the_run_and_leaves_nothing_running(mode, tmp_path, how):
    mode(how)
    marker = tmp_path / "started"
    nb = _notebook(
        tmp_path / "slow.ipynb",
        ["x = 1", f"open({str(marker)!r}, 'w').close()\nimport time\ntime.sleep(120)"],
    )
    heard: list[Progress] = []
    watch = Watch(on_progress=heard.append)
    _cancel_when(marker, watch)
    began = time.monotonic()
    with pytest.raises(Cancelled):
        _check(nb, "runs-top-to-bottom", watch=watch)
    assert time.monotonic() - began < 60
    assert _leftovers() == []
    if how == "pool":  # progress per cell, as the guide shows it
        assert [(p.check, p.notebook, p.cell, p.of, p.cell_id) for p in heard] == [
            ("runs-top-to-bottom", "slow.ipynb", 1, 2, "c1"),
            ("runs-top-to-bottom", "slow.ipynb", 2, 2, "c2"),
        ]


def test_cancel_stops_a_test_suite(mode, tmp_path):
    marker = tmp_path / "started"
    root = tmp_path / "product"
    (root / "tests").mkdir(parents=True)
    (root / "tests" / "test_slow.py").write_text(
        f"import time\n\ndef test_slow():\n    open({str(marker)!r}, 'w').close()\n"
        "    time.sleep(120)\n",
        encoding="utf-8",
    )
    watch = Watch()
    _cancel_when(marker, watch)
    with pytest.raises(Cancelled):
        _check(root, "tests-pass", watch=watch)
    assert _leftovers() == []


def test_static_checks_start_no_kernel(tmp_path):
    nb = _notebook(tmp_path / "static.ipynb", ["x = 1"])
    script = (
        "import sys, psutil\n"
        "from pathlib import Path\n"
        "import pairlab.checks\n"
        "from pairlab.checks import check_path\n"
        "from pairlab.checks import _kernels\n"
        f"report = check_path(Path({str(nb)!r}), only=['no-secrets', 'no-absolute-paths'])\n"
        "assert [r.status for r in report.results] == ['pass', 'pass'], report.to_json()\n"
        "assert _kernels._POOL is None, 'a pool was made'\n"
        "assert psutil.Process().children(recursive=True) == [], 'a process was started'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_remembered_runs_stay_under_their_bound_least_recently_used_first(monkeypatch, tmp_path):
    monkeypatch.setenv("PAIRLAB_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("PAIRLAB_RUN_CACHE_MB", "0.01")  # about two entries of 4 KB
    done = _process.Completed(("papermill",), 0, "", "")

    def remember(key: str) -> None:
        _run_cache.store(key, done, "x" * 4000, ())
        time.sleep(0.05)  # file times tick coarsely

    for key in ("a", "b", "c"):
        remember(key)
    assert _run_cache.load("a", ()) is None and _run_cache.load("c", ()) is not None
    time.sleep(0.05)
    assert _run_cache.load("b", ()) is not None  # b is now the most recently used
    time.sleep(0.05)
    remember("d")
    assert _run_cache.load("c", ()) is None
    assert _run_cache.load("b", ()) == (replace(done, remembered=True), "x" * 4000)


def test_waiting_kernels_die_with_pairlab(tmp_path):
    script = (
        "import os, time\n"
        "from pathlib import Path\n"
        "from pairlab.checks._kernels import pool, shutdown\n"
        "shutdown(pool().take('python3', dict(os.environ)))\n"
        "[idle] = pool().idle('python3')\n"
        "print(idle.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        waiting = psutil.Process(int(proc.stdout.readline()))
        assert waiting.is_running()
    finally:
        proc.kill()  # a kill -9: no cleanup of pairlab's runs
        proc.wait()
        proc.stdout.close()
    gone, _ = psutil.wait_procs([waiting], timeout=15)
    assert gone == [waiting]


def test_a_pool_sized_for_two_runs_gives_each_its_own_kernel_and_shrinks_after(mode, tmp_path):
    env = dict(os.environ)
    taken = []
    with pool().sized(2):
        taken.append(_ready_kernel(KERNEL, tmp_path, env))
        waiting = pool().idle(KERNEL)
        assert len(waiting) == 2 and len({k.pid for k in waiting}) == 2
        taken.append(_ready_kernel(KERNEL, tmp_path, env))
        assert any(taken[1] is k for k in waiting)
        [kept] = [k for k in waiting if k is not taken[1]]  # the other waits on, alive
        assert kept.km.is_alive() and any(kept is k for k in pool().idle(KERNEL))
    assert len(pool().idle(KERNEL)) == 1  # at rest again: one kernel waits
    assert all(k.km.is_alive() for k in taken) and taken[0] is not taken[1]
    for kernel in taken:
        shutdown(kernel)
