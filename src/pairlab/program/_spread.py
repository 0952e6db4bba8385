"""Spread: generation 0 is the central team; who learned from generation n is generation n + 1."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pairlab.program._model import Program
from pairlab.program._sessions import SessionFacts


@dataclass(frozen=True)
class Person:
    """Where a person stands: their team, generation (None: not reached) and trainer."""

    name: str
    team: str
    role: str
    generation: int | None = None
    trained_by: str | None = None
    learned_in: str | None = None  # the session that gave the generation

    def to_json(self) -> dict[str, Any]:
        """Return the fields the status JSON promises, and the session they were reached in."""
        return {
            "team": self.team,
            "role": self.role,
            "generation": self.generation,
            "trained_by": self.trained_by,
            "learned_in": self.learned_in,
        }


@dataclass
class Spread:
    """Everyone's generation, and who led which session."""

    people: dict[str, Person]
    leaders: dict[str, tuple[str, ...]] = field(default_factory=dict)  # session id -> leaders

    def reached(self, name: str) -> bool:
        """Return whether the person has a generation."""
        return self.people[name].generation is not None

    def tree(self) -> list[dict[str, Any]]:
        """Return who trained whom as nested {name, team, generation, children}, central first."""
        children: dict[str | None, list[Person]] = {}
        for person in self.people.values():
            if person.generation is not None:
                children.setdefault(person.trained_by, []).append(person)

        def node(p: Person) -> dict[str, Any]:
            kids = sorted(children.get(p.name, []), key=lambda c: c.name)
            return {"name": p.name, "team": p.team, "generation": p.generation,
                    "children": [node(c) for c in kids]}  # fmt: skip

        return [node(p) for p in sorted(children.get(None, []), key=lambda c: c.name)]


def session_leaders(program: Program, session: SessionFacts) -> tuple[str, ...]:
    """Return who led a session: its facilitator, else the central team's people in it."""
    if session.facilitator is not None:
        return (session.facilitator,)
    central = {m.name for m in program.central.members}
    return tuple(p for p in session.participants if p in central)


def spread(program: Program, sessions: Sequence[SessionFacts]) -> Spread:
    """Give everyone the lowest generation any session reached them with (oldest session first).

    Rounds repeat until nothing changes: a later session can lower an earlier learner's trainer.
    """
    people = {
        m.name: Person(m.name, t.id, m.role, 0 if t is program.central else None)
        for t in program.all_teams
        for m in t.members
    }
    leaders = {s.id: session_leaders(program, s) for s in sessions}
    changed = True
    while changed:
        changed = False
        for s in sessions:
            known = [(people[x].generation, x) for x in leaders[s.id]]
            ranked = sorted((g, x) for g, x in known if g is not None)
            if not ranked:
                continue
            gen, trainer = ranked[0]
            for name in s.participants:
                now = people[name].generation
                if name not in leaders[s.id] and (now is None or gen + 1 < now):
                    people[name] = Person(name, people[name].team, people[name].role,
                                          gen + 1, trainer, s.id)  # fmt: skip
                    changed = True
    return Spread(people, leaders)
