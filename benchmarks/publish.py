"""Benchmark `pairlab publish` against running the product's pipeline alone, side by side.

Run: .venv/bin/python benchmarks/publish.py [--scale 1] [--rounds 5]

Generates a warehouse at `--scale` (scale 1: about 3.3 million rows, 2.9 million of them
premiums), copies the sample product claims-frequency-by-region, then alternates, `--rounds`
times, in one process:
- *pipeline alone*: `claims_kpis.pipeline.run(con).to_pandas()` on the warehouse file, the
  result an analyst gets from `pipeline.run()`;
- *publish*: `pairlab.products.publish(product, url=..., catalog=...)` into a fresh catalog
  folder each round, so every round does the whole path: build, contract gate, version gate,
  side table, swap, registration.
Prints each run, the medians and their ratio (target: publish / pipeline <= 1.5) as JSON, with
the load average before and after (other work on the machine stretches both sides, unevenly).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ibis
from warehouse_generate import machine

from pairlab import products
from pairlab.resources import samples_dir
from pairlab.warehouse import generate

SAMPLE = samples_dir() / "catalog" / "claims-frequency-by-region"


def main() -> None:
    """Time both, alternating, and print a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        warehouse = generate(root / "warehouse.duckdb", args.scale, 42).path
        product = Path(shutil.copytree(SAMPLE, root / "product"))
        sys.path.insert(0, str(product / "src"))
        from claims_kpis.pipeline import run

        url = f"duckdb://{warehouse}"
        alone, publish, rows = [], [], 0
        load_before = os.getloadavg()
        for i in range(args.rounds):
            start = time.perf_counter()
            con = ibis.duckdb.connect(str(warehouse), read_only=True)
            rows = len(run(con).to_pandas())
            con.disconnect()
            alone.append(time.perf_counter() - start)
            start = time.perf_counter()
            products.publish(product, url=url, catalog=root / f"catalog-{i}")
            publish.append(time.perf_counter() - start)
        medians = {"pipeline_alone_s": statistics.median(alone),
                   "publish_s": statistics.median(publish)}  # fmt: skip
        ratio = medians["publish_s"] / medians["pipeline_alone_s"]
        summary = {
            "machine": machine(),
            "scale": args.scale,
            "output_rows": rows,
            "rounds": args.rounds,
            "pipeline_alone_runs_s": [round(t, 3) for t in alone],
            "publish_runs_s": [round(t, 3) for t in publish],
            **{k: round(v, 3) for k, v in medians.items()},
            "ratio": round(ratio, 2),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
