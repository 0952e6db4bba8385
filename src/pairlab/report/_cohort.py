"""Aggregate session exports per person and per team: lessons, time, failed checks, rotations."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SessionRow:
    """One session as the report reads it from its events."""

    id: str
    lesson: str
    people: tuple[str, ...]
    minutes: float
    rotations: int
    completed: set[tuple[str, str]]  # (lesson, step)
    seconds_per_lesson: Counter[str]
    failed_checks: Counter[str]
    cell_runs: Counter[str]
    cell_errors: Counter[str]

    @property
    def pair(self) -> str:
        """Return the people of the session as one name."""
        return " & ".join(sorted(self.people))


@dataclass
class Group:
    """A person or a team, and what their sessions add up to."""

    name: str
    roles: set[str] = field(default_factory=set)
    sessions: int = 0
    minutes: float = 0.0
    rotations: int = 0
    completed: set[tuple[str, str]] = field(default_factory=set)
    seconds_per_lesson: Counter[str] = field(default_factory=Counter)
    failed_checks: Counter[str] = field(default_factory=Counter)
    cell_runs: int = 0
    cell_errors: int = 0
    lessons_completed: list[str] = field(default_factory=list)

    def add(self, row: SessionRow, person: str | None = None) -> None:
        """Add one session; a person's own cell runs count, a team's are everyone's."""
        self.sessions += 1
        self.minutes += row.minutes
        self.rotations += row.rotations
        self.completed |= row.completed
        self.seconds_per_lesson.update(row.seconds_per_lesson)
        self.failed_checks.update(row.failed_checks)
        names = [person] if person else list(row.people)
        self.cell_runs += sum(row.cell_runs[n] for n in names)
        self.cell_errors += sum(row.cell_errors[n] for n in names)

    @property
    def lessons_started(self) -> list[str]:
        """Return the lessons with at least one completed step."""
        return sorted({lesson for lesson, _ in self.completed})


@dataclass
class Cohort:
    """Everything the page shows."""

    sessions: list[SessionRow]
    people: list[Group]
    teams: list[Group]
    failed_checks: Counter[str]
    seconds_per_lesson: Counter[str]


def _session_row(doc: Mapping[str, Any]) -> SessionRow:
    """Read one export's events into a row."""
    session = doc["session"]
    start = float(session["started_at"])
    events = sorted(doc["events"], key=lambda e: float(e.get("at", start)))
    end = float(session.get("ended_at") or (events[-1].get("at", start) if events else start))
    row = SessionRow(
        id=str(session.get("id", "?")),
        lesson=str(session.get("lesson") or ""),
        people=tuple(p["name"] for p in session["participants"]),
        minutes=max(end - start, 0.0) / 60,
        rotations=0,
        completed=set(),
        seconds_per_lesson=Counter(),
        failed_checks=Counter(),
        cell_runs=Counter(),
        cell_errors=Counter(),
    )
    since = start
    for event in events:
        _read_event(row, event, since)
        if event.get("kind") == "step-completed":
            since = float(event.get("at", since))
    return row


def _read_event(row: SessionRow, event: Mapping[str, Any], since: float) -> None:
    """Add one event to the session's row."""
    kind, data = event.get("kind"), event.get("data") or {}
    if kind == "rotated":
        row.rotations += 1
    elif kind == "step-completed":
        lesson = str(data.get("lesson") or row.lesson or "?")
        row.completed.add((lesson, str(data.get("step", "?"))))
        # Time on a lesson: from the previous completed step (or the start) to this one.
        row.seconds_per_lesson[lesson] += max(float(event.get("at", since)) - since, 0.0)
    elif kind == "step-checked":
        for result in data.get("results") or []:
            if isinstance(result, dict) and result.get("status") == "fail":
                row.failed_checks[str(result.get("id", "?"))] += 1
    elif kind == "cell-executed":
        user = str(data.get("user") or data.get("driver") or "unknown")
        row.cell_runs[user] += 1
        row.cell_errors[user] += data.get("success", True) is False


def _finish(group: Group, lesson_steps: Mapping[str, set[str]]) -> Group:
    """Name the lessons whose every step the group completed."""
    done: dict[str, set[str]] = defaultdict(set)
    for lesson, step in group.completed:
        done[lesson].add(step)
    group.lessons_completed = sorted(
        lesson for lesson, steps in lesson_steps.items() if steps and steps <= done[lesson]
    )
    return group


def build_cohort(
    docs: Sequence[Mapping[str, Any]],
    lesson_steps: Mapping[str, set[str]],
    teams: Mapping[str, str] | None = None,
) -> Cohort:
    """Aggregate exports; `teams` maps a person to a team, else a session's pair is its team."""
    rows = sorted((_session_row(d) for d in docs), key=lambda r: (r.pair, r.id))
    people: dict[str, Group] = {}
    groups: dict[str, Group] = {}
    roles = {p["name"]: p.get("role", "") for d in docs for p in d["session"]["participants"]}
    for row in rows:
        for person in row.people:
            group = people.setdefault(person, Group(person))
            group.roles.add(str(roles.get(person, "")))
            group.add(row, person)
        names = {teams.get(p, "(no team)") for p in row.people} if teams else {row.pair}
        for name in sorted(names):
            team = groups.setdefault(name, Group(name))
            team.add(row)
            members = [p for p in row.people if not teams or teams.get(p, "(no team)") == name]
            team.roles |= {str(roles.get(p, "")) for p in members}
    overall_checks: Counter[str] = Counter()
    overall_time: Counter[str] = Counter()
    for row in rows:
        overall_checks.update(row.failed_checks)
        overall_time.update(row.seconds_per_lesson)
    return Cohort(
        sessions=rows,
        people=[_finish(people[n], lesson_steps) for n in sorted(people)],
        teams=[_finish(groups[n], lesson_steps) for n in sorted(groups)],
        failed_checks=overall_checks,
        seconds_per_lesson=overall_time,
    )
