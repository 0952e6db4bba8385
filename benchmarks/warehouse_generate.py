"""Benchmark warehouse generation: set-based DuckDB SQL vs a straightforward pandas/numpy baseline.

Run: .venv/bin/python benchmarks/warehouse_generate.py [--scale 1] [--repeats 5]

One run, same machine, same scale and seed, alternating the two generators so that load from
other processes hits both alike. Each writes the same five tables, with the same schema, into a
fresh DuckDB file (scratch folder on local disk). Wall time runs from the call to the closed
file; CPU time is this process's, all threads. Reports the median of each, the ratios of the
medians and rows per second. Wall time is what a user waits; CPU time is the work done, which
other processes on a shared machine disturb less.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from warehouse_baseline import generate_baseline

from pairlab.warehouse import generate


def _timed(write: Callable[[Path], dict[str, int]], path: Path) -> tuple[float, float, int]:
    path.unlink(missing_ok=True)
    wall, cpu = time.perf_counter(), time.process_time()
    rows = write(path)
    return time.perf_counter() - wall, time.process_time() - cpu, sum(rows.values())


def machine() -> str:
    """Describe the machine the numbers come from."""
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"duckdb {duckdb.__version__}, {platform.platform()}"
    )


def main() -> None:
    """Time both generators and print a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    def sql(path: Path) -> dict[str, int]:
        return generate(path, args.scale, args.seed, force=True).rows

    def baseline(path: Path) -> dict[str, int]:
        return generate_baseline(path, args.scale, args.seed)

    times: dict[str, list[float]] = {"sql": [], "baseline": []}
    cpu: dict[str, list[float]] = {"sql": [], "baseline": []}
    rows: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(args.repeats):
            for name, write in (("sql", sql), ("baseline", baseline)):
                seconds, cpu_seconds, rows[name] = _timed(write, Path(scratch) / f"{name}.duckdb")
                times[name].append(seconds)
                cpu[name].append(cpu_seconds)
                print(f"{name:<9} {seconds:6.2f} s  {cpu_seconds:6.2f} s cpu", file=sys.stderr)
    medians = {name: statistics.median(values) for name, values in times.items()}
    cpu_medians = {name: statistics.median(values) for name, values in cpu.items()}
    summary = {
        "machine": machine(),
        "scale": args.scale,
        "repeats": args.repeats,
        "rows": rows,
        "median_seconds": {k: round(v, 3) for k, v in medians.items()},
        "rows_per_second": {k: round(rows[k] / v) for k, v in medians.items()},
        "median_cpu_seconds": {k: round(v, 3) for k, v in cpu_medians.items()},
        "all_seconds": {k: [round(s, 3) for s in v] for k, v in times.items()},
        "baseline_over_sql": round(medians["baseline"] / medians["sql"], 2),
        "baseline_over_sql_cpu": round(cpu_medians["baseline"] / cpu_medians["sql"], 2),
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
