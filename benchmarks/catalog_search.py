"""Benchmark the catalog on 10,000 generated products: index build time, search p50 (< 50 ms).

Run: .venv/bin/python benchmarks/catalog_search.py [--products 10000] [--queries 300]
     [--cli-runs 5] [--skip-inprocess] [--baseline OLD/src]

Cold vs warm, side by side: `pairlab catalog search` as a user runs it (a new process each
time, process start included), cold with an empty cache folder (every product read and the
kept index written) and warm (the kept index there, nothing changed), `--cli-runs` times each,
alternating; then warm after one descriptor changed. Reports each run and the medians.

Writes a seeded catalog of products into a scratch folder, each a dataproduct.yaml and one ODCS
contract as the data-product kit writes them (names, purposes, tags, domains and columns drawn
from an insurer's vocabulary, inputs from the warehouse's five tables). Times, separately:
finding and loading every product (`load_catalog`, the index's default validation), building
the search index, and each of `--queries` searches (1 to 3 words from the same vocabulary,
table names included); reports the median, p95 and maximum. A strict load (ODCS's JSON Schema
on every contract, as `pairlab check` does) is timed on the first `--strict-sample` products.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from warehouse_generate import machine

from pairlab.catalog import load_catalog
from pairlab.catalog.search import SearchIndex

DOMAINS = ["claims", "pricing", "marketing", "finance", "distribution", "risk", "reinsurance",
           "fraud", "underwriting", "operations", "actuarial", "customer service"]  # fmt: skip
MEASURES = ["loss ratio", "claim frequency", "severity", "written premium", "earned premium",
            "retention", "settlement time", "fraud score", "exposure", "reserve adequacy",
            "cross-sell rate", "lapse rate", "broker commission", "combined ratio"]  # fmt: skip
DIMENSIONS = ["region", "product line", "month", "channel", "segment", "peril", "broker",
              "age band", "year", "quarter", "vehicle class", "postcode"]  # fmt: skip
TABLES = {
    "customers": ["customer_id", "birth_date", "region", "segment"],
    "policies": ["policy_id", "customer_id", "product_line", "region", "start_date", "channel"],
    "premiums": ["policy_id", "month", "written_premium", "earned_premium", "earned_days"],
    "claims": ["claim_id", "policy_id", "loss_date", "peril", "status", "incurred"],
    "claim_payments": ["payment_id", "claim_id", "payment_date", "amount"],
}
STATUSES = ["active"] * 6 + ["draft", "proposed", "deprecated", "retired"]


def _snake(text: str) -> str:
    return text.replace(" ", "_").replace("-", "_")


def _product(rng: random.Random, i: int) -> tuple[str, str, str]:
    """Return the dataproduct.yaml text, the contract text and the port of product `i`."""
    measure, dims = rng.choice(MEASURES), rng.sample(DIMENSIONS, rng.randint(1, 3))
    domain, pid = rng.choice(DOMAINS), f"product-{i:05d}"
    port = f"{_snake(measure)}_{i:05d}"
    tables = rng.sample(sorted(TABLES), rng.randint(1, 3))
    inputs = "".join(
        f"  - name: {t}\n    version: v1\n    contractId: warehouse.{t}\n"
        f"    customProperties:\n      - property: columns\n"
        f"        value: [{', '.join(rng.sample(TABLES[t], 2))}]\n"
        for t in tables
    )
    descriptor = f"""apiVersion: v1.0.0
kind: DataProduct
id: {pid}
name: "{measure.capitalize()} by {" and ".join(dims)} ({i})"
version: 1.0.{i % 10}
status: {rng.choice(STATUSES)}
domain: {domain}
team:
  name: {domain} analytics
  members:
    - username: owner{i % 250}
      role: owner
description:
  purpose: "{measure.capitalize()} by {", ".join(dims)} for the {domain} team's decisions."
  usage: "Read {port}; one row per {" and ".join(dims)}."
  limitations: "Built from {", ".join(tables)} on the last snapshot."
tags: [{domain}, {_snake(measure)}, {_snake(dims[0])}]
customProperties:
  - property: valueHypothesis
    value: "The {domain} team uses it monthly."
inputPorts:
{inputs}outputPorts:
  - name: {port}
    version: 1.0.0
    contractId: {pid}.{port}
    customProperties:
      - property: contract
        value: contracts/{port}.odcs.yaml
"""
    return descriptor, _contract(pid, port, [*map(_snake, dims), _snake(measure)]), port


def _contract(pid: str, port: str, columns: list[str]) -> str:
    """Return the ODCS contract text of a product's output port; the last column is a measure."""
    props = "".join(
        f"      - name: {c}\n        logicalType: {'number' if c == columns[-1] else 'string'}\n"
        f"        required: true\n        description: The {c.replace('_', ' ')}.\n"
        for c in columns
    )
    contract = f"""apiVersion: v3.0.2
kind: DataContract
id: {pid}.{port}
name: {port}
version: 1.0.0
status: active
schema:
  - name: {port}
    physicalType: table
    properties:
{props}"""
    return contract


def write_catalog(root: Path, count: int, seed: int) -> None:
    """Write `count` seeded products under `root`, a hundred to a team folder."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    for i in range(count):
        folder = root / f"team-{i // 100:03d}" / f"product-{i:05d}"
        (folder / "contracts").mkdir(parents=True)
        descriptor, contract, port = _product(rng, i)
        (folder / "dataproduct.yaml").write_text(descriptor)
        (folder / "contracts" / f"{port}.odcs.yaml").write_text(contract)


def queries(count: int, seed: int) -> list[str]:
    """Return seeded queries of one to three words, as people type them."""
    rng = random.Random(seed + 1)  # noqa: S311 - reproducible queries
    words = [*MEASURES, *DIMENSIONS, *DOMAINS, *TABLES, "monthly", "broker", "settle", "freq"]
    return [" ".join(rng.sample(words, rng.randint(1, 3))) for _ in range(count)]


def _percentile(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def _cli(root: Path, cache: Path, query: str, source: Path | None = None) -> float:
    """Return the wall time of one `pairlab catalog search` process (`source`: other code)."""
    env = {**os.environ, "PAIRLAB_CACHE_DIR": str(cache)}
    if source is not None:  # another version's src/ folder, run with this interpreter
        env["PYTHONPATH"] = str(source)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pairlab", "catalog", "search", query, "--root", str(root)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0 or not done.stdout.startswith(" 1. "):
        raise SystemExit(f"pairlab catalog search failed: {done.stderr[-500:]}")
    return seconds


def cold_and_warm(root: Path, runs: int, baseline: Path | None) -> dict[str, object]:
    """Time cold and warm CLI searches, alternating, and warm after one product changed.

    With `baseline` (an older version's src/ folder), each round also times that version's
    search, right before the cold run, so the two are compared under the same load.
    """
    cache = root.parent / "cache"
    cold, warm, before = [], [], []
    for i in range(runs):
        if baseline is not None:
            shutil.rmtree(cache, ignore_errors=True)
            before.append(_cli(root, cache, "loss ratio region", baseline))
        shutil.rmtree(cache, ignore_errors=True)
        cold.append(_cli(root, cache, "loss ratio region"))
        warm.append(_cli(root, cache, ["claims frequency", "broker", "freq monthly"][i % 3]))
    descriptor = next(root.glob("team-000/*/dataproduct.yaml"))
    descriptor.write_text(descriptor.read_text().replace("analytics", "analytics team"))
    one_changed = _cli(root, cache, "loss ratio region")
    warm_again = [_cli(root, cache, "premium channel") for _ in range(runs)]
    compared = {}
    if before:
        compared = {
            "baseline_runs_s": [round(t, 2) for t in before],
            "baseline_median_s": round(statistics.median(before), 2),
            "cold_over_baseline": round(statistics.median(cold) / statistics.median(before), 2),
        }
    return compared | {
        "cli_cold_runs_s": [round(t, 2) for t in cold],
        "cli_warm_runs_s": [round(t, 3) for t in warm + warm_again],
        "cli_cold_median_s": round(statistics.median(cold), 2),
        "cli_warm_median_s": round(statistics.median(warm + warm_again), 3),
        "cli_one_changed_s": round(one_changed, 2),
        "cold_over_warm": round(statistics.median(cold) / statistics.median(warm + warm_again), 1),
    }


def main() -> None:
    """Build the catalog, time indexing and searching, and print a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--strict-sample", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--cli-runs", type=int, default=5)
    parser.add_argument("--skip-inprocess", action="store_true")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="an older version's src/ folder (git archive REV src | tar -x) to time cold beside",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "catalog"
        started = time.perf_counter()
        write_catalog(root, args.products, args.seed)
        generated = time.perf_counter() - started
        cli = cold_and_warm(root, args.cli_runs, args.baseline) if args.cli_runs else {}
        if args.skip_inprocess:
            print(json.dumps({"machine": machine(), "products": args.products, **cli}, indent=2))
            return
        started = time.perf_counter()
        catalog = load_catalog([root], keep=False)
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        index = SearchIndex(catalog.entries)
        indexed = time.perf_counter() - started
        times, hits = [], []
        for query in queries(args.queries, args.seed):
            started = time.perf_counter()
            hits.append(len(index.search(query)))
            times.append(time.perf_counter() - started)
        sample = sorted(root.iterdir())[: max(1, args.strict_sample // 100)]
        started = time.perf_counter()
        strict = load_catalog(sample, strict=True)
        strict_seconds = time.perf_counter() - started
    ms = [t * 1000 for t in times]
    summary = {
        "machine": machine(),
        "products": len(catalog.entries),
        "problems": len(catalog.problems),
        "generate_seconds": round(generated, 2),
        "load_seconds": round(loaded, 2),
        "index_seconds": round(indexed, 2),
        "build_seconds": round(loaded + indexed, 2),
        "vocabulary": len(index.vocabulary),
        "queries": len(ms),
        "search_p50_ms": round(statistics.median(ms), 2),
        "search_p95_ms": round(_percentile(ms, 0.95), 2),
        "search_max_ms": round(max(ms), 2),
        "mean_hits_shown": round(statistics.mean(hits), 1),
        "strict_products": len(strict.entries),
        "strict_ms_per_product": round(strict_seconds * 1000 / max(len(strict.entries), 1), 1),
        **cli,
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
