"""Benchmark the static checks on big notebooks: a 50 MB notebook and a 5,000-cell notebook.

Run: .venv/bin/python benchmarks/big_notebooks.py [--rounds 3] [--megabytes 50] [--cells 5000]

Writes two seeded notebooks into a scratch folder, as JSON (nbformat 4.5, cell ids):
- *big outputs*: 60 code cells of an analyst's exploration (queries, a function, plots), whose
  outputs carry `--megabytes` in all: base64 PNG plots and long text/HTML tables, as a
  notebook saved after plotting looks;
- *many cells*: `--cells` cells (one in five markdown), code cells of one to four lines with a
  function now and then, small text outputs.

Then times `pairlab check NB --set practice --json` end to end (a new process each time, as the
guide's Check button and CI run it; the practice set reads the file only: in-order,
lint-clean, has-parameters, uses-functions, pure-functions, no-secrets, no-absolute-paths),
`--rounds` times per notebook, alternating, and prints each run and the medians as JSON.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from warehouse_generate import machine

CODE = [
    'claims = con.table("claims")',
    'policies = con.table("policies").filter(lambda t: t.region != "Unknown")',
    "monthly = claims.group_by(claims.loss_date.truncate('M')).aggregate(n=claims.count())",
    "def loss_ratio(incurred, earned):\n    return incurred / earned if earned else None",
    "frame = monthly.to_pandas()\nframe.head()",
    'con.sql("SELECT region, count(*) AS n FROM policies GROUP BY region").to_pandas()',
    "ratio = loss_ratio(frame.n.sum(), 1000.0)\nratio",
    "frame.plot(x='loss_date', y='n')",
]


def _cell(kind: str, source: str, index: int, outputs: list | None = None) -> dict:
    """Return one nbformat 4.5 cell."""
    cell = {"cell_type": kind, "id": f"c{index:05d}", "metadata": {}, "source": source}
    if kind == "code":
        cell |= {"execution_count": index + 1, "outputs": outputs or []}
    return cell


def _notebook(cells: list[dict]) -> dict:
    """Return a Python 3 notebook of `cells`."""
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    language = {"name": "python", "version": "3.11.7"}
    metadata = {"kernelspec": kernel, "language_info": language}
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": metadata, "cells": cells}


def big_outputs(megabytes: float, rng: random.Random) -> dict:
    """Return a notebook of 60 code cells whose outputs hold `megabytes` (plots and tables)."""
    per_cell = int(megabytes * 1_000_000 / 60)
    cells = [_cell("code", "# parameters\nyear = 2024\nregion = 'North'", 0, [])]
    for i in range(1, 60):
        payload = rng.randbytes(per_cell * 3 // 4)
        if i % 2:
            data = {"image/png": base64.b64encode(payload).decode(), "text/plain": "<Figure>"}
            output = {"output_type": "display_data", "data": data, "metadata": {}}
        else:
            rows = "".join(f"<tr><td>{j}</td><td>{j * 0.37:.2f}</td></tr>" for j in range(9999))
            table = (f"<table>{rows}</table>" * (1 + per_cell // len(rows)))[: per_cell // 2]
            text = "\n".join(f"{j:>8} {j * 0.37:>12.2f}" for j in range(per_cell // 44))
            data = {"text/html": table, "text/plain": text}
            output = {"output_type": "execute_result", "data": data, "metadata": {},
                      "execution_count": i + 1}  # fmt: skip
        cells.append(_cell("code", CODE[i % len(CODE)], i, [output]))
    return _notebook(cells)


def many_cells(count: int, rng: random.Random) -> dict:
    """Return a notebook of `count` small cells, one in five markdown."""
    cells = [_cell("code", "# parameters\nyear = 2024", 0, [])]
    for i in range(1, count):
        if i % 5 == 0:
            cells.append(_cell("markdown", f"## Step {i}\nWhat the next cells show.", i))
            continue
        source = CODE[rng.randrange(len(CODE))].replace("loss_ratio", f"loss_ratio_{i}")
        text = {"output_type": "stream", "name": "stdout", "text": f"{i} rows\n"}
        cells.append(_cell("code", source, i, [text]))
    return _notebook(cells)


def check(path: Path) -> float:
    """Return the wall time of one `pairlab check PATH --set practice --json` process."""
    pairlab = Path(sys.executable).with_name("pairlab")
    started = time.perf_counter()
    done = subprocess.run(
        [str(pairlab), "check", str(path), "--set", "practice", "--json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=path.parent,
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1) or not done.stdout.startswith("{"):
        raise SystemExit(f"pairlab check failed ({done.returncode}): {done.stderr[-800:]}")
    return seconds


def main() -> None:
    """Write both notebooks, time the practice checks on each, print a JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--megabytes", type=float, default=50)
    parser.add_argument("--cells", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    rng = random.Random(args.seed)  # noqa: S311 - reproducible test data, not secrets
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        notebooks = {
            "big_outputs": (folder / "big" / "outputs.ipynb", big_outputs(args.megabytes, rng)),
            "many_cells": (folder / "many" / "cells.ipynb", many_cells(args.cells, rng)),
        }
        sizes = {}
        for name, (path, notebook) in notebooks.items():
            path.parent.mkdir()
            path.write_text(json.dumps(notebook, indent=1))
            sizes[name] = {
                "mb": round(path.stat().st_size / 1e6, 1),
                "cells": len(notebook["cells"]),
            }
        runs: dict[str, list[float]] = {name: [] for name in notebooks}
        for _ in range(args.rounds):
            for name, (path, _nb) in notebooks.items():
                runs[name].append(check(path))
    summary = {"machine": machine(), "notebooks": sizes}
    for name, times in runs.items():
        summary[name] = {
            "runs_s": [round(t, 2) for t in times],
            "median_s": round(statistics.median(times), 2),
        }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
