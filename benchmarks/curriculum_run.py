"""Time the whole curriculum (solutions): `pairlab curriculum run --jobs 2` vs pytest --nbmake.

pairlab runs the 13 lessons' solutions AND checks every step of every lesson (PAIRLAB_CHECK_RUNS
unset: each lesson's own run and each step's fresh run on a pooled kernel, two kernels kept
ready, each step a task of its own, with the run cache); nbmake only executes the same
notebooks, one after another, as `pytest --nbmake` does by default. Both
run staged copies (one workspace folder per lesson, a fresh scale-0.01 warehouse each round),
alternating round by round so machine load hits both alike. Each round runs pairlab twice:
first with an empty run cache (nothing remembered from a previous round), then again into
another folder with a warehouse generated afresh and that round's cache (a second run of
unchanged lessons, as CI with a kept cache or a pair re-running the course makes it: each
lesson's run is replayed with the files it wrote, each step's fresh run remembered).
`--no-steps` times pairlab executing only, the same work as nbmake.
Needs nbmake (`pip install nbmake`, or `pip install --target DIR nbmake` and PYTHONPATH=DIR to
leave the environment as it is), which pairlab itself does not use.

    python benchmarks/curriculum_run.py [--rounds 3] [--no-steps]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pairlab.curriculum._run import fresh_warehouse, stage


def pairlab_run(out: Path, steps: bool, cache: Path) -> float:
    """Time `pairlab curriculum run --solutions --jobs 2` (one process, two kernels)."""
    start = time.perf_counter()
    argv = [sys.executable, "-m", "pairlab", "curriculum", "run", "--solutions", "--jobs", "2"]
    argv += [] if steps else ["--no-steps"]
    env = os.environ | {"PAIRLAB_CACHE_DIR": str(cache)}
    done = subprocess.run([*argv, "--out", str(out)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return time.perf_counter() - start


def nbmake_run(out: Path) -> float:
    """Time `pytest --nbmake` on the same staged notebooks, sequentially."""
    out.mkdir(parents=True)
    warehouse = str(fresh_warehouse(out))
    os.environ["PAIRLAB_WAREHOUSE_PATH"] = warehouse  # what staging seeds, as the run does
    notebooks = [str(p) for p in stage(out, solutions=True)]
    env = os.environ | {"PAIRLAB_WAREHOUSE_PATH": warehouse}
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbmake"]
    # The repository's pytest options (-m 'not browser', strict markers) are not nbmake's.
    argv += ["-o", "addopts=", "-o", "filterwarnings=", "--rootdir", str(out), *notebooks]
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, cwd=out, env=env)
    assert done.returncode == 0, done.stdout[-3000:]
    return time.perf_counter() - start


def main() -> None:
    """Run both, alternating, and print the medians and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-steps", action="store_true", help="pairlab executes only")
    options = parser.parse_args()
    rounds, steps = options.rounds, not options.no_steps
    ours, again, theirs = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PAIRLAB_KITS_HOME"] = str(Path(tmp) / "kits")
        for n in range(rounds):
            cache = Path(tmp) / f"cache-{n}"  # empty: a round reuses nothing of the last one
            ours.append(pairlab_run(Path(tmp) / f"pairlab-{n}", steps, cache))
            again.append(pairlab_run(Path(tmp) / f"again-{n}", steps, cache))
            theirs.append(nbmake_run(Path(tmp) / f"nbmake-{n}"))
            load = " ".join(f"{x:.1f}" for x in os.getloadavg())
            print(
                f"round {n + 1}: pairlab {ours[-1]:.1f} s (empty cache), {again[-1]:.1f} s "
                f"(again); nbmake {theirs[-1]:.1f} s; ratios {theirs[-1] / ours[-1]:.2f}x, "
                f"{theirs[-1] / again[-1]:.2f}x; load {load}",
                flush=True,
            )
    a, r, b = (statistics.median(x) for x in (ours, again, theirs))
    what = "runs and checks every step" if steps else "--no-steps"
    print(
        f"median of {rounds}: pairlab curriculum run --jobs 2 ({what}) {a:.1f} s with an "
        f"empty cache, {r:.1f} s again elsewhere; pytest --nbmake (executes only) {b:.1f} s; "
        f"ratios {b / a:.2f}x and {b / r:.2f}x; load {os.getloadavg()}"
    )


if __name__ == "__main__":
    main()
