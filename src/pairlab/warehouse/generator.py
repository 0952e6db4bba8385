"""Write the embedded insurance warehouse: set-based DuckDB SQL, deterministic by seed and scale."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from pairlab._files import replacing
from pairlab.errors import BadInput
from pairlab.warehouse import _sql

DEFAULT_SEED = 42
DEFAULT_SCALE = 0.01
TABLES = ("customers", "policies", "premiums", "claims", "claim_payments")
# Scale 1 is a mid-sized insurer's book; counts scale linearly.
CUSTOMERS_AT_SCALE_1 = 100_000
POLICIES_AT_SCALE_1 = 250_000
# Large enough for days of generation at scale 1, small enough to keep a typo from filling a disk.
MAX_SCALE = 20.0


@dataclass(frozen=True)
class Generated:
    """What `generate` wrote: where, with which parameters, how many rows, how long it took."""

    path: Path
    scale: float
    seed: int
    rows: dict[str, int]
    seconds: float

    def to_json(self) -> dict[str, object]:
        """Return a JSON-ready dict."""
        return {
            "path": str(self.path),
            "scale": self.scale,
            "seed": self.seed,
            "rows": self.rows,
            "seconds": round(self.seconds, 3),
        }


def sizes(scale: float) -> tuple[int, int]:
    """Return (customers, policies) for a scale, validating it."""
    if not isinstance(scale, int | float) or not 0 < scale <= MAX_SCALE:
        raise BadInput(
            f"scale must be a number in (0, {MAX_SCALE:g}], got {scale!r}",
            "use --scale 0.01 for lessons and tests, --scale 1 for a full-size warehouse",
        )
    customers = max(10, round(CUSTOMERS_AT_SCALE_1 * scale))
    policies = max(25, round(POLICIES_AT_SCALE_1 * scale))
    return customers, policies


def check_seed(seed: int) -> int:
    """Return the seed if it is a non-negative integer that DuckDB's hash takes."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise BadInput(
            f"seed must be an integer in [0, 2**63), got {seed!r}", "pass e.g. --seed 42"
        )
    return seed


def build(con: duckdb.DuckDBPyConnection, scale: float, seed: int) -> None:
    """Create the five warehouse tables in an open DuckDB connection."""
    n_customers, n_policies = sizes(scale)
    for statement in _sql.statements(n_customers, n_policies, check_seed(seed)):
        con.execute(statement)


def generate(
    path: str | os.PathLike[str],
    scale: float = DEFAULT_SCALE,
    seed: int = DEFAULT_SEED,
    *,
    force: bool = False,
) -> Generated:
    """Write a warehouse file at path; refuse to replace an existing file unless force."""
    target = Path(path).expanduser().resolve()
    sizes(scale)
    check_seed(seed)
    if target.is_dir():
        raise BadInput(f"{target} is a directory", "pass a file path such as warehouse.duckdb")
    if target.exists() and not force:
        raise BadInput(f"{target} already exists", "pass --force (force=True) to overwrite it")
    started = time.perf_counter()
    with _atomic_file(target) as scratch:
        con = duckdb.connect(str(scratch))
        try:
            build(con, scale, seed)
            rows = row_counts(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
    return Generated(target, scale, seed, rows, time.perf_counter() - started)


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Return the row count of each warehouse table."""
    return {name: _scalar(con, f"SELECT count(*) FROM {name}") for name in TABLES}  # noqa: S608


def checksums(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Return an md5 over each table's rows in key order: equal digests mean equal contents."""
    keys = {
        "customers": "customer_id",
        "policies": "policy_id",
        "premiums": "policy_id, month",
        "claims": "claim_id",
        "claim_payments": "payment_id",
    }
    return {
        name: str(
            _scalar(
                con,
                f"SELECT md5(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY {key})) "  # noqa: S608
                f"FROM {name} AS t",
            )
        )
        for name, key in keys.items()
    }


def _scalar(con: duckdb.DuckDBPyConnection, query: str) -> Any:
    row = con.execute(query).fetchone()
    assert row is not None
    return row[0]


@contextmanager
def _atomic_file(target: Path) -> Iterator[Path]:
    """Yield a scratch path beside target, then move it into place only if the block succeeded."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(
            f"cannot create the folder {target.parent}: {exc.strerror}",
            "choose a writable location with --path or PAIRLAB_WAREHOUSE_PATH",
        ) from None
    try:
        with replacing(target) as scratch:
            _remove(scratch)  # a crashed run's leftover by this name must not be built upon
            try:
                yield scratch
            finally:
                _remove(scratch.with_name(scratch.name + ".wal"))
    except duckdb.IOException as exc:
        raise BadInput(
            f"cannot write {target}: {str(exc).splitlines()[0]}",
            "choose a writable location with --path or PAIRLAB_WAREHOUSE_PATH",
        ) from None
    except PermissionError as exc:
        raise BadInput(
            f"cannot write {target}: {exc.strerror}",
            "choose a writable location with --path or PAIRLAB_WAREHOUSE_PATH",
        ) from None


def _remove(scratch: Path) -> None:
    """Remove a scratch database and its write-ahead log, if there."""
    for leftover in (scratch, scratch.with_name(scratch.name + ".wal")):
        leftover.unlink(missing_ok=True)
