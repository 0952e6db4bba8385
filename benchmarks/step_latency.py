"""Time every step's Check on a warm server: the fast fresh runs vs the cold ones, in one run.

Run: .venv/bin/python benchmarks/step_latency.py [--rounds 3] [--only LESSON,...]

One temp folder (never the checkout) holds the executed solutions of the 13 lessons, staged
as `pairlab curriculum run` stages them (a workspace copy per lesson, a fresh scale-0.01
warehouse), and the executed solutions of a pack made by `pairlab lesson new` from a promoted
product. Two Jupyter Servers with pairlab's extension are started on two copies of it:

  fast  PAIRLAB_CHECK_RUNS unset (the default: kernel pool + result cache)
  cold  PAIRLAB_CHECK_RUNS=cold (a papermill run of the notebook in a fresh kernel per Check,
        and lesson 9's promote runs again from scratch: the approach before issue 30)

Each server is warmed by one static request. Then, round after round, every step is checked
with POST /pairlab/check on both servers, one after the other (interleaved, so machine load
hits both alike). Printed: per step the median seconds on each side, the verdicts and the
ratio; then p50 / p90 / max of the step medians and the ratio of the p50s; then JSON.
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
import urllib.error
import urllib.request
from pathlib import Path

from pairlab.checks import registry
from pairlab.curriculum._run import fresh_warehouse, run_lessons, stage
from pairlab.lessons import PACKS_ENV, Lesson, read_lessons
from pairlab.resources import curriculum_dir

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "promote" / "fixtures"
SIDES = ("fast", "cold")
REQUEST_TIMEOUT = 900  # seconds: a cold lesson 9 promotes again, minutes on a busy machine


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_pack(base: Path) -> Path:
    """Promote the promote tests' loss-ratio notebook and make a lesson pack from the product."""
    from pairlab.promote import promote

    work = base / "pack-source"
    work.mkdir(parents=True)
    shutil.copy(FIXTURES / "loss_ratio.ipynb", work)
    outcome = promote(work / "loss_ratio.ipynb", "loss-ratio", base / "loss-ratio", checks=False)
    assert outcome.ok, "promoting the pack's product failed"
    argv = [sys.executable, "-m", "pairlab", "lesson", "new", str(base / "pack")]
    subprocess.run([*argv, "--from", str(base / "loss-ratio")], check=True, capture_output=True)
    return base / "pack"


def prepare(base: Path, wanted: set[str], with_pack: bool) -> tuple[Path, Path | None, list]:
    """Stage and execute the core's and the pack's solutions under base/root.

    Returns the root, the pack's folder, and the steps as (step id, notebook path, static);
    `wanted` (lesson ids, empty for all) narrows what runs and is timed.
    """
    root = base / "root"
    core = stage(root, solutions=True)
    steps = _steps(read_lessons(curriculum_dir()), root, core)
    pack = make_pack(base) if with_pack else None
    if pack is not None:
        steps += _steps(read_lessons(pack), root, stage(root / "pack", solutions=True, root=pack))
    steps = [s for s in steps if not wanted or s[0].split("/")[0] in wanted]
    notebooks = sorted({root / path for _, path, _ in steps})
    runs = run_lessons(notebooks, jobs=2, warehouse=Path(os.environ["PAIRLAB_WAREHOUSE_PATH"]))
    failed = [f"{r.notebook.name}: {r.error}" for r in runs if not r.ok]
    assert not failed, f"a solution did not run: {failed}"
    return root, pack, steps


def _steps(lessons: list[Lesson], root: Path, staged: list[Path]) -> list[tuple[str, str, bool]]:
    """Return (step id, path under root, static) for every step of `lessons`."""
    where = {p.name: p.relative_to(root).as_posix() for p in staged}
    found = []
    for lesson in lessons:
        for step in lesson.steps:
            static = not any(registry.get(c.id).runs for c in step.checks)
            found.append((f"{lesson.id}/{step.id}", where[lesson.notebook], static))
    return found


class Server:
    """A Jupyter Server with pairlab's extension on its own copy of the root."""

    def __init__(self, root: Path, env: dict[str, str], name: str) -> None:
        self.name = name
        self.port, self.token = free_port(), secrets.token_hex(16)
        settings = root.parent / f"{name}-settings"
        settings.mkdir(exist_ok=True)
        env = (
            os.environ
            | env
            | {
                "JUPYTERLAB_SETTINGS_DIR": str(settings),
                "JUPYTERLAB_WORKSPACES_DIR": str(settings),
            }
        )
        argv = [
            sys.executable, "-m", "jupyter_server", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={self.token}",
            "--ServerApp.open_browser=False", "--allow-root",
        ]  # fmt: skip
        self.log = (root.parent / f"{name}-server.log").open("wb")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self._url(f"api/status?token={self.token}")):
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"the {name} Jupyter Server did not start")

    def _url(self, rest: str) -> str:
        return f"http://127.0.0.1:{self.port}/{rest}"

    def check(self, body: dict) -> tuple[float, dict]:
        """POST /pairlab/check; return (seconds, reply), an error reply as {"verdict": "http N"}."""
        request = urllib.request.Request(
            self._url("pairlab/check"),
            data=json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
            method="POST",
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
                reply = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            reply = {"verdict": f"http {exc.code}", "error": exc.read().decode()[:300]}
        return time.perf_counter() - started, reply

    def stop(self) -> None:
        """Stop the server (its kernels with it) and close its log."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def percentile(values: list[float], q: float) -> float:
    """Return the q-quantile (nearest rank, as the other benchmarks do) of `values`."""
    ordered = sorted(values)
    return ordered[round(q * (len(ordered) - 1))]


def measure(
    servers: dict[str, Server], steps: list, rounds: int, cold_rounds: int
) -> dict[str, dict]:
    """Check every step on every server, `rounds` times (the cold one `cold_rounds` times).

    Returns step -> side -> (times, verdicts); each answer is printed to stderr as it comes.
    """
    found: dict[str, dict] = {s[0]: {side: ([], set()) for side in servers} for s in steps}
    for n in range(rounds):
        started = time.perf_counter()
        for step, path, _ in steps:
            for side, server in servers.items():
                if side == "cold" and n >= cold_rounds:
                    continue
                seconds, reply = server.check({"path": path, "step": step})
                found[step][side][0].append(seconds)
                found[step][side][1].add(reply.get("verdict", "?"))
                line = f"round {n + 1} {side} {step}: {seconds:.2f} s {reply.get('verdict')}"
                print(line, file=sys.stderr, flush=True)
        print(f"round {n + 1}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return found


def summarize(found: dict[str, dict], steps: list, sides: list[str]) -> dict:
    """Print the per-step table and the percentiles; return the figures."""
    print("| step | static | " + " | ".join(f"{s} s | {s} verdict" for s in sides) + " | ratio |")
    print("|---" * (2 + 2 * len(sides) + 1) + "|")
    medians: dict[str, dict[str, float]] = {side: {} for side in sides}
    for step, _, static in steps:
        cells = []
        for side in sides:
            times, verdicts = found[step][side]
            medians[side][step] = statistics.median(times)
            cells += [f"{medians[side][step]:.2f}", "/".join(sorted(verdicts))]
        ratio = f"{medians['cold'][step] / medians['fast'][step]:.1f}x" if len(sides) == 2 else ""
        print(f"| {step} | {'yes' if static else ''} | " + " | ".join(cells) + f" | {ratio} |")
    figures: dict = {}
    tables = {side: medians[side] for side in sides}
    if "fast" in sides:  # each step's first press, nothing remembered yet: the pool alone
        tables["fast first press"] = {s: found[s]["fast"][0][0] for s, _, _ in steps}
    for label, table in tables.items():
        values = list(table.values())
        statics = [table[s] for s, _, static in steps if static]
        figures[label] = {
            "p50": percentile(values, 0.5),
            "p90": percentile(values, 0.9),
            "max": max(values),
            "slowest": max(table, key=table.__getitem__),
            "static_max": max(statics, default=0.0),
            "steps": table,
        }
    print("\n| side | p50 s | p90 s | max s (step) | slowest static s |\n|---|---|---|---|---|")
    for label, f in figures.items():
        print(
            f"| {label} | {f['p50']:.2f} | {f['p90']:.2f} | {f['max']:.2f} ({f['slowest']}) "
            f"| {f['static_max']:.2f} |"
        )
    figures["all_times"] = {s: {side: found[s][side][0] for side in sides} for s, _, _ in steps}
    if len(sides) == 2:
        figures["p50_ratio"] = figures["cold"]["p50"] / figures["fast"]["p50"]
        first = figures["cold"]["p50"] / figures["fast first press"]["p50"]
        figures["p50_ratio_first_press"] = first
        print(f"\ncold / fast at p50: {figures['p50_ratio']:.1f}x (first press: {first:.1f}x)")
    return figures


def main() -> None:
    """Prepare the executed solutions, start both servers, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", help="comma-separated lesson ids (and pack lesson ids) to time")
    parser.add_argument(
        "--cold-rounds", type=int, help="rounds on the cold side [default: --rounds]"
    )
    parser.add_argument("--no-pack", action="store_true", help="time the core's steps only")
    parser.add_argument("--sides", default="fast,cold", help="fast, cold or both [fast,cold]")
    options = parser.parse_args()
    sides = [s for s in options.sides.split(",") if s in SIDES]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pairlab-step-latency-") as tmp:
        base = Path(tmp)
        os.environ["PAIRLAB_KITS_HOME"] = str(base / "kits")
        os.environ["PAIRLAB_WAREHOUSE_PATH"] = str(fresh_warehouse(base))
        wanted = set(options.only.split(",")) if options.only else set()
        root, pack, steps = prepare(base, wanted, not options.no_pack)
        print(f"prepared in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
        servers = {}
        try:
            for side in sides:
                copy = base / f"root-{side}"
                shutil.copytree(root, copy, symlinks=True)
                env = {PACKS_ENV: str(pack)} if pack else {}
                env |= {"PAIRLAB_CACHE_DIR": str(base / f"{side}-cache")}  # nothing remembered
                env |= {"PAIRLAB_CHECK_RUNS": "cold"} if side == "cold" else {}
                servers[side] = Server(copy, env, side)
                path = steps[0][1]
                servers[side].check({"path": path, "only": ["in-order"]})  # warm: imports, parse
            cold_rounds = options.cold_rounds or options.rounds
            found = measure(servers, steps, options.rounds, cold_rounds)
        finally:
            for server in servers.values():
                server.stop()
    figures = summarize(found, steps, sides)
    figures |= {"rounds": options.rounds, "cold_rounds": options.cold_rounds}
    figures |= {"cores": os.cpu_count(), "load": os.getloadavg()}
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
