"""Aggregate session exports per person and per team: lessons, time, failed checks, rotations."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pairlab.sessions.summary import tally


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
    def lessons(self) -> set[str]:
        """Return the session's lesson and every lesson it completed a step in."""
        return {lesson for lesson, _ in self.completed} | ({self.lesson} if self.lesson else set())

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
    lessons: list[str] = field(default_factory=list)  # curriculum order: lesson 0 first

    def number(self, lesson: str) -> int:
        """Return a lesson's number as the notebooks say it (Lesson 0-12); unknown ones last."""
        return self.lessons.index(lesson) if lesson in self.lessons else len(self.lessons)

    def label(self, lesson: str) -> str:
        """Return "3 define" for a known lesson, the id alone for another."""
        return f"{self.number(lesson)} {lesson}" if lesson in self.lessons else lesson

    def in_order(self, lessons: Iterable[str]) -> list[str]:
        """Return lessons ordered by number, then by id."""
        return sorted(lessons, key=lambda lesson: (self.number(lesson), lesson))


def _session_row(doc: Mapping[str, Any]) -> SessionRow:
    """Read one export's events into a row, through the rule the facilitator summary uses."""
    session = doc["session"]
    start = float(session["started_at"])
    events = doc["events"]  # in the order the server logged them, as the summary reads them
    end = float(session.get("ended_at") or (events[-1].get("at", start) if events else start))
    read = tally(start, events, session.get("lesson"))
    return SessionRow(
        id=str(session.get("id", "?")),
        lesson=str(session.get("lesson") or ""),
        people=tuple(p["name"] for p in session["participants"]),
        minutes=max(end - start, 0.0) / 60,
        rotations=len(read.rotations),
        completed={(s["lesson"], s["step"]) for s in read.steps},
        seconds_per_lesson=read.seconds_per_lesson,
        failed_checks=read.failed_checks,
        cell_runs=read.runs,
        cell_errors=read.errors,
    )


def _finish(group: Group, lesson_steps: Mapping[str, set[str]]) -> Group:
    """Name the lessons whose every step the group completed."""
    done: dict[str, set[str]] = defaultdict(set)
    for lesson, step in group.completed:
        done[lesson].add(step)
    # In curriculum order (lesson 0 first), as the notebooks number them.
    group.lessons_completed = [
        lesson for lesson, steps in lesson_steps.items() if steps and steps <= done[lesson]
    ]
    return group


def build_cohort(
    docs: Sequence[Mapping[str, Any]],
    lesson_steps: Mapping[str, set[str]],
    teams: Mapping[str, str] | None = None,
    session_teams: Mapping[str, str] | None = None,
) -> Cohort:
    """Aggregate exports into people and teams.

    A session's team is `session_teams[session id]` (a cohort.csv row), else its people's teams
    from `teams` (person -> team), else the session's pair.
    """
    rows = sorted((_session_row(d) for d in docs), key=lambda r: (r.pair, r.id))
    people: dict[str, Group] = {}
    groups: dict[str, Group] = {}
    roles = {p["name"]: p.get("role", "") for d in docs for p in d["session"]["participants"]}
    for row in rows:
        for person in row.people:
            group = people.setdefault(person, Group(person))
            group.roles.add(str(roles.get(person, "")))
            group.add(row, person)
        fixed = (session_teams or {}).get(row.id)
        if fixed:
            names = {fixed}
        elif teams:
            names = {teams.get(p, "(no team)") for p in row.people}
        else:
            names = {row.pair}
        for name in sorted(names):
            team = groups.setdefault(name, Group(name))
            team.add(row)
            members = [
                p for p in row.people if fixed or not teams or teams.get(p, "(no team)") == name
            ]
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
        lessons=list(lesson_steps),
    )
