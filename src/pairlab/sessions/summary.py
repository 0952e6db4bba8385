"""What a facilitator and the cohort report read from a session's events: one rule, one place.

The facilitator summary (GET sessions/<id>/summary) and `pairlab report` both read a session
through `tally`, from the same JSON events the export holds, so they cannot disagree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pairlab.sessions.model import Event, Session

UNKNOWN = "unknown"


def attribute_run(session: Session, data: Mapping[str, Any]) -> dict[str, Any]:
    """Credit a cell run: to the browser's own person in a shared notebook, else to the driver.

    A browser sends `participant` (its "this is me" choice) and `shared` (the notebook is
    shared live through jupyter-collaboration). With one keyboard the person driving now ran
    it; a collaboration identity (often "Anonymous Io") is kept as `identity`, never credited.
    """
    names = {p.name for p in session.participants}
    me = data.get("participant")
    shared = data.get("shared") is True and isinstance(me, str)
    user = me if shared and me in names else session.driver.name
    return {**data, "user": user, "driver": session.driver.name}


def credited(data: Mapping[str, Any]) -> str:
    """Return who a cell-executed event credits."""
    return str(data.get("user") or data.get("driver") or UNKNOWN)


@dataclass
class Tally:
    """A session read event by event: completions, rotations, failed checks, runs per person."""

    steps: list[dict[str, Any]] = field(default_factory=list)  # {lesson, step, seconds, at}
    rotations: list[dict[str, Any]] = field(default_factory=list)  # {at, driver}
    prompts: list[dict[str, Any]] = field(default_factory=list)  # {at, rotation, next, participant}
    failed_checks: Counter[str] = field(default_factory=Counter)
    runs: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)

    @property
    def seconds_per_lesson(self) -> Counter[str]:
        """Return the time spent per lesson: the sum of its completed steps' times."""
        seconds: Counter[str] = Counter()
        for step in self.steps:
            seconds[step["lesson"]] += step["seconds"]
        return seconds


def tally(started_at: float, events: Iterable[Mapping[str, Any]], lesson: str | None) -> Tally:
    """Read JSON events (as the export holds them, oldest first) into one Tally.

    A step's time runs from the previous completion (or the start) to its completion; a step
    event without a lesson belongs to the session's lesson.
    """
    result = Tally()
    since = started_at
    for event in events:
        kind, data, at = event.get("kind"), event.get("data"), event.get("at")
        # What a store holds was checked on the way in; a reader still never trips over it.
        data = data if isinstance(data, dict) else {}
        at = float(at) if isinstance(at, int | float) else since
        if kind == "rotated":
            result.rotations.append({"at": at, "driver": data.get("driver")})
        elif kind == "rotation-prompted":  # one per browser: each tells who it belongs to
            keys = ("rotation", "next", "participant")
            result.prompts.append({"at": at, **{key: data.get(key) for key in keys}})
        elif kind == "step-completed":
            result.steps.append(
                {
                    "lesson": str(data.get("lesson") or lesson or "?"),
                    "step": str(data.get("step", "?")),
                    "seconds": round(max(at - since, 0.0), 1),
                    "at": at,
                }
            )
            since = at
        elif kind == "step-checked":
            results = data.get("results")
            for check in results if isinstance(results, list) else []:
                if isinstance(check, dict) and check.get("status") == "fail":
                    result.failed_checks[str(check.get("id", "?"))] += 1
        elif kind == "cell-executed":
            user = credited(data)
            result.runs[user] += 1
            result.errors[user] += data.get("success", True) is False
    return result


def summarize(session: Session, events: list[Event]) -> dict[str, Any]:
    """Return time per step, the rotations, the checks that failed most, and who ran what."""
    last = events[-1].at if events else session.started_at
    end = session.ended_at or (last if isinstance(last, int | float) else session.started_at)
    read = tally(session.started_at, (e.to_json() for e in events), session.lesson)
    return {
        "lesson": session.lesson,
        "duration_seconds": round(end - session.started_at, 1),
        "steps": [
            {"step": f"{s['lesson']}/{s['step']}", "seconds": s["seconds"], "at": s["at"]}
            for s in read.steps
        ],
        "rotations": read.rotations,
        "prompts": read.prompts,
        "failed_checks": [{"check": c, "failures": n} for c, n in read.failed_checks.most_common()],
        "executions": [
            {"user": u, "runs": n, "errors": read.errors[u]} for u, n in read.runs.most_common()
        ],
    }


def export(session: Session, events: list[Event]) -> dict[str, Any]:
    """Return everything about one session as one JSON document for the cohort report."""
    return {
        "format": "pairlab-session/1",
        "session": session.to_json(),
        "events": [e.to_json() for e in events],
        "summary": summarize(session, events),
    }
