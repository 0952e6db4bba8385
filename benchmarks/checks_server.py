"""Benchmark the checks: a warm server vs `pairlab check` vs the separate tool chain.

Run: .venv/bin/python benchmarks/checks_server.py [--requests 50] [--rounds 5]

One run, same machine, same 60-cell notebook (40 code cells, paired with a py:percent
script), same static checks:
  server  POST /pairlab/check to a running Jupyter server (warmed by one request); p50 of N
  cli     `pairlab check NB --only STATIC --json`, a fresh process each round; median
  chain   `nbqa ruff NB` + `jupytext --to py:percent --test NB` + `grep -E` for secrets,
          each a fresh process, as a CI script would run them; median of the summed times
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

STATIC = [
    "in-order",
    "lint-clean",
    "has-parameters",
    "paired",
    "uses-functions",
    "no-secrets",
    "no-absolute-paths",
]
BIN = Path(sys.executable).parent
SECRET_GREP = r"(password|passwd|secret|token|api_?key)[A-Za-z_]*\"?\s*[:=]\s*\\?[\"']"  # noqa: S105 - a regex, not a password


def cell(kind: str, source: str, number: int, count: int | None = None) -> dict:
    """Return one cell of the benchmark notebook."""
    data: dict = {"cell_type": kind, "id": f"cell-{number}", "metadata": {}, "source": source}
    if kind == "code":
        data |= {"execution_count": count, "outputs": []}
        if count:
            text = f"step {number}: 1234 rows\n" * 5
            data["outputs"] = [{"output_type": "stream", "name": "stdout", "text": text}]
    return data


def make_notebook(folder: Path) -> Path:
    """Write a 60-cell analysis notebook a pair might have after a few lessons, plus its pair."""
    cells = [cell("code", 'region = "north"\nyear = 2024', 0, 1)]
    cells[0]["metadata"]["tags"] = ["parameters"]
    count = 1
    for i in range(1, 60):
        if i % 3 == 0:
            cells.append(cell("markdown", f"## Step {i}\nWhat this step answers, and why.", i))
            continue
        count += 1
        if i % 3 == 1:
            src = (
                f"def step_{i}(rows, factor={i}):\n"
                f'    """Scale the amounts of step {i}."""\n'
                "    return [{**r, 'amount': r['amount'] * factor} for r in rows]"
            )
        else:
            src = f"rows_{i} = step_{i - 1}([{{'amount': {i}}}])\nprint(rows_{i})"
        cells.append(cell("code", src, i, count))
    meta = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "jupytext": {"formats": "ipynb,py:percent"},
    }
    path = folder / "analysis.ipynb"
    path.write_text(
        json.dumps({"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5})
    )
    subprocess.run(
        [BIN / "jupytext", "--to", "py:percent", str(path)], check=True, capture_output=True
    )
    (folder / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = ["E4", "E7", "E9", "F"]\n')
    return path


def timed(argv: list, cwd: Path) -> float:
    """Return the wall time of one subprocess run, in seconds."""
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - started


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(root: Path, port: int, token: str) -> subprocess.Popen:
    """Start Jupyter Server with pairlab on `root` and wait until it answers."""
    argv = [
        sys.executable, "-m", "jupyter_server", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False", "--allow-root",
    ]  # fmt: skip
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status = f"http://127.0.0.1:{port}/api/status?token={token}"
            with urllib.request.urlopen(status):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("Jupyter Server did not start")


def post_check(port: int, token: str, body: dict) -> tuple[float, dict]:
    """POST /pairlab/check and return (seconds, reply)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/pairlab/check",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        reply = json.loads(response.read())
    return time.perf_counter() - started, reply


def bench_server(folder: Path, requests: int) -> dict:
    """Return p50/p90 of warm server requests running the static checks."""
    port, token = free_port(), secrets.token_hex(16)
    proc = start_server(folder, port, token)
    try:
        body = {"path": "analysis.ipynb", "only": STATIC}
        _, reply = post_check(port, token, body)  # warm-up: imports, first parse
        times = [post_check(port, token, body)[0] for _ in range(requests)]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    times.sort()
    return {
        "p50_ms": 1000 * statistics.median(times),
        "p90_ms": 1000 * times[int(0.9 * (len(times) - 1))],
        "statuses": {r["id"]: r["status"] for r in reply["results"]},
    }


def bench_cli_and_chain(folder: Path, rounds: int) -> dict:
    """Return the median seconds of `pairlab check` and of the separate tool chain."""
    nb = "analysis.ipynb"
    cli = [BIN / "pairlab", "check", nb, "--only", ",".join(STATIC), "--json"]
    chain = [
        [BIN / "nbqa", "ruff", nb],
        [BIN / "jupytext", "--to", "py:percent", "--test", nb],
        ["grep", "-E", "-n", "-i", SECRET_GREP, nb],
    ]
    cli_times, chain_times = [], []
    for _ in range(rounds):  # interleaved, so machine load hits both alike
        cli_times.append(timed(cli, folder))
        chain_times.append(sum(timed(argv, folder) for argv in chain))
    return {"cli_s": statistics.median(cli_times), "chain_s": statistics.median(chain_times)}


def main() -> None:
    """Run the three measurements and print them as a markdown table plus JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pairlab-bench-") as tmp:
        folder = Path(tmp)
        make_notebook(folder)
        server = bench_server(folder, options.requests)
        local = bench_cli_and_chain(folder, options.rounds)
    chain_ms = 1000 * local["chain_s"]
    result = {
        **server,
        "cli_ms": 1000 * local["cli_s"],
        "chain_ms": chain_ms,
        "chain_over_server": chain_ms / server["p50_ms"],
        "chain_over_cli": local["chain_s"] / local["cli_s"],
        "cores": os.cpu_count(),
        "requests": options.requests,
        "rounds": options.rounds,
    }
    print("| path | time | vs tool chain |\n|---|---|---|")
    print(
        f"| warm server, p50 of {options.requests} | {server['p50_ms']:.0f} ms "
        f"(p90 {server['p90_ms']:.0f} ms) | {result['chain_over_server']:.0f}x faster |"
    )
    print(
        f"| `pairlab check`, median of {options.rounds} | {result['cli_ms']:.0f} ms "
        f"| {result['chain_over_cli']:.1f}x faster |"
    )
    print(f"| nbqa ruff + jupytext --test + grep, median of {options.rounds} "
          f"| {chain_ms:.0f} ms | 1x |")  # fmt: skip
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    if shutil.which("grep") is None:
        sys.exit("grep is needed for the tool chain side of the benchmark")
    main()
