"""Time the whole curriculum (solutions): `pairlab curriculum run --jobs 2` vs pytest --nbmake.

Both run the same staged copies (one workspace folder per lesson, a fresh scale-0.01
warehouse); nbmake runs them one after another, as `pytest --nbmake` does by default.
Needs nbmake (`pip install nbmake`), which pairlab itself does not use.

    python benchmarks/curriculum_run.py [--rounds 3]
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


def pairlab_run(out: Path) -> float:
    """Time `pairlab curriculum run --solutions --jobs 2` (one process, two kernels)."""
    start = time.perf_counter()
    argv = [sys.executable, "-m", "pairlab", "curriculum", "run", "--solutions", "--jobs", "2"]
    argv.append("--no-steps")  # execution only, as nbmake does: the same work on both sides
    done = subprocess.run([*argv, "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return time.perf_counter() - start


def nbmake_run(out: Path) -> float:
    """Time `pytest --nbmake` on the same staged notebooks, sequentially."""
    notebooks = [str(p) for p in stage(out, solutions=True)]
    env = os.environ | {"PAIRLAB_WAREHOUSE_PATH": str(fresh_warehouse(out))}
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
    rounds = parser.parse_args().rounds
    ours, theirs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PAIRLAB_KITS_HOME"] = str(Path(tmp) / "kits")
        for n in range(rounds):
            ours.append(pairlab_run(Path(tmp) / f"pairlab-{n}"))
            theirs.append(nbmake_run(Path(tmp) / f"nbmake-{n}"))
            print(f"round {n + 1}: pairlab {ours[-1]:.1f} s, nbmake {theirs[-1]:.1f} s", flush=True)
    a, b = statistics.median(ours), statistics.median(theirs)
    print(
        f"median: pairlab curriculum run --jobs 2 {a:.1f} s; pytest --nbmake {b:.1f} s; "
        f"ratio {b / a:.2f}x"
    )


if __name__ == "__main__":
    main()
