"""Benchmark `pairlab promote` on lesson 8's solution against the same steps by separate tools.

Usage: .venv/bin/python benchmarks/promote_lesson8.py [--rounds 3]

Paths, each a fresh process per round, median of the rounds:
- stages 1-2: analysis, modules, rewritten notebook, pairing, descriptor (no kernel run);
- stages 1-4: plus the recorded papermill runs, frozen tests and the equivalence gate;
- the full CLI: plus stage 5, the product's checks (pytest, ruff, build, contract, CI);
- separate tools: jupytext pairing, papermill on the original and on the promoted notebook,
  pytest, ruff, python -m build on the promoted product, run one after another.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CURRICULUM = ROOT / "curriculum"
PY = sys.executable


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Run one command to completion and return its wall time in seconds."""
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{argv} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def workspace(root: Path, name: str) -> Path:
    """Lay out the pair's workspace: lesson 8's solution beside its module."""
    folder = root / name
    folder.mkdir()
    shutil.copy(CURRICULUM / "solutions" / "08-parameterize.ipynb", folder)
    shutil.copy(CURRICULUM / "workspace" / "claimsfreq.py", folder)
    return folder / "08-parameterize.ipynb"


def library_call(notebook: Path, dest: Path, run: bool, checks: bool) -> list[str]:
    """Return a fresh-process call of pairlab.promote.promote with the given stages."""
    code = (
        "from pathlib import Path; from pairlab.promote import promote; "
        f"o = promote(Path({str(notebook)!r}), 'claims-frequency', Path({str(dest)!r}), "
        f"run={run}, checks={checks}, echo=lambda _: None); "
        "assert all(v.same for v in o.verdicts.values())"
    )
    return [PY, "-c", code]


def tool_chain(root: Path, product: Path, env: dict[str, str]) -> float:
    """Do the steps with separate tools, each a fresh process; return the summed time."""
    notebook = workspace(root, "tools")
    promoted = product / "notebooks" / "08-parameterize.ipynb"
    env = {**env, "PYTHONPATH": str(product / "src")}
    steps = [
        (
            [PY, "-m", "jupytext", "--set-formats", "ipynb,py:percent", notebook.name],
            notebook.parent,
        ),
        ([PY, "-m", "papermill", notebook.name, "out.ipynb", "--no-progress-bar"], notebook.parent),
        (
            [
                PY,
                "-m",
                "papermill",
                str(promoted),
                str(root / "p.ipynb"),
                "--no-progress-bar",
                "--cwd",
                str(notebook.parent),
            ],
            notebook.parent,
        ),
        ([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider"], product),
        ([PY, "-m", "ruff", "check", "--no-cache", "."], product),
        ([PY, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(root / "dist")], product),
    ]
    return sum(timed(argv, cwd, env) for argv, cwd in steps)


def main() -> None:
    """Run every path `--rounds` times and print a markdown table of medians."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    results: dict[str, list[float]] = {k: [] for k in ("stages 1-2", "stages 1-4", "cli", "tools")}
    with tempfile.TemporaryDirectory(prefix="pairlab-bench-") as tmp:
        base = Path(tmp)
        env = {
            **os.environ,
            "PAIRLAB_KITS_HOME": str(base / "kits"),
            "PAIRLAB_WAREHOUSE_PATH": str(base / "warehouse.duckdb"),
        }
        subprocess.run(
            [PY, "-m", "pairlab", "warehouse", "init", "--path", env["PAIRLAB_WAREHOUSE_PATH"]],
            check=True,
            env=env,
            capture_output=True,
        )
        warm = workspace(base, "warm")  # the kit repository exists after a first render
        timed(library_call(warm, base / "warm-product", False, False), base, env)
        for i in range(rounds):
            root = base / f"round{i}"
            root.mkdir()
            nb = workspace(root, "ws")
            results["stages 1-2"].append(
                timed(library_call(nb, root / "a", False, False), root, env)
            )
            results["stages 1-4"].append(
                timed(library_call(nb, root / "b", True, False), root, env)
            )
            cli = [
                PY,
                "-m",
                "pairlab",
                "promote",
                str(nb),
                "--name",
                "claims-frequency",
                "--into",
                str(root / "c"),
            ]
            results["cli"].append(timed(cli, root, env))
            results["tools"].append(tool_chain(root, root / "c", env))
    print(f"| path | median of {rounds} | runs |\n|---|---|---|")
    for name, times in results.items():
        runs = ", ".join(f"{t:.1f}" for t in times)
        print(f"| {name} | {statistics.median(times):.1f} s | {runs} |")


if __name__ == "__main__":
    main()
