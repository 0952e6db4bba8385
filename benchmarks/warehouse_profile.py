"""Benchmark the explorer on the largest table of a scale-1 warehouse (target: under 1 s on DuckDB).

Run: .venv/bin/python benchmarks/warehouse_profile.py [--repeats 7]

Generates a scale-1 warehouse in a scratch folder, opens it read-only through ibis as a lesson
would, and times what the explorer does when a learner picks `premiums` (2.9 million rows):
schema, ten sample rows, the one-query profile of every column (nulls, exact distinct counts,
min, max) and the default histogram. The first pick is reported apart (cold: ibis compiles and
DuckDB loads the columns); the median is over the warm picks after it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import ibis

sys.path.insert(0, str(Path(__file__).resolve().parent))

from warehouse_generate import machine

from pairlab.warehouse import ExplorerModel, generate, profile_table

TABLE = "premiums"


def main() -> None:
    """Time the explorer's pick of the largest table and print a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        done = generate(Path(scratch) / "warehouse.duckdb", args.scale)
        con = ibis.duckdb.connect(str(done.path), read_only=True)
        model = ExplorerModel(con)
        picks, profiles = [], []
        for _ in range(args.repeats + 1):
            started = time.perf_counter()
            model.select(TABLE)
            picks.append(time.perf_counter() - started)
            started = time.perf_counter()
            profile_table(con, TABLE)
            profiles.append(time.perf_counter() - started)
        con.disconnect()
    summary = {
        "machine": machine(),
        "table": TABLE,
        "rows": done.rows[TABLE],
        "columns": len(model.schema),
        "first_pick_seconds": round(picks[0], 3),
        "median_pick_seconds": round(statistics.median(picks[1:]), 3),
        "median_profile_query_seconds": round(statistics.median(profiles[1:]), 3),
        "all_pick_seconds": [round(s, 3) for s in picks],
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
