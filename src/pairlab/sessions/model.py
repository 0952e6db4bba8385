"""Pairing sessions: participants, roles and rotation, validated once for every face."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from pairlab.errors import BadInput

ROLES = ("engineer", "analyst")
MIN_PEOPLE, MAX_PEOPLE = 2, 4
MIN_ROTATION, MAX_ROTATION = 1, 240
EVENT_KINDS = (
    "session-started",
    "rotated",
    "rotation-prompted",
    "step-checked",
    "step-completed",
    "cell-executed",
    "session-ended",
    "product-reused",  # a kernel of the lab read another team's product (pairlab.usage)
)

# Step verdicts are decided and logged by the server's check route, never sent by a client.
SERVER_KINDS = (
    "session-started",
    "rotated",
    "step-checked",
    "step-completed",
    "session-ended",
    "product-reused",
)
MAX_DATA_DEPTH = 6  # event data is a flat record, plus `results`: a list of small objects
MAX_DATA_BYTES = 64_000
MAX_EVENT_ID = 2**63 - 1  # SQLite's largest integer
# What the server adds to a client's data (who ran a cell, the turn of a prompt): names of at
# most 80 characters and a few small fields, so stored data stays well within this much more.
STORED_EXTRA = 2_000
NULLABLE = ("participant", "identity")  # a browser without a "this is me" choice sends null
# Event data fields every reader (summary, export, cohort report) relies on, with their types.
DATA_FIELDS: dict[str, type | tuple[type, ...]] = {
    "path": str,
    "cell": str,
    "lesson": str,
    "step": str,
    "status": str,
    "user": str,
    "driver": str,
    "participant": str,
    "identity": str,
    "next": str,
    "rotation": int,
    "success": bool,
    "shared": bool,
    "results": list,
}


@dataclass(frozen=True)
class Participant:
    """One person in the session and what they bring: engineering or the domain."""

    name: str
    role: str
    team: str | None = None  # the program's team id, when the start form names it


@dataclass(frozen=True)
class Session:
    """A pairing session: who is in it, who drives now, and when the roles last turned."""

    id: str
    started_at: float
    participants: tuple[Participant, ...]
    rotation_minutes: int
    rotations: int = 0
    rotated_at: float = 0.0
    lesson: str | None = None
    ended_at: float | None = None
    # Its place in the program: the team it serves, who led it (a central engineer, an
    # ambassador, or nobody) and, for a teach-back, the session the facilitator was trained in.
    team: str | None = None
    facilitator: str | None = None
    trained_in: str | None = None

    @property
    def driver(self) -> Participant:
        """Return who has the keyboard: the order of names turns once per rotation."""
        return self.participants[self.rotations % len(self.participants)]

    @property
    def navigators(self) -> list[Participant]:
        """Return everyone who is not driving."""
        return [p for p in self.participants if p != self.driver]

    @property
    def next_driver(self) -> Participant:
        """Return who drives after the next rotation: the guide shows it, never works it out."""
        return self.participants[(self.rotations + 1) % len(self.participants)]

    def to_json(self) -> dict[str, Any]:
        """Return the session as JSON-ready data, with the current roles spelled out."""
        data = asdict(self)
        data["driver"] = asdict(self.driver)
        data["navigators"] = [asdict(p) for p in self.navigators]
        data["next_rotation_at"] = self.rotated_at + 60 * self.rotation_minutes
        data["next_driver"] = asdict(self.next_driver)
        return data


@dataclass(frozen=True)
class Event:
    """Something that happened in a session, with when."""

    id: int
    session_id: str
    at: float
    kind: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the event as JSON-ready data."""
        return asdict(self)


def stamp_prompt(session: Session, data: dict[str, Any]) -> dict[str, Any]:
    """Return a browser's rotation prompt as the session knows it: which turn, whose browser.

    Each browser prompts on its own clock; `participant` is its "this is me" choice (None for a
    shared keyboard), `rotation` and `next` are the session's, never the client's.
    """
    names = {p.name for p in session.participants}
    me = data.get("participant")
    nxt = session.next_driver.name
    return {
        **data,
        "participant": me if me in names else None,
        "rotation": session.rotations,
        "next": nxt,
    }


def earlier_prompt(events: list[Event], data: dict[str, Any]) -> Event | None:
    """Return the prompt this browser's person already logged for this turn (a reload), if any."""
    for event in events:
        if event.kind == "rotation-prompted" and all(
            event.data.get(key) == data[key] for key in ("rotation", "participant")
        ):
            return event
    return None


def parse_participants(raw: Any) -> tuple[Participant, ...]:
    """Validate 2 to 4 distinct named people, each an engineer or an analyst."""
    if not isinstance(raw, list) or not MIN_PEOPLE <= len(raw) <= MAX_PEOPLE:
        raise BadInput(
            f"a session needs {MIN_PEOPLE} to {MAX_PEOPLE} participants",
            'send "participants": [{"name": "Ana", "role": "analyst"}, ...]',
        )
    people = tuple(_parse_person(item, i) for i, item in enumerate(raw, start=1))
    names = [p.name.casefold() for p in people]
    if len(set(names)) != len(names):
        raise BadInput("two participants have the same name", "give each person their own name")
    return people


def _parse_person(item: Any, position: int) -> Participant:
    """Validate one participant entry."""
    if not isinstance(item, dict):
        raise BadInput(f"participant {position} is not an object", 'send {"name", "role"}')
    name = item.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 80:
        raise BadInput(f"participant {position} has no name", "type a name of 1 to 80 characters")
    role = item.get("role")
    if role not in ROLES:
        raise BadInput(f"participant {position} has role {role!r}", f"choose one of {ROLES}")
    team = item.get("team")
    if team is not None and not _is_label(team):
        raise BadInput(f"participant {position} has team {team!r}", _PLACE_FIX)
    team = team.strip() if team else None
    return Participant(name=name.strip(), role=role, team=team or None)


_PLACE_FIX = "send a program team id, a name or a session id of 1 to 80 characters, or null"


def _is_label(value: Any) -> bool:
    """Return whether `value` is a short string (a team id, a name, a session id)."""
    return isinstance(value, str) and len(value) <= 80


def parse_place(body: dict[str, Any]) -> dict[str, str | None]:
    """Validate a session's optional team, facilitator and trained_in (each a string or null)."""
    place: dict[str, str | None] = {}
    for key in ("team", "facilitator", "trained_in"):
        value = body.get(key)
        if value is not None and not _is_label(value):
            raise BadInput(f"'{key}' must be a short string or null", _PLACE_FIX)
        place[key] = value.strip() if isinstance(value, str) and value.strip() else None
    return place


def parse_rotation(raw: Any) -> int:
    """Validate the rotation interval in whole minutes."""
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise BadInput("rotation_minutes must be a whole number", "send e.g. 15")
    if not MIN_ROTATION <= raw <= MAX_ROTATION:
        raise BadInput(
            f"rotation_minutes {raw} is out of range",
            f"choose {MIN_ROTATION} to {MAX_ROTATION} minutes",
        )
    return raw


def parse_event(raw: Any) -> tuple[str, dict[str, Any]]:
    """Validate an event a client records: a known kind and an object of data."""
    if not isinstance(raw, dict):
        raise BadInput("the request body must be a JSON object", 'send {"kind": ..., "data": {}}')
    kind = raw.get("kind")
    if kind in SERVER_KINDS:
        step = kind.startswith("step-")
        raise BadInput(
            f"the server records '{kind}' events itself",
            'check the step with POST /pairlab/check {"path", "step", "session"}'
            if step
            else "the lab logs it when one of its kernels reads another team's product"
            if kind == "product-reused"
            else "start, rotate or end the session through its own route",
        )
    if kind not in EVENT_KINDS:
        sendable = [k for k in EVENT_KINDS if k not in SERVER_KINDS]
        raise BadInput(f"unknown event kind {kind!r}", f"use one of {', '.join(sendable)}")
    data = raw.get("data", {})
    check_data(data, sent=True)
    return kind, data


def check_fields(data: Any, *, nulls: bool = False) -> None:
    """Refuse event data whose known fields have the wrong type, or nested too deep.

    A typed field holds null only where a browser means "nobody" (`participant`, `identity`);
    a reader of older exports passes `nulls` to read null anywhere as "not given".
    """
    if not isinstance(data, dict):
        raise BadInput("event 'data' must be an object", 'send "data": {...}')
    for key, kind in DATA_FIELDS.items():
        if key not in data or (data[key] is None and (nulls or key in NULLABLE)):
            continue
        if (isinstance(data[key], bool) and kind is int) or not isinstance(data[key], kind):
            name = getattr(kind, "__name__", "value")
            raise BadInput(f"event data '{key}' must be a {_JSON_NAMES.get(name, name)}", _FIX)
    results = data.get("results") or []
    if not all(isinstance(r, dict) for r in results):
        raise BadInput("event data 'results' must be a list of objects", 'e.g. [{"id", "status"}]')
    if _depth(data) > MAX_DATA_DEPTH:
        raise BadInput(f"event data is nested deeper than {MAX_DATA_DEPTH} levels", _FIX)


def check_data(data: Any, *, sent: bool = False) -> None:
    """Refuse event data that readers could not read back: wrong types, too deep, too large.

    The size limit is on what the client sent (`sent`); the server's own fields (who ran a cell,
    the turn of a prompt) come on top, so stored data may exceed it by STORED_EXTRA bytes.
    """
    check_fields(data)
    try:
        text = json.dumps(data, allow_nan=False)
    except ValueError:  # NaN or Infinity: not JSON, so a reader would choke on it
        raise BadInput("event data holds NaN or Infinity", "send finite numbers or null") from None
    except TypeError:  # a set, bytes, an object: a library caller's mistake, refused the same way
        raise BadInput("event data holds a value that is not JSON", _FIX) from None
    if len(text) > MAX_DATA_BYTES + (0 if sent else STORED_EXTRA):
        raise BadInput("event data is too large", f"keep it under {MAX_DATA_BYTES} bytes")
    if json.loads(text) != data:  # a tuple or a number as a key would come back changed
        raise BadInput("event data would not read back as sent", _FIX)


_FIX = "send a flat object of strings, numbers and booleans"
_JSON_NAMES = {"str": "string", "bool": "boolean", "list": "list"}


def _depth(value: Any) -> int:
    """Return how deep objects and lists nest in `value` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def parse_lesson(raw: Any) -> str | None:
    """Validate a session's optional lesson id: a string or nothing."""
    if raw is not None and not isinstance(raw, str):
        raise BadInput("'lesson' must be a lesson id (a string)", 'send e.g. "welcome"')
    return raw


def parse_since(raw: Any) -> int:
    """Validate an event id to read after: a whole number SQLite can hold."""
    text = str(raw)
    if isinstance(raw, bool) or not (text.isascii() and text.isdigit()):
        raise BadInput(f"since={text[:40]!r} is not an event id", "send a whole number")
    since = int(text)
    if since > MAX_EVENT_ID:
        raise BadInput(f"since={text[:40]} is larger than any event id", "send a smaller number")
    return since
