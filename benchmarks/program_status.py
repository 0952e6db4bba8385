"""Benchmark the program's status: `pairlab program status --json` over 10,000 events (< 2 s).

Run: .venv/bin/python benchmarks/program_status.py [--teams 25] [--events 10000] [--runs 5]
     [--store-events 100000] [--store-teams 100] [--store-url URL] [--skip-files]

File-based path: a seeded program (a central team of 5, `--teams` teams of 8 analysts) and
session exports holding `--events` events in all (pairing sessions led by the central team,
teach-backs led by the analysts they trained, each with step completions, cell runs and
rotations), written to a scratch folder. `pairlab program status --json` runs as a user runs
it, a fresh process each time, `--runs` times; the median is reported.

Store-backed path (the hub's Program view): the same generator's sessions for `--store-teams`
teams of 10 people, written straight into a SQLite cohort database until it holds
`--store-events` events (`--store-url`: an empty database elsewhere, e.g. PostgreSQL); then one
new cell run, then one new step completion, at a time, `status_json` (what GET api/program
answers) is timed, median of `--runs`.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pairlab.lessons import load_lessons

ROOT = Path(__file__).resolve().parents[1]


def program_text(teams: int, size: int) -> str:
    """Return a program of `teams` teams of `size` analysts and a central team of 5."""
    lines = ['name = "Benchmark program"', 'central = "central"', ""]
    crew = [(f"Engineer {i}", "engineer") for i in range(5)]
    groups = [("central", crew)] + [
        (f"team-{t:03d}", [(f"Analyst {t}-{k}", "analyst") for k in range(size)])
        for t in range(teams)
    ]
    for tid, people in groups:
        members = ", ".join(f'{{ name = "{n}", role = "{r}" }}' for n, r in people)
        lines += ["[[teams]]", f'id = "{tid}"', f"members = [{members}]", ""]
    return "\n".join(lines)


def sessions(teams: int, size: int, events: int, seed: int = 27) -> list[dict[str, Any]]:
    """Return exports holding `events` events: each team paired, then taught down a chain."""
    rng = random.Random(seed)  # noqa: S311 - a seeded generator, not a secret
    steps = [(x.id, s.id) for x in load_lessons()[:6] for s in x.steps]
    docs: list[dict[str, Any]] = []
    total, clock, n = 0, 1_780_000_000.0, 0
    while total < events:
        t = n % teams
        k = (n // teams) % (size - 1)
        lead = f"Engineer {t % 5}" if k == 0 else f"Analyst {t}-{k - 1}"
        pair = [(f"Analyst {t}-{k}", "analyst"), (lead, "engineer" if k == 0 else "analyst")]
        sid = f"{n:012x}"
        first = {"driver": pair[0][0]}
        evs: list[dict[str, Any]] = [
            {"id": 1, "session_id": sid, "at": clock, "kind": "session-started", "data": first}
        ]
        for i in range(min(rng.randint(30, 70), events - total - 1)):
            kind = rng.choice(["cell-executed", "cell-executed", "step-checked", "rotated"])
            lesson, step = steps[i % len(steps)]
            data: dict[str, Any] = {"driver": pair[i % 2][0]}
            if kind == "cell-executed":
                data = {"user": pair[i % 2][0], "path": f"{lesson}.ipynb", "success": True}
            elif kind == "step-checked":
                kind, data = "step-completed", {**data, "lesson": lesson, "step": step,
                                                "path": f"{lesson}.ipynb"}  # fmt: skip
            evs.append({"id": i + 2, "session_id": sid, "at": clock + 30 * i, "kind": kind,
                        "data": data})  # fmt: skip
        session = {"id": sid, "started_at": clock, "ended_at": clock + 3600, "lesson": None,
                   "rotation_minutes": 15, "rotations": 0, "rotated_at": clock,
                   "participants": [{"name": p, "role": r} for p, r in pair],
                   "team": f"team-{t:03d}", "facilitator": lead, "trained_in": None}  # fmt: skip
        docs.append({"format": "pairlab-session/1", "session": session, "events": evs})
        total += len(evs)
        clock += 3600
        n += 1
    return docs


def file_path(args: argparse.Namespace, scratch: Path) -> list[float]:
    """Time `pairlab program status --json` over the exports, a fresh process per run."""
    (scratch / "program.toml").write_text(program_text(args.teams, 8))
    names = []
    for doc in sessions(args.teams, 8, args.events):
        path = scratch / f"{doc['session']['id']}.json"
        path.write_text(json.dumps(doc))
        names.append(str(path))
    print(f"file path: {len(names)} exports, {args.events} events, {args.teams} teams")
    times, cpu = [], []
    for _ in range(args.runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "pairlab", "program", "status", "--program",
             str(scratch / "program.toml"), *names, "--json"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        reached = json.loads(done.stdout)["teams_reached"]
    print(f"  runs: {', '.join(f'{t:.2f}' for t in times)} s; {reached} teams reached")
    # CPU time (user + system) does not grow with other processes' load, as wall time does.
    print(f"  CPU time: {', '.join(f'{t:.2f}' for t in cpu)} s")
    return times


def store_path(args: argparse.Namespace, scratch: Path) -> list[float]:
    """Time the hub's status_json over a SQLite cohort database of `--store-events` events."""
    import sqlalchemy as sa

    from pairlab.hub._program import program_store, status_json
    from pairlab.hub._store import CohortStore, events
    from pairlab.hub._store import sessions as heads

    store = CohortStore(args.store_url or f"sqlite:///{scratch / 'cohort.sqlite'}")
    program_store(store).put(program_text(args.store_teams, 10), "bench")
    docs = sessions(args.store_teams, 10, args.store_events)
    with store.engine.begin() as db:
        db.execute(heads.insert(), [{"user": "u", "session_id": d["session"]["id"],
                                     "doc": json.dumps(d["session"]), "last_event": 1,
                                     "updated_at": 0.0} for d in docs])  # fmt: skip
        rows = [{"user": "u", "session_id": e["session_id"], "event_id": e["id"], "at": e["at"],
                 "kind": e["kind"], "data": json.dumps(e["data"])}
                for d in docs for e in d["events"]]  # fmt: skip
        for at in range(0, len(rows), 50_000):
            db.execute(events.insert(), rows[at : at + 50_000])
        count = db.execute(sa.select(sa.func.count()).select_from(events)).scalar()
    print(f"store path: {len(docs)} sessions, {count} events, {args.store_teams} teams")
    start = time.perf_counter()
    status_json(store)  # the first judgement reads every session's completions
    print(f"  first judgement: {time.perf_counter() - start:.2f} s")
    times, steps, polls, cpu = [], [], [], []
    sid, lead = docs[-1]["session"]["id"], docs[-1]["session"]["participants"][0]["name"]
    for run in range(args.runs):
        with store.engine.begin() as db:  # one new cell run: nothing the program reads
            db.execute(events.insert().values(user="u", session_id=sid, event_id=10_000 + run,
                                              at=0.0, kind="cell-executed", data="{}"))  # fmt: skip
        start, ticks = time.perf_counter(), time.process_time()
        data = status_json(store)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - ticks)
        with store.engine.begin() as db:  # one new step completion: its team is judged again
            step = {"driver": lead, "lesson": "bench", "step": f"s{run}"}
            db.execute(events.insert().values(user="u", session_id=sid, event_id=20_000 + run,
                                              at=0.0, kind="step-completed",
                                              data=json.dumps(step)))  # fmt: skip
        start = time.perf_counter()
        data = status_json(store)
        steps.append(time.perf_counter() - start)
        start = time.perf_counter()
        status_json(store)  # a poll with nothing new
        polls.append(time.perf_counter() - start)
    print(f"  after a new cell run: {', '.join(f'{t:.3f}' for t in times)} s; "
          f"{data['status']['teams_reached']} teams reached")  # fmt: skip
    print(f"  CPU time of this process: {', '.join(f'{t:.3f}' for t in cpu)} s")
    print(f"  after a new step completion: {', '.join(f'{t:.3f}' for t in steps)} s")
    print(f"  a poll with nothing new: {', '.join(f'{1000 * t:.1f}' for t in polls)} ms")
    print(f"  median after a step completion: {statistics.median(steps):.3f} s (budget 1 s)")
    store.close()
    return times


def main() -> None:
    """Run both paths and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=25)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--store-teams", type=int, default=100)
    parser.add_argument("--store-events", type=int, default=100_000)
    parser.add_argument("--store-url", help="an empty cohort database [default: SQLite]")
    parser.add_argument("--skip-files", action="store_true", help="time the store path only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pairlab-program-bench-") as tmp:
        files = [] if args.skip_files else file_path(args, Path(tmp))
        stored = store_path(args, Path(tmp)) if args.store_events else []
    if files:
        print(f"median: program status --json {statistics.median(files):.2f} s (budget 2 s)")
    if stored:
        median = statistics.median(stored)
        print(f"median: hub status_json after a cell run {median:.3f} s (budget 1 s)")


if __name__ == "__main__":
    main()
