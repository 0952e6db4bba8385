"""Benchmark recording product reads: 8 readers x 200 queries, nothing lost, p50 with vs without.

Run: .venv/bin/python benchmarks/usage_recording.py [--readers 8] [--queries 200] [--rounds 3]
     [--via read|connect]

Builds a scratch warehouse (scale 0.01, seed 42) and publishes the sample product
claims-frequency-by-region into it with `pairlab.products.publish`. Each reader is its own
process (as each analyst's kernel is); a query is what a consumer of the product does: read it
by name with `pairlab.products.read` (the catalog resolves the table; `pairlab.usage` records
the read through the products read hook) and run an aggregate over one region, timed with
`time.perf_counter` around both. With `--via connect` a query is SQL a pair runs on the
product's table through `pairlab.warehouse.connect()` instead (`con.table(..., database=
"products")`), recorded by the query hook: its SQL parsed on a background thread, which each
reader lets finish (`usage.settle()`) before it reports, outside the timed queries.

Each round runs every reader at once, twice: first with recording on for every query, then
flushes the outbox into a SQLite store and counts the rows (nothing lost: readers x queries
new rows, nothing left in the outbox); then alternating recording off and on query by query
(`PAIRLAB_USAGE=off`), so both halves meet the same load on a shared machine (each off/on pair
of consecutive queries reads the same region), and takes the p50 of each half. Prints every
round and the medians as JSON.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from warehouse_generate import machine

PRODUCT, PORT = "claims-frequency-by-region", "monthly_claims_kpis"
REGIONS = ["North", "South", "East", "West", "Capital", "Unknown"]  # as the warehouse has them


def publish(folder: Path) -> Path:
    """Publish the sample product into a new warehouse; return its catalog folder."""
    import shutil

    from pairlab import products
    from pairlab.resources import samples_dir
    from pairlab.warehouse import generate

    warehouse = generate(folder / "warehouse.duckdb", 0.01, 42).path
    source = samples_dir() / "catalog" / PRODUCT
    shutil.copytree(source, folder / "product", ignore=shutil.ignore_patterns("__pycache__"))
    products.publish(folder / "product", url=f"duckdb:///{warehouse}", catalog=folder / "catalog")
    return folder / "catalog"


def _connect_query(catalog: str) -> object:
    """Return a query function reading the product's table through connect()."""
    from pairlab.warehouse import connect

    os.environ["PAIRLAB_CATALOG"] = catalog
    warehouse = Path(catalog).parent / "warehouse.duckdb"
    con = connect(f"duckdb:///{warehouse}?read_only=true")

    def query(region: str) -> None:
        table = con.table(f"{PRODUCT.replace('-', '_')}__{PORT}", database="products")
        rows = table.filter(table.region == region)
        rows.aggregate(n=rows.count(), ratio=rows.loss_ratio.mean()).execute()

    return query


def reader(args: tuple[str, int, int, str, str, str]) -> list[tuple[bool, float]]:
    """Run one reader's queries; return (recorded, seconds) for each."""
    catalog, index, queries, mode, outbox, via = args
    os.environ["PAIRLAB_USAGE_OUTBOX"] = outbox
    os.environ["PAIRLAB_USER"] = f"reader-{index}"
    import pairlab.usage  # noqa: F401 - registers the recording hook on products.read
    from pairlab import products

    if via == "connect":
        return _reader_connect(catalog, index, queries, mode)

    os.environ["PAIRLAB_USAGE"] = "off"  # the warm-up read (imports, the kept index) is not counted
    products.read(f"{PRODUCT}.{PORT}", catalog=catalog)
    times = []
    for q in range(queries):
        record = mode == "on" or (mode == "alternate" and (index + q) % 2 == 1)
        os.environ["PAIRLAB_USAGE"] = "on" if record else "off"
        region = REGIONS[((index + q) // 2) % len(REGIONS)]
        start = time.perf_counter()
        table = products.read(f"{PRODUCT}.{PORT}", catalog=catalog)
        rows = table.filter(table.region == region)
        rows.aggregate(n=rows.count(), ratio=rows.loss_ratio.mean()).execute()
        times.append((record, time.perf_counter() - start))
    return times


def _reader_connect(catalog: str, index: int, queries: int, mode: str) -> list[tuple[bool, float]]:
    """Run one reader's queries through connect(); return (recorded, seconds) for each."""
    from pairlab import usage

    query = _connect_query(catalog)
    os.environ["PAIRLAB_USAGE"] = "off"
    query(REGIONS[0])  # the warm-up query is not counted
    times = []
    for q in range(queries):
        record = mode == "on" or (mode == "alternate" and (index + q) % 2 == 1)
        os.environ["PAIRLAB_USAGE"] = "on" if record else "off"
        start = time.perf_counter()
        query(REGIONS[((index + q) // 2) % len(REGIONS)])
        times.append((record, time.perf_counter() - start))
    usage.settle()  # every query's reads recorded before the pool ends this process
    return times


def _readers(catalog: Path, outbox: Path, args: argparse.Namespace, mode: str) -> list:
    """Run every reader at once in `mode` (on, alternate); return all (recorded, seconds)."""
    jobs = [
        (str(catalog), i, args.queries, mode, str(outbox), args.via) for i in range(args.readers)
    ]
    with multiprocessing.get_context("spawn").Pool(args.readers) as pool:
        return [t for part in pool.map(reader, jobs) for t in part]


def _ms(times: list[float]) -> float:
    """Return the median in milliseconds."""
    return round(statistics.median(times) * 1000, 3)


def run_round(catalog: Path, folder: Path, args: argparse.Namespace) -> dict:
    """Run one all-on pass (then count what was kept) and one alternating pass."""
    from pairlab import usage

    outbox = folder / f"outbox-{time.time_ns()}"
    every = _readers(catalog, outbox, args, "on")
    store = usage.Store(f"sqlite:///{folder / f'usage-{time.time_ns()}.sqlite'}")
    stored = usage.flush(store, outbox)
    mixed = _readers(catalog, folder / f"outbox-{time.time_ns()}", args, "alternate")
    return {
        "all_on_p50_ms": _ms([t for _, t in every]),
        "stored": stored,
        "expected": args.readers * args.queries,
        "left_in_outbox": usage_left(outbox),
        "off_p50_ms": _ms([t for rec, t in mixed if not rec]),
        "on_p50_ms": _ms([t for rec, t in mixed if rec]),
        "load_average": round(os.getloadavg()[0], 1),
    }


def usage_left(outbox: Path) -> int:
    """Return how many reads are still in the outbox."""
    from pairlab.usage import _outbox

    return _outbox.count(outbox)


def main() -> None:
    """Alternate rounds off and on; print each round and the medians as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--via", choices=["read", "connect"], default="read")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pairlab-usage-bench-") as scratch:
        folder = Path(scratch)
        catalog = publish(folder)
        rounds = []
        for _ in range(args.rounds):
            rounds.append(run_round(catalog, folder, args))
            print(json.dumps(rounds[-1]), file=sys.stderr)
    off = statistics.median(r["off_p50_ms"] for r in rounds)
    on = statistics.median(r["on_p50_ms"] for r in rounds)
    lost = sum(r["expected"] - r["stored"] for r in rounds)
    summary = {"machine": machine(), "via": args.via, "readers": args.readers,
               "queries": args.queries,
               "rounds": rounds, "p50_off_ms": off, "p50_on_ms": on,
               "ratio": round(on / off, 3), "lost": lost}  # fmt: skip
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
