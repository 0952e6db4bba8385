"""The queue through the library: reuse first, a limit of 2, a fair order with its parts shown."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from pathlib import Path

import pytest
from intake_scenario import DAY, REQUESTS, T0, Clock

from pairlab.catalog.load import cached_catalog
from pairlab.errors import BadInput, Forbidden
from pairlab.intake import Intake, IntakeStore, ProgramFacts, check_own_team, read_facts

WEEK = 7 * DAY


def make_intake(program_file: Path, clock: Clock, **changes: object) -> Intake:
    """Return the program's queue in a SQLite file beside it, facts changed as a test says."""
    store = IntakeStore(f"sqlite:///{program_file.parent / 'intake.sqlite'}")

    def facts() -> ProgramFacts:
        return dataclasses.replace(read_facts(program_file), **changes)  # type: ignore[arg-type]

    return Intake(store, facts, cached_catalog, clock=clock)


def day(ts: float) -> str:
    """Return the UTC date of a time."""
    return dt.datetime.fromtimestamp(ts, dt.UTC).date().isoformat()


def submit_all(intake: Intake, clock: Clock) -> dict[str, int]:
    """Submit E first (it waits longest), the others a week later; return their ids."""
    ids = {}
    for name, body in REQUESTS.items():
        clock.now = T0 if name == "E" else T0 + 8 * DAY
        ids[name] = intake.submit(body | {"free_from": "2020-01-01"}, by="ana")["id"]
    clock.now = T0 + 15 * DAY
    return ids


def parts(view: dict) -> dict[str, int]:
    """Return a request's score parts as {part: points}."""
    return {p["part"]: p["points"] for p in view["score"]["parts"]}


def test_six_requests_two_active_four_waiting_in_score_order_one_answered_by_reuse(program_file):
    clock = Clock()
    intake = make_intake(program_file, clock, ambassadors={"finance"})
    ids = submit_all(intake, clock)

    # The sample catalog's active claims-frequency-by-region covers B: answered, not queued.
    b = intake.request_view(ids["B"])
    assert (b["state"], b["position"]) == ("answered", None)
    assert b["answer"]["product"] == "claims-frequency-by-region"
    assert b["answer"]["message"] == (
        "reuse claims-frequency-by-region (owner team actuarial, mira.koenig; how to read it: "
        "pairlab.products.read('claims-frequency-by-region.monthly_claims_kpis'))"
    )

    # The two highest scores start (A and F tie at 7: A was submitted first).
    queue = intake.queue()
    waiting = [v for v in queue["requests"] if v["state"] == "waiting"]
    assert [v["id"] for v in waiting][:2] == [ids["A"], ids["F"]]
    for name in ("A", "F"):
        assert intake.start(ids[name], "eli")["state"] == "active"

    queue = intake.queue()
    assert queue["limit"] == 2 and queue["counts"] == {"waiting": 4, "active": 2, "answered": 1}
    waiting = [v for v in queue["requests"] if v["state"] == "waiting"]
    assert [(v["id"], v["position"], v["score"]["total"]) for v in waiting] == [
        (ids["D"], 1, 6), (ids["E"], 2, 5), (ids["C"], 3, 5), (ids["G"], 4, 4),
    ]  # fmt: skip
    assert parts(waiting[0]) == {
        "measurable hypothesis": 3, "team with no ambassador yet": 0,
        "expected reuse by other teams": 2, "waiting time": 1,
    }  # fmt: skip
    assert parts(waiting[1])["waiting time"] == 2  # E waited two full weeks: ahead of C's tie
    c = waiting[2]
    assert parts(c) == {
        "measurable hypothesis": 0, "team with no ambassador yet": 3,
        "expected reuse by other teams": 1, "waiting time": 1,
    }  # fmt: skip
    assert "not measurable" in c["score"]["parts"][0]["why"]

    # Expected starts: A and F end 13 lessons x half a week after starting; then D and E.
    a_end = T0 + 15 * DAY + 6.5 * WEEK
    assert intake.request_view(ids["A"])["expected_end"] == day(a_end)
    assert [v["expected_start"] for v in waiting] == [
        day(a_end),
        day(a_end),
        day(a_end + 6.5 * WEEK),
        day(a_end + 6.5 * WEEK),
    ]

    # A third pairing is refused, with the reason; nothing changed.
    with pytest.raises(BadInput) as refused:
        intake.start(ids["D"], "eli")
    assert str(refused.value) == (
        f"cannot start request {ids['D']}: 2 pairings are active (claims (request {ids['A']}), "
        f"underwriting (request {ids['F']})) and the limit is 2 (central engineers / 2); end one "
        "with done or decline first, or raise wip_limit in intake.toml"
    )
    assert intake.request_view(ids["D"])["state"] == "waiting"

    # What the Program view shows per team: its most telling request.
    states = intake.team_states()
    assert states["claims"] == {"request": ids["A"], "state": "active", "position": None}
    assert states["pricing"]["state"] == "answered"
    assert states["finance"] == {"request": ids["D"], "state": "waiting", "position": 1}
    assert "enablement" not in states


def test_a_decline_and_an_override_keep_their_written_reasons(program_file):
    clock = Clock()
    intake = make_intake(program_file, clock, ambassadors={"finance"})
    ids = submit_all(intake, clock)
    with pytest.raises(BadInput, match="a change of the order needs a written reason"):
        intake.override(ids["G"], "fran", 1, "  ")
    intake.override(ids["G"], "fran", 1, "fraud losses this quarter: the board asked")
    intake.decline(ids["E"], "fran", "brokers are out of scope this year")

    waiting = [v for v in intake.queue()["requests"] if v["state"] == "waiting"]
    assert [v["id"] for v in waiting] == [ids["G"], ids["A"], ids["F"], ids["D"], ids["C"]]
    g, e = intake.request_view(ids["G"]), intake.request_view(ids["E"])
    assert (g["override"], g["decisions"][-1]["reason"]) == (
        1,
        "fraud losses this quarter: the board asked",
    )
    assert g["decisions"][-1]["who"] == "fran"
    assert e["state"] == "declined"
    assert e["decisions"][-1] | {"at": None} == {
        "who": "fran", "action": "declined", "reason": "brokers are out of scope this year",
        "at": None,
    }  # fmt: skip
    # The reasons survive a new process: read the store afresh.
    again = make_intake(program_file, clock)
    assert again.request_view(ids["E"])["decisions"][-1]["reason"].startswith("brokers")


def test_bad_input_is_said_and_nothing_is_stored_twice(program_file):
    intake = make_intake(program_file, Clock())
    with pytest.raises(BadInput) as outside:
        intake.submit(REQUESTS["A"] | {"team": "legal"})
    assert str(outside.value).startswith("team 'legal' is not in the program; use a team id")

    e = intake.submit(REQUESTS["E"])
    assert e["state"] == "waiting" and e["unknown"] == {"tables": ["brokers"], "products": []}
    assert "unknown tables: brokers (accepted; check the names)" in e["notes"]
    assert "the hypothesis is not measurable" in e["notes"][0]
    again = intake.submit(REQUESTS["E"] | {"idea": "  broker COMMISSION outliers "})
    assert (again["id"], again["duplicate"]) == (e["id"], True)
    assert again["notes"][0] == f"submitted already: this is request {e['id']}, kept once"
    assert len(intake.queue()["requests"]) == 1

    with_product = intake.submit(REQUESTS["G"] | {"products": ["claims-settlement-times", "x"]})
    assert with_product["unknown"]["products"] == ["x"]
    measurable = intake.submit(REQUESTS["A"])
    assert measurable["score"]["total"] - e["score"]["total"] == 3  # only the hypothesis differs

    for body, said in [
        (REQUESTS["A"] | {"hypothesis": {"statement": "s", "threshold": "many"}},
         "the hypothesis 'threshold' must be a number, not 'many'"),
        (REQUESTS["A"] | {"analysts": ["A", "B", "C"]}, "not 3"),
        (REQUESTS["A"] | {"tables": ["a.b.c"]}, "'a.b.c' is not TABLE or TABLE.COLUMN"),
        (REQUESTS["A"] | {"free_from": "soon"}, "'free_from' is not a date"),
        (REQUESTS["A"] | {"tabels": ["claims"]}, "a request has no field 'tabels'; use analysts, "),
        ({k: v for k, v in REQUESTS["A"].items() if k != "idea"}, "'idea' is missing"),
        ({k: v for k, v in REQUESTS["A"].items() if k != "team"}, "'team' is missing"),
    ]:  # fmt: skip
        with pytest.raises(BadInput, match=said):
            intake.submit(body)
    assert len(intake.queue()["requests"]) == 3


def test_a_team_that_says_why_the_product_does_not_fit_is_queued_with_less(program_file):
    intake = make_intake(program_file, Clock())
    answered = intake.submit(REQUESTS["B"])
    assert answered["state"] == "answered" and answered["notes"][0].startswith("reuse claims-freq")
    why = "we need it weekly, by postcode, not monthly by region"
    queued = intake.submit(REQUESTS["B"] | {"not_fit": why})
    assert (queued["id"], queued["state"], queued["duplicate"]) == (answered["id"], "waiting", True)
    assert parts(queued)["answered by reuse"] == -3
    assert queued["decisions"][-1]["reason"] == why
    fresh = make_intake(program_file, Clock()).submit(REQUESTS["A"] | {"not_fit": why})
    assert "answered by reuse" not in parts(fresh)  # no product covered A: nothing subtracted


def test_pairings_end_when_the_team_is_capable_or_by_a_reason(program_file, tmp_path):
    clock = Clock()
    intake = make_intake(program_file, clock, capable={"underwriting"})
    ids = submit_all(intake, clock)
    intake.start(ids["A"], "eli")
    intake.start(ids["F"], "eli")
    with pytest.raises(BadInput, match="the program does not count team 'claims' capable yet"):
        intake.done(ids["A"], "eli")
    assert intake.done(ids["F"], "eli")["decisions"][-1]["reason"] == (
        "the program counts team 'underwriting' capable"
    )
    ended = intake.done(ids["A"], "eli", "the pair runs lesson 6 on its own")
    assert ended["state"] == "done" and ended["decisions"][-1]["reason"].startswith("the pair")
    assert intake.start(ids["D"], "eli")["state"] == "active"  # two places free again


def test_the_limit_is_engineers_over_two_unless_intake_toml_says(program_file):
    assert read_facts(program_file).limit == 2
    assert dataclasses.replace(read_facts(program_file), engineers=1).limit == 1  # at least 1
    settings = "wip_limit = 1\nopen = true\nweeks_per_lesson = 1\n"
    (program_file.parent / "intake.toml").write_text(settings)
    facts = read_facts(program_file)
    assert (facts.limit, facts.open) == (1, True)
    clock = Clock()
    intake = make_intake(program_file, clock)
    four = intake.submit(REQUESTS["A"] | {"lessons": 4})
    assert intake.start(four["id"], "eli")["expected_end"] == day(T0 + 4 * WEEK)
    (program_file.parent / "intake.toml").write_text("wip_limit = 0\n")
    with pytest.raises(BadInput, match="wip_limit must be a whole number >= 1"):
        read_facts(program_file)


def test_a_requester_sees_only_her_teams_requests_unless_the_queue_is_open(program_file):
    clock = Clock()
    intake = make_intake(program_file, clock)
    ids = submit_all(intake, clock)
    mine = intake.queue("claims")
    assert [v["id"] for v in mine["requests"]] == [ids["A"]]
    assert mine["requests"][0]["position"] == 2  # behind finance (9: no ambassador yet)
    assert mine["requests"][0]["expected_start"] == day(clock.now)  # a place is free now
    assert "Churn" not in str(mine)  # no other team's idea or hypothesis
    assert mine["counts"]["waiting"] == 6
    opened = make_intake(program_file, clock, open=True).queue("claims")
    assert len(opened["requests"]) == 7


def test_expected_reuse_counts_other_teams_up_to_three_and_starts_wait_for_the_analysts(
    program_file,
):
    intake = make_intake(program_file, Clock())
    many = ["pricing", "marketing", "finance", "fraud", "claims", "legal"]  # claims: itself
    view = intake.submit(REQUESTS["A"] | {"reused_by": many, "free_from": "2030-06-01"})
    assert parts(view)["expected reuse by other teams"] == 3
    assert view["expected_start"] == "2030-06-01"  # a place is free, the analysts are not


def test_a_requester_acts_only_for_her_own_team(program_file):
    facts = read_facts(program_file)
    check_own_team(facts, "ana", "claims")
    with pytest.raises(Forbidden, match=r"ana may request only for their own team \(claims\)"):
        check_own_team(facts, "ana", "pricing")
    with pytest.raises(Forbidden, match="the program lists no team for zoe"):
        check_own_team(facts, "zoe", "claims")


def test_starts_at_the_same_moment_never_pass_the_limit(program_file):
    intake = make_intake(program_file, Clock(), wip_limit=1)
    ids = [intake.submit(REQUESTS["A"] | {"idea": f"idea {n}"})["id"] for n in range(6)]
    barrier = threading.Barrier(len(ids))
    outcomes: list[str] = []

    def start(rid: int) -> None:
        # Each thread is a process that read the queue before the others wrote: only the
        # store's one conditional UPDATE stands between them and the limit.
        barrier.wait()
        decision = {"at": T0, "who": "eli", "action": "started", "reason": ""}
        try:
            values = {"state": "active", "started_at": T0, "expected_end": T0 + WEEK}
            intake.store.change(rid, ("waiting",), values, decision, limit=1)
            outcomes.append("started")
        except BadInput as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=start, args=(rid,)) for rid in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("started") == 1
    assert intake.queue()["counts"]["active"] == 1
    refused = [o for o in outcomes if o != "started"]
    assert set(refused) == {"pairings are active up to the limit of 1; end one (done or "
                            "decline) first, or raise wip_limit in intake.toml"}  # fmt: skip


def test_a_database_url_that_cannot_be_used_is_named_masked() -> None:
    with pytest.raises(BadInput) as caught:
        IntakeStore("postgresql+nodriver://lead:s3cret@db.example/intake")
    assert "the intake store URL is not usable" in str(caught.value)
    assert "s3cret" not in str(caught.value)
