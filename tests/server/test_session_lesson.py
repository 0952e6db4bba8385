"""A session started outside a lesson picks up the first lesson notebook opened, and keeps it."""

from pairlab_routes import call

PAIR = [{"name": "Ana", "role": "analyst"}, {"name": "Eli", "role": "engineer"}]


async def start(jp_fetch, **extra):
    code, session = await call(jp_fetch, "sessions", body={"participants": PAIR, **extra})
    assert code == 201, session
    return session


async def test_a_session_without_a_lesson_takes_the_first_opened(jp_fetch):
    session = await start(jp_fetch)
    assert session["lesson"] is None
    sid = session["id"]

    code, adopted = await call(jp_fetch, "sessions", sid, "lesson", body={"lesson": "welcome"})
    assert code == 200
    assert adopted["lesson"] == "welcome"

    # Opening another lesson later does not rewrite what the session worked on first.
    code, kept = await call(jp_fetch, "sessions", sid, "lesson", body={"lesson": "explore"})
    assert code == 200
    assert kept["lesson"] == "welcome"
    code, doc = await call(jp_fetch, "sessions", sid, "export")
    assert doc["session"]["lesson"] == "welcome"


async def test_a_session_started_in_a_lesson_keeps_it(jp_fetch):
    session = await start(jp_fetch, lesson="functions")
    code, kept = await call(
        jp_fetch, "sessions", session["id"], "lesson", body={"lesson": "welcome"}
    )
    assert (code, kept["lesson"]) == (200, "functions")


async def test_an_unknown_or_missing_lesson_is_refused(jp_fetch):
    sid = (await start(jp_fetch))["id"]
    code, reply = await call(jp_fetch, "sessions", sid, "lesson", body={"lesson": "nope"})
    assert code == 400 and "unknown lesson id 'nope'" in reply["error"]
    code, reply = await call(jp_fetch, "sessions", sid, "lesson", body={})
    assert code == 400 and "'lesson' is missing" in reply["error"]
    code, _ = await call(jp_fetch, "sessions", "0123456789ab", "lesson", body={"lesson": "welcome"})
    assert code == 404


async def test_an_ended_session_takes_no_lesson(jp_fetch):
    sid = (await start(jp_fetch))["id"]
    await call(jp_fetch, "sessions", sid, "end", body={})
    code, reply = await call(jp_fetch, "sessions", sid, "lesson", body={"lesson": "welcome"})
    assert code == 400 and "has ended" in reply["error"]
