"""Who did what in the sessions: steps done driving or navigating, time driving, where stuck.

Read from the same events as the rest of the report. A check's `error` (the check could not
run) is counted apart and never as the pair's mistake; only `fail` verdicts are.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

STUCK_AFTER = 2  # failed Checks of one step in one session: the pair is stuck on it
StepKey = tuple[str, str]  # (lesson, step)


@dataclass(frozen=True)
class StepText:
    """A step as a lead reads it: its title and what it asks for."""

    title: str
    goal: str


@dataclass
class PersonWork:
    """What one person did across their sessions."""

    name: str
    done_driving: set[StepKey] = field(default_factory=set)
    done_navigating: set[StepKey] = field(default_factory=set)
    seconds_driving: float = 0.0
    stuck: Counter[StepKey] = field(default_factory=Counter)  # failed Checks while driving
    check_errors: int = 0  # Checks that could not run: the tool's, not the person's


@dataclass
class StepTrouble:
    """One step across the cohort: the pairs stuck on it and the problems they met."""

    pairs: set[str] = field(default_factory=set)
    problems: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class NextStep:
    """A pair's first unfinished step and what to do about it."""

    pair: str
    step: StepKey
    fix: str


@dataclass
class Work:
    """The per-person, per-step and per-pair reading of the whole cohort."""

    people: dict[str, PersonWork]
    steps: dict[StepKey, StepTrouble]
    next_steps: list[NextStep]


def _problem(check: Mapping[str, Any]) -> str:
    """Return a failed check's first sentence, else its id."""
    message = str(check.get("message") or "").strip()
    return message.split("; ")[0][:160] if message else f"check {check.get('id', '?')} failed"


def _driving_seconds(
    session: Mapping[str, Any], events: Sequence[Mapping[str, Any]]
) -> dict[str, float]:
    """Return the seconds each person drove, from the start and rotation events."""
    seconds: dict[str, float] = defaultdict(float)
    driver, since = None, float(session["started_at"])
    end = session.get("ended_at") or (events[-1].get("at") if events else None) or since
    for event in events:
        if event.get("kind") in ("session-started", "rotated"):
            at = float(event.get("at") or since)
            if driver is not None:
                seconds[driver] += max(at - since, 0.0)
            driver, since = (event.get("data") or {}).get("driver"), at
    if driver is not None:
        seconds[driver] += max(float(end) - since, 0.0)
    return seconds


class _SessionReader:
    """Read one export's events into the cohort's Work."""

    def __init__(self, work: Work, doc: Mapping[str, Any]) -> None:
        self.work, self.session, self.events = work, doc["session"], doc["events"]
        self.people = [str(p["name"]) for p in self.session["participants"]]
        self.pair = " & ".join(sorted(self.people))
        self.fails: Counter[StepKey] = Counter()
        self.last_problem: dict[StepKey, str] = {}
        self.done: set[StepKey] = set()

    def person(self, name: str) -> PersonWork:
        return self.work.people.setdefault(name, PersonWork(name))

    def read(self) -> None:
        for name, seconds in _driving_seconds(self.session, self.events).items():
            self.person(str(name)).seconds_driving += seconds
        lesson = str(self.session.get("lesson") or "")
        for event in self.events:
            data = event.get("data") or {}
            key = (str(data.get("lesson") or lesson), str(data.get("step") or "?"))
            if event.get("kind") == "step-checked":
                self.checked(key, data)
            elif event.get("kind") == "step-completed":
                self.completed(key, str(data.get("driver") or ""))
        for key, fails in self.fails.items():
            if fails >= STUCK_AFTER:
                trouble = self.work.steps.setdefault(key, StepTrouble())
                trouble.pairs.add(self.pair)

    def checked(self, key: StepKey, data: Mapping[str, Any]) -> None:
        driver = self.person(str(data.get("driver") or "?"))
        results = [r for r in data.get("results") or [] if isinstance(r, Mapping)]
        if any(r.get("status") == "error" for r in results) or data.get("status") == "error":
            driver.check_errors += 1
        failed = [r for r in results if r.get("status") == "fail"]
        if not failed:
            return
        self.fails[key] += 1
        driver.stuck[key] += 1
        problem = _problem(failed[0])
        self.last_problem[key] = problem
        self.work.steps.setdefault(key, StepTrouble()).problems[problem] += 1

    def completed(self, key: StepKey, driver: str) -> None:
        self.done.add(key)
        for name in self.people:
            mine = self.person(name)
            (mine.done_driving if name == driver else mine.done_navigating).add(key)


def read_work(
    docs: Iterable[Mapping[str, Any]], order: Sequence[StepKey], texts: Mapping[StepKey, StepText]
) -> Work:
    """Read every export into who did what, where pairs got stuck and each pair's next step.

    `order` is every step of the curriculum in order; a pair's next step is the first one it has
    not completed in a lesson it worked on, else the first step after its last completed one.
    """
    work = Work({}, {}, [])
    done: dict[str, set[StepKey]] = defaultdict(set)
    lessons: dict[str, set[str]] = defaultdict(set)
    problems: dict[str, dict[StepKey, str]] = defaultdict(dict)
    for doc in docs:
        reader = _SessionReader(work, doc)
        reader.read()
        done[reader.pair] |= reader.done
        lessons[reader.pair] |= {k[0] for k in reader.done | set(reader.fails)}
        lessons[reader.pair] |= {str(doc["session"].get("lesson") or "")} - {""}
        problems[reader.pair].update(reader.last_problem)
    for pair in sorted(done.keys() | lessons.keys()):
        step = _next_step(order, lessons[pair], done[pair])
        if step is not None:
            text = texts.get(step)
            fix = problems[pair].get(step) or (text.goal if text else "")
            work.next_steps.append(NextStep(pair, step, fix))
    return work


def _next_step(order: Sequence[StepKey], lessons: set[str], done: set[StepKey]) -> StepKey | None:
    """Return the first unfinished step of the lessons worked on, else the step after them."""
    open_steps = [key for key in order if key[0] in lessons and key not in done]
    if open_steps:
        return open_steps[0]
    last = max((i for i, key in enumerate(order) if key in done), default=None)
    return order[last + 1] if last is not None and last + 1 < len(order) else None
