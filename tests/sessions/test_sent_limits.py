"""Event limits apply to what the learner sent (issue 25), not to what the server adds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pairlab.errors import BadInput
from pairlab.server.service import PairlabService
from pairlab.sessions.model import MAX_DATA_BYTES

PAIR = {"participants": [{"name": "Ana", "role": "analyst"}, {"name": "Eli", "role": "engineer"}]}


def sized(total: int) -> dict[str, object]:
    """Return cell-run data whose JSON is exactly `total` bytes."""
    data: dict[str, object] = {"path": "nb.ipynb", "success": True, "note": ""}
    data["note"] = "x" * (total - len(json.dumps(data)))
    assert len(json.dumps(data)) == total
    return data


@pytest.fixture
def service(tmp_path: Path):
    """A service on a root of its own."""
    service = PairlabService(tmp_path)
    yield service
    service.close()


def test_a_cell_run_just_under_the_limit_is_stored_with_who_ran_it(service):
    sid = service.start_session(PAIR).id
    data = sized(MAX_DATA_BYTES - 10)  # the server adds "user" and "driver" on top
    stored, _ = service.receive_event(sid, {"kind": "cell-executed", "data": data})
    assert stored["data"]["user"] == "Ana" and stored["data"]["note"] == data["note"]


def test_a_cell_run_over_the_limit_is_refused(service):
    sid = service.start_session(PAIR).id
    with pytest.raises(BadInput, match="event data is too large"):
        service.receive_event(sid, {"kind": "cell-executed", "data": sized(MAX_DATA_BYTES + 1)})


@pytest.mark.parametrize("key", ["path", "cell", "success", "shared", "rotation", "results"])
def test_a_typed_field_sent_as_null_is_refused(service, key):
    sid = service.start_session(PAIR).id
    with pytest.raises(BadInput, match=f"event data '{key}' must be"):
        service.receive_event(sid, {"kind": "cell-executed", "data": {key: None}})


def test_nobody_is_still_a_null_participant(service):
    sid = service.start_session(PAIR).id
    data = {"participant": None, "identity": None, "success": True}
    stored, _ = service.receive_event(sid, {"kind": "cell-executed", "data": data})
    assert stored["data"]["user"] == "Ana"
