"""Reuse counted per team: three teams, reads by people and one pipeline, in program status."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pairlab import usage
from pairlab.cli import main
from pairlab.errors import BadInput, Forbidden
from pairlab.program import catalog_products, parse_program_text

FREQ, SETTLE, PORTFOLIO = (
    "claims-frequency-by-region",
    "claims-settlement-times",
    "customer-portfolio",
)
# The sample catalog's products name their teams "actuarial", "claims operations" and
# "customer insight": the program's ids and names own them.
PROGRAM = """
name = "Reuse"
central = "enablement"
[[teams]]
id = "enablement"
members = [{ name = "Tomas", role = "engineer", user = "tomas" }]
[[teams]]
id = "actuarial"
members = [{ name = "Mira", role = "analyst", user = "mira" }]
[[teams]]
id = "claims"
name = "Claims operations"
members = [{ name = "Ben", role = "analyst", user = "ben" }]
[[teams]]
id = "customer"
name = "Customer insight"
members = [{ name = "Ana", role = "analyst", user = "ana" }]
"""
AT = datetime(2026, 11, 2, 9, tzinfo=UTC)


def read(n: int, product: str, reader: str, team: str = "", pipeline: str = "") -> usage.Read:
    """Return one read of a product's first port."""
    source = "pipeline" if pipeline else "person"
    return usage.Read(f"k{n}", product, "p", reader, AT, source, pipeline, team=team)


READS = [
    read(1, FREQ, "ana", team="customer"),  # customer insight reads actuarial's product
    read(2, FREQ, "ben"),  # no team stored: the program names ben's team (claims)
    read(3, FREQ, "ben", team="claims"),  # the same team and product again: counted once
    read(4, FREQ, "mira", team="actuarial"),  # actuarial reads its own: no reuse
    read(5, SETTLE, "tomas", team="enablement", pipeline=PORTFOLIO),  # customer's build reuses
    read(6, "premium-by-channel", "ana", team="customer"),  # a product of no program team
    read(7, PORTFOLIO, "zed"),  # a reader of no team
]
EXPECTED = {
    "actuarial": {
        "reused": [],
        "reused_by": [{"product": FREQ, "teams": ["claims", "customer"]}],
        "rate": 1.0,
    },
    "claims": {
        "reused": [{"product": FREQ, "team": "actuarial"}],
        "reused_by": [{"product": SETTLE, "teams": ["customer"]}],
        "rate": 1.0,
    },
    "customer": {
        "reused": [{"product": FREQ, "team": "actuarial"}, {"product": SETTLE, "team": "claims"}],
        "reused_by": [],
        "rate": 0.0,
    },
}


def test_reuse_per_team_from_people_and_a_pipeline(registered: Path) -> None:
    """Each team: the other teams' products it read, its products others read, and the rate."""
    program = parse_program_text(PROGRAM, "program.toml")
    found = usage.reuse_by_team(READS, program, catalog_products([registered]))
    assert {t: found[t].to_json() for t in EXPECTED} == EXPECTED
    assert found["enablement"].to_json() == {"reused": [], "reused_by": [], "rate": None}


@pytest.fixture
def stored(tmp_path: Path, store: usage.Store) -> str:
    """Write the program and store the reads; return the store's URL."""
    (tmp_path / "program.toml").write_text(PROGRAM, encoding="utf-8")
    assert store.add(READS) == len(READS)
    return store.url


def status(capsys: pytest.CaptureFixture[str], registered: Path, *extra: str) -> tuple[int, str]:
    """Run `pairlab program status` over the registered catalog; return (exit code, output)."""
    with pytest.raises(SystemExit) as done:
        main(["program", "status", "--catalog", str(registered), *extra])
    out, err = capsys.readouterr()
    return done.value.code or 0, out + err


def test_program_status_json_carries_each_teams_reuse(
    stored: str, registered: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--usage-db adds teams.<id>.reuse to the status JSON, the rest of it unchanged."""
    code, out = status(capsys, registered, "--usage-db", stored, "--json")
    assert code == 0, out
    data: dict[str, Any] = json.loads(out)
    assert {t: data["teams"][t]["reuse"] for t in EXPECTED} == EXPECTED
    assert data["teams"]["claims"]["state"] == "not-reached"


def test_program_status_reads_pairlab_usage_db_and_prints_reuse_lines(
    stored: str, registered: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """$PAIRLAB_USAGE_DB (set by the fixtures) is the default; the text view has one line a team."""
    code, out = status(capsys, registered)
    assert code == 0, out
    assert f"customer   reused: {FREQ}, {SETTLE}; reused by others: none; rate 0%" in out, out
    assert (
        f"actuarial  reused: none; reused by others: {FREQ} (by claims, customer); rate 100%" in out
    )


def test_without_a_usage_store_status_has_no_reuse(
    stored: str, registered: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """No --usage-db and no $PAIRLAB_USAGE_DB: the status is as before, no reuse key."""
    monkeypatch.delenv("PAIRLAB_USAGE_DB")
    code, out = status(capsys, registered, "--json")
    assert code == 0, out
    assert "reuse" not in json.loads(out)["teams"]["claims"]


def test_a_bad_usage_db_url_is_one_line(
    stored: str, registered: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A URL SQLAlchemy cannot use: exit 2, one line naming --usage-db's fix."""
    code, out = status(capsys, registered, "--usage-db", "nosuchdb://x", "--json")
    assert code == 2
    assert "usage store URL is not usable" in out and len(out.strip().splitlines()) == 1


def test_the_report_shows_reuse_per_team(
    stored: str, registered: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`pairlab report --program` adds the reuse table, one row a team, from $PAIRLAB_USAGE_DB."""
    export = tmp_path / "s.json"
    session = {"id": "s1", "started_at": AT.timestamp(), "participants": []}
    export.write_text(json.dumps({"format": "pairlab-session/1", "session": session,
                                  "events": []}))  # fmt: skip
    out = tmp_path / "cohort.html"
    with pytest.raises(SystemExit) as done:
        main(["report", str(export), "--out", str(out), "--program", "program.toml",
              "--catalog", str(registered)])  # fmt: skip
    assert done.value.code in (0, None), capsys.readouterr().err
    page = out.read_text(encoding="utf-8")
    table = page[page.index("<h3>Reuse across teams</h3>") :]
    assert (
        '<tr data-team="customer"><td>Customer insight</td>'
        f"<td>{FREQ} (actuarial), {SETTLE} (claims)</td><td>none</td><td>0%</td></tr>"
    ) in table
    assert f"<td>{FREQ} (by claims, customer)</td><td>100%</td>" in table


def test_the_hub_program_view_shows_reuse_from_pairlab_usage_db(
    stored: str, tmp_path: Path
) -> None:
    """The cohort service with $PAIRLAB_USAGE_DB: api/program's status and the page carry reuse."""
    from pairlab.hub._program import program_page, program_store, status_json
    from pairlab.hub._store import CohortStore

    cohort = CohortStore(f"sqlite:///{tmp_path / 'cohort.sqlite'}")
    try:
        program_store(cohort).put(PROGRAM, "fran")
        teams = status_json(cohort)["status"]["teams"]
        assert {t: teams[t]["reuse"] for t in EXPECTED} == EXPECTED
        page = program_page(cohort, "xsrf")
    finally:
        cohort.close()
    assert f"<td>{FREQ} (by claims, customer)</td><td>100%</td>" in page


def test_usage_list_names_the_consuming_teams(
    stored: str, registered: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With ./program.toml, each port's line names the teams reading it (a pipeline: its owner)."""
    with pytest.raises(SystemExit) as done:
        main(["usage", "list", "--catalog", str(registered)])
    assert done.value.code in (0, None), capsys.readouterr().err
    lines = capsys.readouterr().out.splitlines()
    assert (
        f"{FREQ}.p: 4 reads by 3 readers, 0 reusing products, "
        "consuming teams: actuarial, claims, customer"
    ) in lines
    assert (
        f"{SETTLE}.p: 1 reads by 1 readers, 1 reusing products, consuming teams: customer" in lines
    )
    assert f"{PORTFOLIO}.p: 1 reads by 1 readers, 0 reusing products" in lines  # zed: no team


def _posted(reader: str, product: str, pipeline: str = "") -> dict[str, Any]:
    """Return one read as a user's server posts it (an outbox item, as record_read writes it)."""
    source = "pipeline" if pipeline else "person"
    return {"key": uuid.uuid4().hex, "product": product, "port": "p", "reader": reader,
            "at": AT.isoformat(), "source": source, "pipeline": pipeline}  # fmt: skip


def test_the_hub_stores_each_users_own_reads_and_counts_reuse_from_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What api/usage runs: a user's own reads stored once, her team from the held program."""
    from pairlab.hub._program import program_store, status_json
    from pairlab.hub._store import CohortStore
    from pairlab.hub._usage import store_reads, usage_store

    monkeypatch.delenv("PAIRLAB_USAGE_DB")  # the reads posted to the cohort database count
    cohort = CohortStore(f"sqlite:///{tmp_path / 'cohort.sqlite'}")
    try:
        program_store(cohort).put(PROGRAM, "fran")
        ana = [_posted("ana", FREQ), _posted("ana", SETTLE, pipeline=PORTFOLIO)]
        assert store_reads(cohort, {"user": "ana", "reads": ana}, "ana") == 2
        assert store_reads(cohort, {"user": "ana", "reads": ana}, "ana") == 0  # posted again
        assert store_reads(cohort, {"user": "ben", "reads": [_posted("ben", FREQ)]}, "ben") == 1
        teams = {r.reader: r.team for r in usage_store(cohort).list()}
        reuse = {t: v["reuse"] for t, v in status_json(cohort)["status"]["teams"].items()}
    finally:
        cohort.close()
    assert teams == {"ana": "customer", "ben": "claims"}
    assert reuse["customer"] == EXPECTED["customer"]
    assert reuse["actuarial"]["reused_by"] == [{"product": FREQ, "teams": ["claims", "customer"]}]


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        ({"user": "ben", "reads": [{}]}, Forbidden, "a server of ana may post only ana's reads"),
        ({"user": "ana", "reads": [_posted("ben", FREQ)]}, Forbidden, "reads[1] is ben's read"),
        ({"user": "ana", "reads": []}, BadInput, "'reads' must be a list of 1 to 1000 reads"),
        ({"user": "ana", "reads": [{**_posted("ana", FREQ), "key": "x"}]}, BadInput,
         "'key' must be 32 hex digits"),
        ({"user": "ana", "reads": [{**_posted("ana", FREQ), "at": "2026-11-02T09:00"}]},
         BadInput, "'at' has no time zone"),
        ({"user": "ana", "reads": [{**_posted("ana", FREQ), "source": "pipeline"}]}, BadInput,
         "'source' must be 'person', or 'pipeline' with a pipeline"),
    ],
)  # fmt: skip
def test_the_hub_refuses_reads_that_are_not_the_posters_own_or_not_reads(
    tmp_path: Path, body: dict[str, Any], error: type[Exception], message: str
) -> None:
    """Another user's reads, or a malformed read: refused whole, one line, nothing stored."""
    from pairlab.hub._store import CohortStore
    from pairlab.hub._usage import store_reads, usage_store

    cohort = CohortStore(f"sqlite:///{tmp_path / 'cohort.sqlite'}")
    good = _posted("ana", SETTLE)
    try:
        with pytest.raises(error, match=re.escape(message)):
            reads = [good, *body["reads"]] if body["reads"] else []  # a good read first
            store_reads(cohort, {**body, "reads": reads}, "ana")
        assert usage_store(cohort).list() == []
    finally:
        cohort.close()
