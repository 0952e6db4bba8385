"""The intake queue in the cohort's database, SQLite and PostgreSQL alike: the same promises.

Decisions keep their reasons across connections; the limit holds; a process killed with
kill -9 in a burst of submissions loses nothing it acknowledged.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pairlab.catalog.load import cached_catalog
from pairlab.errors import BadInput
from pairlab.hub._store import CohortStore
from pairlab.intake import Intake, IntakeStore, read_facts

PROGRAM = """name = "Intake store"
central = "enablement"

[[teams]]
id = "enablement"
members = [{ name = "Eli", role = "engineer" }, { name = "Sam", role = "engineer" }]

[[teams]]
id = "claims"
members = [{ name = "Ana", role = "analyst", user = "ana" }]

[[teams]]
id = "pricing"
members = [{ name = "Dara", role = "analyst", user = "dara" }]
"""
BURST = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from pairlab.catalog.load import cached_catalog
    from pairlab.hub._store import CohortStore
    from pairlab.intake import Intake, IntakeStore, read_facts

    program, url = Path(sys.argv[1]), sys.argv[2]
    store = IntakeStore(engine=CohortStore(url).engine)
    intake = Intake(store, lambda: read_facts(program), cached_catalog)
    for n in range(10_000):
        body = {"team": "claims", "idea": f"burst {n}", "consumer": "SIU",
                "tables": ["claims", "customers"], "analysts": ["Ana"]}
        print("ack", intake.submit(body, by="ana")["id"], f"burst {n}", flush=True)
    """
)


def request(team: str, idea: str) -> dict[str, object]:
    """Return a request body that no sample product covers."""
    hypothesis = {"statement": "ops uses it", "threshold": 2}
    return {"team": team, "idea": idea, "consumer": "ops", "tables": ["claims", "customers"],
            "analysts": ["Ana"], "hypothesis": hypothesis}  # fmt: skip


@pytest.fixture
def program(tmp_path: Path) -> Path:
    """Write the program (two central engineers: a limit of 1)."""
    path = tmp_path / "program.toml"
    path.write_text(PROGRAM, encoding="utf-8")
    return path


def test_the_queue_in_the_cohort_database(cohort_url: str, program: Path):
    cohort = CohortStore(cohort_url)
    intake = Intake(IntakeStore(engine=cohort.engine), lambda: read_facts(program), cached_catalog)
    first = intake.submit(request("claims", "Fraud flags"), by="ana")
    assert intake.submit(request("claims", "Fraud flags"), by="ana")["duplicate"]
    second = intake.submit(request("pricing", "Quote drop-off"), by="dara")
    assert intake.start(first["id"], "eli")["state"] == "active"
    with pytest.raises(BadInput, match="the limit is 1"):
        intake.start(second["id"], "eli")
    intake.decline(second["id"], "eli", "pricing pairs next quarter")
    cohort.close()

    again = CohortStore(cohort_url)  # a new connection pool: what was committed is there
    reread = Intake(IntakeStore(engine=again.engine), lambda: read_facts(program), cached_catalog)
    view = reread.queue()
    assert [(r["team"], r["state"]) for r in view["requests"]] == [
        ("claims", "active"), ("pricing", "declined")]  # fmt: skip
    assert view["requests"][1]["decisions"][-1]["reason"] == "pricing pairs next quarter"
    assert again.count() == 0  # the cohort's own events are untouched
    again.close()


@pytest.mark.slow
def test_kill_9_in_a_burst_loses_nothing_acknowledged(cohort_url: str, program: Path):
    proc = subprocess.Popen(
        [sys.executable, "-c", BURST, str(program), cohort_url],
        stdout=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    assert proc.stdout is not None
    acked = []
    try:
        for line in proc.stdout:
            _, rid, idea = line.rstrip("\n").split(" ", 2)
            acked.append((int(rid), idea))
            if len(acked) == 30:
                os.kill(proc.pid, signal.SIGKILL)
                break
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    assert len(acked) == 30
    cohort = CohortStore(cohort_url)
    stored = {r["id"]: r["doc"]["idea"] for r in IntakeStore(engine=cohort.engine).all()}
    assert all(stored.get(rid) == idea for rid, idea in acked)
    cohort.close()
