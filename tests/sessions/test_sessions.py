"""Sessions in SQLite: roles turn in order, state survives a reopen, corruption loses no more."""

import sqlite3

import pytest

from pairlab.errors import BadInput, NotFound
from pairlab.sessions import SessionStore, export
from pairlab.sessions.model import parse_event, parse_participants, parse_rotation

PAIR = [{"name": "Ana", "role": "analyst"}, {"name": "Eli", "role": "engineer"}]


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    store = SessionStore(tmp_path, clock=clock)
    yield store
    store.close()


def test_first_person_drives_and_rotation_goes_round(store):
    trio = parse_participants([*PAIR, {"name": "Kim", "role": "analyst"}])
    session = store.start(trio, 15, None)
    drivers = [session.driver.name]
    for _ in range(3):
        drivers.append(store.rotate(session.id).driver.name)
    assert drivers == ["Ana", "Eli", "Kim", "Ana"]
    assert [p.name for p in store.get(session.id).navigators] == ["Eli", "Kim"]


def test_rotation_resets_the_countdown(store, clock):
    session = store.start(parse_participants(PAIR), 10, "welcome")
    assert session.to_json()["next_rotation_at"] == clock.now + 600
    clock.now += 420
    assert store.rotate(session.id).to_json()["next_rotation_at"] == clock.now + 600


def test_everything_survives_a_reopen(tmp_path, clock):
    first = SessionStore(tmp_path, clock=clock)
    session = first.start(parse_participants(PAIR), 15, None)
    first.rotate(session.id)
    first.record(session.id, "cell-executed", {"path": "a.ipynb", "cell": "c1", "success": True})
    first.set_step("a.ipynb", "welcome", "meet", "pass", "")
    first.close()

    again = SessionStore(tmp_path, clock=clock)
    assert again.get(session.id).driver.name == "Eli"
    assert [e.kind for e in again.events(session.id)] == [
        "session-started",
        "rotated",
        "cell-executed",
    ]
    assert again.steps("a.ipynb")["welcome/meet"]["status"] == "pass"
    again.close()


def test_database_is_in_wal_mode(store):
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_corrupt_database_is_moved_aside(tmp_path, clock):
    state = tmp_path / ".pairlab"
    state.mkdir()
    (state / "pairlab.db").write_bytes(b"this is not sqlite" * 100)
    (state / "notes.txt").write_text("keep me")

    store = SessionStore(tmp_path, clock=clock)

    assert "moved to pairlab.db.corrupt-" in store.notice
    aside = list(state.glob("pairlab.db.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not sqlite")
    assert (state / "notes.txt").read_text() == "keep me"
    assert store.start(parse_participants(PAIR), 15, None).driver.name == "Ana"
    store.close()


def test_ended_session_refuses_changes(store):
    session = store.start(parse_participants(PAIR), 15, None)
    store.end(session.id)
    with pytest.raises(BadInput, match="has ended"):
        store.rotate(session.id)
    with pytest.raises(BadInput, match="has ended"):
        store.record(session.id, "cell-executed", {})


def test_unknown_session(store):
    with pytest.raises(NotFound, match="no session 'abcdefabcdef'"):
        store.get("abcdefabcdef")


def test_export_summarizes_steps_rotations_failures_and_runs(store, clock):
    session = store.start(parse_participants(PAIR), 15, "welcome")
    clock.now += 60
    failed = {"results": [{"id": "in-order", "status": "fail"}, {"id": "lint", "status": "pass"}]}
    store.record(session.id, "step-checked", failed)
    store.record(session.id, "cell-executed", {"user": "Ana", "success": False})
    clock.now += 240
    store.record(session.id, "step-completed", {"lesson": "welcome", "step": "meet"})
    store.rotate(session.id)
    store.record(session.id, "cell-executed", {"user": "Eli", "success": True})

    doc = export(store.get(session.id), store.events(session.id))

    summary = doc["summary"]
    assert summary["steps"] == [{"step": "welcome/meet", "seconds": 300.0, "at": clock.now}]
    assert [r["driver"] for r in summary["rotations"]] == ["Eli"]
    assert summary["failed_checks"] == [{"check": "in-order", "failures": 1}]
    assert {(e["user"], e["runs"], e["errors"]) for e in summary["executions"]} == {
        ("Ana", 1, 1),
        ("Eli", 1, 0),
    }
    assert len(doc["events"]) == 6


@pytest.mark.parametrize(
    ("people", "message"),
    [
        (None, "2 to 4 participants"),
        ([], "2 to 4 participants"),
        (PAIR[:1], "2 to 4 participants"),
        (PAIR * 3, "2 to 4 participants"),
        ([PAIR[0], {"name": " ", "role": "analyst"}], "participant 2 has no name"),
        ([PAIR[0], {"name": "Bo", "role": "manager"}], "participant 2 has role 'manager'"),
        ([PAIR[0], {"name": "ana", "role": "engineer"}], "same name"),
        ([PAIR[0], "Eli"], "participant 2 is not an object"),
    ],
)
def test_bad_participants(people, message):
    with pytest.raises(BadInput, match=message):
        parse_participants(people)


@pytest.mark.parametrize("minutes", [0, 241, "15", 1.5, True, None])
def test_bad_rotation(minutes):
    with pytest.raises(BadInput, match="rotation_minutes"):
        parse_rotation(minutes)


@pytest.mark.parametrize(
    "body", [[], {"kind": "hacked"}, {"kind": "rotated", "data": []}, {"data": {}}]
)
def test_bad_events(body):
    with pytest.raises(BadInput):
        parse_event(body)
