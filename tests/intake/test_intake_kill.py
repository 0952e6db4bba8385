"""Kill -9 of a process in a burst of submissions: every acknowledged request is stored."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pairlab.catalog.load import cached_catalog
from pairlab.intake import Intake, IntakeStore, read_facts

BURST = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from pairlab.catalog.load import cached_catalog
    from pairlab.intake import Intake, IntakeStore, read_facts

    program = Path(sys.argv[1])
    store = IntakeStore(f"sqlite:///{program.parent / 'intake.sqlite'}")
    intake = Intake(store, lambda: read_facts(program), cached_catalog)
    for n in range(10_000):
        body = {"team": "claims", "idea": f"burst {n}", "consumer": "SIU",
                "tables": ["claims", "customers"], "analysts": ["Ana Lima"]}
        view = intake.submit(body, by="ana")
        print("ack", view["id"], view["idea"], flush=True)  # told only after the commit
    """
)


@pytest.mark.slow
def test_kill_9_in_a_burst_of_submissions_loses_nothing_acknowledged(program_file: Path):
    proc = subprocess.Popen(
        [sys.executable, "-c", BURST, str(program_file)],
        stdout=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    assert proc.stdout is not None
    acked = []
    try:
        for line in proc.stdout:
            _, rid, idea = line.rstrip("\n").split(" ", 2)
            acked.append((int(rid), idea))
            if len(acked) == 40:
                os.kill(proc.pid, signal.SIGKILL)  # mid-burst: the next submit is under way
                break
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL and len(acked) == 40

    store = IntakeStore(f"sqlite:///{program_file.parent / 'intake.sqlite'}")
    stored = {r["id"]: r["doc"]["idea"] for r in store.all()}
    assert all(stored.get(rid) == idea for rid, idea in acked)
    # The store still works: the next submission is taken and the burst is not taken twice.
    intake = Intake(store, lambda: read_facts(program_file), cached_catalog)
    body = {"team": "claims", "idea": "burst 0", "consumer": "SIU",
            "tables": ["claims", "customers"], "analysts": ["Ana Lima"]}  # fmt: skip
    again = intake.submit(body)
    assert again["duplicate"] and again["id"] == acked[0][0]
    store.close()
