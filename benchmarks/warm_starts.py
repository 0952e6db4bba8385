"""CPU and wall time of a check's kernel and pytest starts: forked warm vs a new Python, in one run.

Run: .venv/bin/python benchmarks/warm_starts.py [--rounds 5] [--starts 10]

Kernels: each round takes `--starts` kernels from a fresh pool one after the other (what a
run of checks does: a kernel per fresh run, its replacement started meanwhile), once with
warm starts (the default) and once with PAIRLAB_WARM=off, alternating which goes first.
pytest: each round runs the same small project's tests `--starts` times through
`_process.run_module` (the tests-pass check's way), warm and with PAIRLAB_WARM=off.

CPU is the user+system time of every process the side started (kernels, warm parents, their
children): RUSAGE_CHILDREN once the pool is closed and everything is reaped, plus this
process's own. Printed: per side the median over rounds of wall and CPU seconds per start,
and the ratios; then JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pairlab import _process, _warm
from pairlab.checks import _kernels
from pairlab.checks.testsuite import WARM_IMPORTS

TEST = """
import pandas as pd


def test_sums():
    assert pd.DataFrame({"a": [1, 2]})["a"].sum() == 3
"""


def _cpu() -> float:
    """Return user+system seconds of this process and its reaped children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _measured(work: Callable[[], None], warm: bool) -> tuple[float, float]:
    """Run `work` with warm starts on or off; return its wall and CPU seconds."""
    os.environ[_warm.OFF_ENV] = "on" if warm else "off"
    began, cpu = time.perf_counter(), _cpu()
    work()
    return time.perf_counter() - began, _cpu() - cpu


def kernels(starts: int) -> Callable[[], None]:
    """Return work that takes `starts` kernels from a fresh pool, then closes it."""

    def work() -> None:
        pool = _kernels.Pool(1)
        try:
            for _ in range(starts):
                _kernels.shutdown(pool.take("python3", dict(os.environ)))
        finally:
            pool.close()
            _kernels.PARENTS.close()

    return work


def pytests(starts: int, project: Path) -> Callable[[], None]:
    """Return work that runs the project's tests `starts` times, then stops the warm parents."""

    def work() -> None:
        try:
            for _ in range(starts):
                done = _process.run_module(
                    "pytest", ["-q", "-p", "no:cacheprovider"], preload=WARM_IMPORTS, cwd=project
                )
                assert done.ok, done.tail()
        finally:
            _process.WARM_PARENTS.close()

    return work


def main() -> None:
    """Time both sides, round after round, and print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--starts", type=int, default=10)
    options = parser.parse_args()
    os.environ.setdefault("PAIRLAB_CHECK_RUNS", "fast")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # as the check runs it
    with tempfile.TemporaryDirectory(prefix="pairlab-warm-bench-") as tmp:
        project = Path(tmp)
        (project / "tests").mkdir()
        (project / "tests" / "test_sums.py").write_text(TEST, encoding="utf-8")
        jobs = {"kernel": kernels(options.starts), "pytest": pytests(options.starts, project)}
        times: dict[str, dict[str, list[tuple[float, float]]]] = {
            job: {"warm": [], "new": []} for job in jobs
        }
        for round_ in range(options.rounds):
            for job, work in jobs.items():
                order = [True, False] if round_ % 2 == 0 else [False, True]
                for warm in order:
                    times[job]["warm" if warm else "new"].append(_measured(work, warm))
    summary = {}
    for job, sides in times.items():
        per = {
            side: {
                "wall": statistics.median(w for w, _ in runs) / options.starts,
                "cpu": statistics.median(c for _, c in runs) / options.starts,
            }
            for side, runs in sides.items()
        }
        per["ratio"] = {k: per["new"][k] / per["warm"][k] for k in ("wall", "cpu")}
        summary[job] = per
        warm, new, ratio = per["warm"], per["new"], per["ratio"]
        print(
            f"{job}: warm {warm['wall']:.2f} s wall, {warm['cpu']:.2f} s CPU per start;"
            f" new Python {new['wall']:.2f} s wall, {new['cpu']:.2f} s CPU;"
            f" {ratio['wall']:.1f}x wall, {ratio['cpu']:.1f}x CPU"
        )
    print(json.dumps({"rounds": options.rounds, "starts": options.starts, **summary}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
