"""A browser's event, by the session's rules: credited, stamped, logged once per turn."""

import pytest

from pairlab.errors import BadInput
from pairlab.sessions import SessionStore
from pairlab.sessions.events import receive
from pairlab.sessions.model import parse_participants

PAIR = [{"name": "Ana", "role": "analyst"}, {"name": "Eli", "role": "engineer"}]


@pytest.fixture
def store(tmp_path):
    store = SessionStore(tmp_path)
    yield store
    store.close()


def test_a_cell_run_is_credited_to_the_driver_not_to_what_the_browser_says(store):
    sid = store.start(parse_participants(PAIR), 15, None).id
    event, new = receive(store, sid, {"kind": "cell-executed", "data": {"user": "Eli"}})
    assert new and event.data["user"] == "Ana" and event.data["driver"] == "Ana"


def test_a_reloaded_browser_logs_its_rotation_prompt_once_per_turn(store):
    sid = store.start(parse_participants(PAIR), 15, None).id
    body = {"kind": "rotation-prompted", "data": {"participant": "Eli", "next": "Ana"}}
    first, new = receive(store, sid, body)
    again, new_again = receive(store, sid, body)
    assert new and not new_again and again.id == first.id
    assert first.data["next"] == "Eli"  # the session's next driver, never the browser's
    store.rotate(sid)
    assert receive(store, sid, body)[1]  # a new turn: a new prompt


def test_a_path_leaving_the_root_is_refused_before_anything_is_logged(store):
    sid = store.start(parse_participants(PAIR), 15, None).id
    before = store.events(sid)
    with pytest.raises(BadInput, match="not inside the server root"):
        receive(store, sid, {"kind": "cell-executed", "data": {"path": "../x.ipynb"}})
    assert store.events(sid) == before
