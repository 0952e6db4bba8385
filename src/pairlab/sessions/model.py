"""Pairing sessions: participants, roles and rotation, validated once for every face."""

from __future__ import annotations

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
)

# Step verdicts are decided and logged by the server's check route, never sent by a client.
SERVER_KINDS = ("session-started", "rotated", "step-checked", "step-completed", "session-ended")


@dataclass(frozen=True)
class Participant:
    """One person in the session and what they bring: engineering or the domain."""

    name: str
    role: str


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

    @property
    def driver(self) -> Participant:
        """Return who has the keyboard: the order of names turns once per rotation."""
        return self.participants[self.rotations % len(self.participants)]

    @property
    def navigators(self) -> list[Participant]:
        """Return everyone who is not driving."""
        return [p for p in self.participants if p != self.driver]

    def to_json(self) -> dict[str, Any]:
        """Return the session as JSON-ready data, with the current roles spelled out."""
        data = asdict(self)
        data["driver"] = asdict(self.driver)
        data["navigators"] = [asdict(p) for p in self.navigators]
        data["next_rotation_at"] = self.rotated_at + 60 * self.rotation_minutes
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
    return Participant(name=name.strip(), role=role)


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
            else "start, rotate or end the session through its own route",
        )
    if kind not in EVENT_KINDS:
        sendable = [k for k in EVENT_KINDS if k not in SERVER_KINDS]
        raise BadInput(f"unknown event kind {kind!r}", f"use one of {', '.join(sendable)}")
    data = raw.get("data", {})
    if not isinstance(data, dict):
        raise BadInput("event 'data' must be an object", 'send "data": {...}')
    return kind, data
