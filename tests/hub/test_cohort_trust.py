"""The cohort holds what servers saw (issue 25): a learner's own token cannot forge progress.

With her own hub token a learner once posted `step-completed` events (even for steps that do not
exist) and the facilitators' view listed them. Each forbidden shape goes through what the
ingest route runs (parse_post, then the store) on a real SQLite cohort store.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from pairlab.errors import BadInput
from pairlab.hub._store import CohortStore, default_url, parse_post
from pairlab.hub._views import cohort_json
from pairlab.sessions import Participant, SessionStore
from pairlab.sessions.model import MAX_EVENT_ID

PAIR = (Participant("Ana", "analyst"), Participant("Eli", "engineer"))


@pytest.fixture
def cohort(tmp_path):
    """A cohort store holding ana's session as her server forwarded it: started, a run."""
    store = CohortStore(default_url(tmp_path))
    told: list[dict[str, Any]] = []
    lab = SessionStore(tmp_path / "lab", on_event=told.append)
    sid = lab.start(PAIR, 15, "welcome").id
    lab.record(sid, "cell-executed", {"success": True, "user": "Ana", "driver": "Ana"})
    lab.close()
    told[:] = [json.loads(json.dumps(item)) for item in told]  # as the outbox posts them
    for item in told:
        store.add(*parse_post({"user": "ana", **item}))
    yield store, told
    store.close()


def ingest(store: CohortStore, post: dict[str, Any]) -> bool:
    """Do what the ingest route does with a post whose token is ana's."""
    return store.add(*parse_post(post))


def shaped(told: list[dict[str, Any]], kind: str, data: dict[str, Any], eid: int = 100) -> dict:
    """Return a post of ana's session with one more event of `kind`."""
    item = copy.deepcopy(told[-1])
    item["event"] |= {"id": eid, "kind": kind, "data": data}
    return {"user": "ana", **item}


CHECK = {"path": "00-welcome.ipynb", "lesson": "welcome", "step": "meet", "driver": "Ana"}
Change = Callable[[dict[str, Any]], None]


def _other_session(post: dict[str, Any]) -> None:
    post["session"]["id"] = post["event"]["session_id"] = "0123456789ab"


def _lesson(post: dict[str, Any]) -> None:
    post["session"]["lesson"] = "no-such-lesson"


FORBIDDEN: list[tuple[str, str, dict[str, Any], Change | None, str]] = [
    ("claimed", "step-completed", CHECK, None, "no passing check of 'welcome'/'meet'"),
    ("made-up step", "step-checked", CHECK | {"step": "nope", "status": "pass"}, None,
     "'welcome'/'nope' is no step of the curriculum"),
    ("made-up lesson", "step-checked", CHECK | {"lesson": "x", "status": "pass"}, None,
     "'x'/'meet' is no step of the curriculum"),
    ("unknown kind", "step-passed", {}, None, "unknown event kind 'step-passed'"),
    ("a stranger's run", "cell-executed", {"user": "Mallory", "success": True}, None,
     "credited to someone outside the session"),
    ("a session never started", "cell-executed", {"success": True}, _other_session,
     "was not started by ana's server"),
    ("a lesson that does not exist", "rotated", {}, _lesson, "is no lesson of the curriculum"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "data", "change", "words"),
    [f[1:] for f in FORBIDDEN],
    ids=[f[0] for f in FORBIDDEN],
)
def test_what_no_server_records_is_refused_and_nothing_shows(cohort, kind, data, change, words):
    store, told = cohort
    post = shaped(told, kind, data)
    if change:
        change(post)
    before = cohort_json(store)
    with pytest.raises(BadInput, match=words):
        ingest(store, post)
    after = cohort_json(store)
    assert after == before and after["sessions"][0]["steps_completed"] == []


def test_a_completion_after_a_failing_check_only_is_refused(cohort):
    store, told = cohort
    ingest(store, shaped(told, "step-checked", CHECK | {"status": "fail", "results": []}, 100))
    with pytest.raises(BadInput, match="no passing check"):
        ingest(store, shaped(told, "step-completed", CHECK, 101))
    assert cohort_json(store)["sessions"][0]["steps_completed"] == []


def test_a_completion_backed_by_a_passing_check_counts(cohort):
    store, told = cohort
    assert ingest(store, shaped(told, "step-checked", CHECK | {"status": "pass"}, 100))
    assert ingest(store, shaped(told, "step-completed", CHECK, 101))
    assert cohort_json(store)["sessions"][0]["steps_completed"] == ["welcome/meet"]


@pytest.mark.parametrize("eid", [MAX_EVENT_ID + 1, 2**70])
def test_an_event_id_beyond_the_database_is_refused(cohort, eid):
    store, told = cohort
    with pytest.raises(BadInput, match="larger than any event id"):
        ingest(store, shaped(told, "cell-executed", {"success": True}, eid))
