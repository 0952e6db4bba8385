"""A session's place in the program through a real server: team, facilitator, trained_in."""

import sqlite3

from pairlab_routes import call

from pairlab.sessions import Participant, SessionStore

PAIR = [
    {"name": "Ben", "role": "analyst", "team": "claims"},
    {"name": "Ana", "role": "analyst", "team": "claims"},
]


async def test_a_teach_back_records_its_place_and_the_export_carries_it(jp_fetch):
    place = {"team": "claims", "facilitator": "Ana", "trained_in": "0123456789ab"}
    code, session = await call(jp_fetch, "sessions", body={"participants": PAIR, **place})
    assert code == 201, session
    assert {k: session[k] for k in place} == place
    code, doc = await call(jp_fetch, "sessions", session["id"], "export")
    assert code == 200
    assert {k: doc["session"][k] for k in place} == place
    assert [p["team"] for p in doc["session"]["participants"]] == ["claims", "claims"]


async def test_a_session_without_a_place_says_null(jp_fetch):
    pair = [{"name": "Ana", "role": "analyst"}, {"name": "Eli", "role": "engineer"}]
    code, session = await call(jp_fetch, "sessions", body={"participants": pair, "team": ""})
    assert code == 201
    assert (session["team"], session["facilitator"], session["trained_in"]) == (None, None, None)
    assert session["participants"][0]["team"] is None


async def test_a_place_that_is_not_a_short_string_is_refused(jp_fetch):
    body = {"participants": PAIR, "facilitator": {"name": "Ana"}}
    code, error = await call(jp_fetch, "sessions", body=body)
    assert code == 400
    assert error["error"] == "'facilitator' must be a short string or null"
    code, error = await call(jp_fetch, "sessions", body={"participants": PAIR, "team": "x" * 81})
    assert code == 400 and "team" in error["error"]


def test_a_database_from_before_places_gains_the_columns(tmp_path):
    folder = tmp_path / ".pairlab"
    folder.mkdir()
    old = sqlite3.connect(folder / "pairlab.db")
    old.executescript(
        "CREATE TABLE sessions (id TEXT PRIMARY KEY, started_at REAL NOT NULL, ended_at REAL,"
        " lesson TEXT, rotation_minutes INTEGER NOT NULL, participants TEXT NOT NULL,"
        " rotations INTEGER NOT NULL DEFAULT 0, rotated_at REAL NOT NULL);"
        "INSERT INTO sessions VALUES ('aaaaaaaaaaaa', 1, NULL, NULL, 15,"
        ' \'[{"name": "Ana", "role": "analyst"}, {"name": "Eli", "role": "engineer"}]\','
        " 0, 1);"
    )
    old.close()
    store = SessionStore(tmp_path)
    kept = store.get("aaaaaaaaaaaa")
    assert kept.team is None and [p.name for p in kept.participants] == ["Ana", "Eli"]
    new = store.start((Participant("Ana", "analyst"), Participant("Eli", "engineer")), 15, None,
                      {"team": "claims", "facilitator": "Eli"})  # fmt: skip
    assert (store.get(new.id).team, store.get(new.id).facilitator) == ("claims", "Eli")
    store.close()
