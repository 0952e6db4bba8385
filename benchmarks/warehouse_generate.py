"""Benchmark warehouse generation: set-based DuckDB SQL vs a straightforward pandas/numpy baseline.

Run: .venv/bin/python benchmarks/warehouse_generate.py [--scale 1] [--repeats 5]

One run, same machine, same scale and seed, alternating the two generators so that load from
other processes hits both alike. Each writes the same five tables, with the same schema, into a
fresh DuckDB file (scratch folder on local disk); the time is wall clock from start to closed file.
Reports the median of each, the ratio of medians and rows per second.
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


def _timed(write: Callable[[Path], dict[str, int]], path: Path) -> tuple[float, int]:
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    rows = write(path)
    return time.perf_counter() - started, sum(rows.values())


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
    rows: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(args.repeats):
            for name, write in (("sql", sql), ("baseline", baseline)):
                seconds, rows[name] = _timed(write, Path(scratch) / f"{name}.duckdb")
                times[name].append(seconds)
                print(f"{name:<9} {seconds:6.2f} s  {rows[name]:,} rows", file=sys.stderr)
    medians = {name: statistics.median(values) for name, values in times.items()}
    summary = {
        "machine": machine(),
        "scale": args.scale,
        "repeats": args.repeats,
        "rows": rows,
        "median_seconds": {k: round(v, 3) for k, v in medians.items()},
        "rows_per_second": {k: round(rows[k] / v) for k, v in medians.items()},
        "all_seconds": {k: [round(s, 3) for s in v] for k, v in times.items()},
        "baseline_over_sql": round(medians["baseline"] / medians["sql"], 2),
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
