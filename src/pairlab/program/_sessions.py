"""Session exports as the program reads them: who took part, who led, which team, who drove."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pairlab.errors import BadInput
from pairlab.program._model import Program


@dataclass
class SessionFacts:
    """One session, its people named as the program lists them."""

    id: str
    started_at: float
    team: str | None
    facilitator: str | None
    trained_in: str | None
    participants: tuple[str, ...]
    drives: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # steps done driving

    @property
    def short_id(self) -> str:
        """Return the id the session's own server gave it (the hub prefixes its user)."""
        return self.id.rsplit("/", 1)[-1]


def _member(program: Program, name: Any, where: str) -> str:
    """Return the program's spelling of a person a session names, or refuse an unknown one."""
    found = program.member(name) if isinstance(name, str) and name.strip() else None
    if found is None:
        raise BadInput(
            f"{where}: {name!r} is not a member of any team in {program.source}",
            f"add {name!r} to a team's members in {program.source}, or correct the name",
        )
    return found[1].name


def _team(program: Program, team: Any, where: str) -> str:
    """Return a team id a session names, or refuse one the program does not have."""
    if not isinstance(team, str) or program.team(team) is None:
        known = ", ".join(t.id for t in program.all_teams[:6])
        raise BadInput(
            f"{where}: team {team!r} does not exist in {program.source}",
            f"use a team id of the program ({known}, ...) or add the team to {program.source}",
        )
    return team


def _own_team(program: Program, people: Sequence[str]) -> str | None:
    """Return the one non-central team the session's people belong to, if there is one."""
    teams = {program.team_of_user(p) for p in people} - {program.central, None}
    return next(iter(teams)).id if len(teams) == 1 else None  # type: ignore[union-attr]


def read_session(
    program: Program, doc: Mapping[str, Any], csv_team: str | None = None
) -> SessionFacts:
    """Read one export (validated by the report's reader) against the program."""
    session = doc["session"]
    sid = str(session.get("id", "?"))
    where = f"session {sid}"
    people = []
    for person in session["participants"]:
        name = _member(program, person.get("name"), f"{where}: participant")
        if person.get("team") is not None:
            given = _team(program, person["team"], f"{where}: participant {name!r}")
            actual = program.team_of_user(name)
            if actual is not None and given != actual.id:
                raise BadInput(
                    f"{where}: participant {name!r} has team {given!r} but {program.source} "
                    f"lists them in {actual.id!r}",
                    "correct the session's team, or move the person in the program",
                )
        people.append(name)
    lead = session.get("facilitator")
    facilitator = _member(program, lead, f"{where}: facilitator") if lead else None
    team = session.get("team") or csv_team
    team = _team(program, team, where) if team else _own_team(program, people)
    trained_in = session.get("trained_in")
    return SessionFacts(
        id=sid,
        started_at=float(session.get("started_at", 0.0)),
        team=team,
        facilitator=facilitator,
        trained_in=str(trained_in) if trained_in else None,
        participants=tuple(people),
        drives=_drives(program, doc.get("events", [])),
    )


def _drives(
    program: Program, events: Sequence[Mapping[str, Any]]
) -> dict[str, set[tuple[str, str]]]:
    """Return the steps each person completed while driving, from step-completed events."""
    done: dict[str, set[tuple[str, str]]] = defaultdict(set)
    names: dict[str, str | None] = {}  # a session has a few drivers: look each up once
    for event in events:
        data = event.get("data")
        if event.get("kind") != "step-completed" or not isinstance(data, dict):
            continue
        driver, lesson, step = data.get("driver"), data.get("lesson"), data.get("step")
        if not (isinstance(driver, str) and isinstance(lesson, str) and isinstance(step, str)):
            continue
        if driver not in names:
            found = program.member(driver)
            names[driver] = found[1].name if found else None
        if (name := names[driver]) is not None:
            done[name].add((lesson, step))
    return dict(done)


def read_sessions(
    program: Program,
    docs: Sequence[Mapping[str, Any]],
    session_teams: Mapping[str, str] | None = None,
    memo: dict[Any, SessionFacts] | None = None,
) -> list[SessionFacts]:
    """Read every export against the program, oldest first; refuse broken trained-in links.

    With a `memo` (kept by the caller for one program), an export carrying a `stamp` that was
    read before is not read again: the hub stamps each session with its newest stored rows.
    """
    teams = session_teams or {}
    facts, used = [], set()
    for doc in docs:
        sid = str(doc["session"].get("id"))
        key = (sid, doc["stamp"]) if memo is not None and "stamp" in doc else None
        found = memo.get(key) if memo is not None and key is not None else None
        if found is None:
            found = read_session(program, doc, teams.get(sid))
            if memo is not None and key is not None:
                memo[key] = found
        used.add(key)
        facts.append(found)
    for gone in set(memo or {}) - used:  # sessions read before and changed since
        del memo[gone]  # type: ignore[union-attr]
    facts.sort(key=lambda s: (s.started_at, s.id))
    _check_links(program, facts)
    return facts


def _check_links(program: Program, facts: Sequence[SessionFacts]) -> None:
    """Refuse a trained-in link to no session, a cycle, or a session without the facilitator."""
    linked = [s for s in facts if s.trained_in is not None]
    if not linked:
        return
    by_id = {s.short_id: s for s in facts} | {s.id: s for s in facts}
    for s in linked:
        if s.trained_in not in by_id:
            raise BadInput(
                f"session {s.id}: trained_in {s.trained_in!r} is not among the sessions given",
                "pass that session's export too, or correct the id",
            )
    safe: set[str] = set()  # sessions whose chain of links ends: a walk reaching one stops
    for start in linked:
        seen, node = [start.id], start
        while node.trained_in is not None and node.id not in safe:
            node = by_id[node.trained_in]
            if node.id in seen:
                loop = " -> ".join([*seen[seen.index(node.id) :], node.id])
                raise BadInput(
                    f"sessions' trained_in links go round in a cycle: {loop}",
                    "each session's trained_in must name an earlier session",
                )
            seen.append(node.id)
        safe.update(seen)
    for s in linked:
        target = by_id[str(s.trained_in)]
        if s.facilitator is not None and s.facilitator not in target.participants:
            raise BadInput(
                f"session {s.id}: trained_in {s.trained_in!r}: the facilitator "
                f"{s.facilitator!r} did not take part in it",
                "name the session the facilitator was trained in",
            )
