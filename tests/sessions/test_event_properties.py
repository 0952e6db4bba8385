"""Properties of the session event store (issue 14), checked by Hypothesis.

Whatever valid events a browser sends are stored and read back identical and in order; whatever
is invalid is refused with BadInput and leaves the log as it was. Events go in as the server's
route sends them (PairlabService.record_event) and, for the invalid ones, straight into the
store too, which must refuse on its own.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairlab.errors import BadInput
from pairlab.server.service import PairlabService
from pairlab.sessions.model import (
    DATA_FIELDS,
    EVENT_KINDS,
    MAX_DATA_BYTES,
    MAX_DATA_DEPTH,
    NULLABLE,
    SERVER_KINDS,
    STORED_EXTRA,
)

PAIR = {"participants": [{"name": "Ana", "role": "analyst"}, {"name": "Eli", "role": "engineer"}]}
SENDABLE = [k for k in EVENT_KINDS if k not in SERVER_KINDS]
BOUNDED = settings(
    max_examples=40,
    database=None,  # nothing written into the checkout
    deadline=2000,  # ms: one event is a few SQLite writes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
)
# Keys a reader does not know: anything but the typed fields.
free_keys = st.text(min_size=1, max_size=12).filter(lambda k: k not in DATA_FIELDS)
relative_paths = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=10),
    min_size=1,
    max_size=3,
).map(lambda parts: "/".join(parts) + ".ipynb")
TYPED: dict[str, st.SearchStrategy[Any]] = {
    key: st.text(max_size=30) for key, kind in DATA_FIELDS.items() if kind is str
} | {
    "path": relative_paths,
    "rotation": st.integers(min_value=0, max_value=10_000),
    "success": st.booleans(),
    "shared": st.booleans(),
    "results": st.lists(
        st.dictionaries(st.sampled_from(["id", "status", "message"]), st.text(max_size=20)),
        max_size=4,
    ),
}
valid_data = st.fixed_dictionaries(
    {}, optional={k: st.one_of(st.none(), v) if k in NULLABLE else v for k, v in TYPED.items()}
).flatmap(
    lambda typed: st.dictionaries(free_keys, scalars, max_size=4).map(
        lambda free: {**free, **typed}
    )
)
valid_events = st.fixed_dictionaries({"kind": st.sampled_from(SENDABLE), "data": valid_data})


def _nested(depth: int) -> dict[str, Any]:
    """Return an object nested `depth` levels deep."""
    value: dict[str, Any] = {"leaf": 1}
    for _ in range(depth - 1):
        value = {"x": value}
    return value


wrong_typed = st.sampled_from(sorted(DATA_FIELDS)).flatmap(
    lambda key: st.sampled_from(
        [v for v in (None, 5, 2.5, True, "text", [], {}, ["x"]) if not _fits(key, v)]
    ).map(lambda value: {key: value})
)


def _fits(key: str, value: Any) -> bool:
    """Return whether value has the type the readers expect of data[key] (null: "nobody")."""
    if value is None:
        return key in NULLABLE
    if isinstance(value, bool) and DATA_FIELDS[key] is int:
        return False  # a turn is a number, and true is not one
    return isinstance(value, DATA_FIELDS[key])


ODD_DATA: list[Any] = [
    {"results": [5]},
    {"results": ["ok"]},
    {"x": math.nan},
    {"x": [math.inf]},
    {"x": -math.inf},
    _nested(MAX_DATA_DEPTH + 1),
    {"x": "y" * (MAX_DATA_BYTES + STORED_EXTRA)},  # too large even with what a server adds
    {"x": {1, 2}},
    {"x": b"bytes"},
    {"x": (1, 2)},
    {1: "a number as a key"},
    {("a", "b"): "a tuple as a key"},
    {"path": "../outside.ipynb"},
    {"path": "/etc/passwd"},
    {"path": ""},
]
invalid_data = st.one_of(wrong_typed, st.sampled_from(ODD_DATA))
invalid_events = st.one_of(
    st.fixed_dictionaries({"kind": st.sampled_from(SENDABLE), "data": invalid_data}),
    st.fixed_dictionaries(
        {"kind": st.sampled_from(SENDABLE), "data": st.one_of(scalars, st.lists(scalars))}
    ),
    st.fixed_dictionaries(
        {
            "kind": st.one_of(
                st.sampled_from(SERVER_KINDS), st.text(max_size=20), st.none(), st.integers()
            ),
            "data": valid_data,
        }
    ),
)


@pytest.fixture
def service():
    """A service on a root of its own (the database lives in its .pairlab folder)."""
    with tempfile.TemporaryDirectory() as root:
        service = PairlabService(Path(root))
        yield service
        service.close()


def _session(service: PairlabService) -> str:
    return service.start_session(PAIR).id


@BOUNDED
@given(events=st.lists(valid_events, min_size=1, max_size=8))
def test_valid_events_come_back_identical_and_in_order(service, events):
    session = _session(service)
    stored = [service.record_event(session, event) for event in events]
    read = [e.to_json() for e in service.store.events(session)][1:]  # after session-started
    assert [(e["kind"], e["data"]) for e in read] == [(e["kind"], e["data"]) for e in events]
    assert read == stored
    ids = [e["id"] for e in read]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert [e.id for e in service.store.events(session, ids[0])] == ids[1:]  # ?since= reads on


def _refused_and_nothing_stored(service: PairlabService, event: dict[str, Any]) -> None:
    """Assert the route and the store refuse `event` and the log reads as before."""
    session = _session(service)
    before = service.store.events(session)
    with pytest.raises(BadInput):
        service.record_event(session, event)
    data = event["data"]
    if isinstance(data, dict) and "path" not in data and event["kind"] in SENDABLE:
        with pytest.raises(BadInput):  # the store refuses on its own, not only the route
            service.store.record(session, event["kind"], data)
    assert service.store.events(session) == before
    assert service.export(session)["events"] == [e.to_json() for e in before]  # still readable


@BOUNDED
@given(event=invalid_events)
def test_invalid_events_are_refused_and_nothing_is_stored(service, event):
    _refused_and_nothing_stored(service, event)


@pytest.mark.parametrize("data", ODD_DATA, ids=lambda d: repr(d)[:30])
def test_each_kind_of_odd_data_is_refused(service, data):
    _refused_and_nothing_stored(service, {"kind": "cell-executed", "data": data})
