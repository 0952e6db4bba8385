"""What a facilitator and the cohort report read from a session's events."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pairlab.sessions.model import Event, Session


def _step_times(session: Session, events: list[Event]) -> list[dict[str, Any]]:
    """Return each completed step with the seconds since the previous completion."""
    since = session.started_at
    times = []
    for event in events:
        if event.kind == "step-completed":
            step = f"{event.data.get('lesson', '?')}/{event.data.get('step', '?')}"
            times.append({"step": step, "seconds": round(event.at - since, 1), "at": event.at})
            since = event.at
    return times


def _failed_checks(events: list[Event]) -> list[dict[str, Any]]:
    """Count failures per check id, most frequent first."""
    failures: Counter[str] = Counter()
    for event in events:
        if event.kind == "step-checked":
            for result in event.data.get("results", []):
                if isinstance(result, dict) and result.get("status") == "fail":
                    failures[str(result.get("id"))] += 1
    return [{"check": check, "failures": n} for check, n in failures.most_common()]


def _executions(events: list[Event]) -> list[dict[str, Any]]:
    """Count cell executions (and failed ones) per person."""
    runs: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    for event in events:
        if event.kind == "cell-executed":
            user = str(event.data.get("user", "unknown"))
            runs[user] += 1
            errors[user] += not event.data.get("success", True)
    return [{"user": u, "runs": n, "errors": errors[u]} for u, n in runs.most_common()]


def summarize(session: Session, events: list[Event]) -> dict[str, Any]:
    """Return time per step, the rotations, the checks that failed most, and who ran what."""
    end = session.ended_at or (events[-1].at if events else session.started_at)
    return {
        "duration_seconds": round(end - session.started_at, 1),
        "steps": _step_times(session, events),
        "rotations": [
            {"at": e.at, "driver": e.data.get("driver")} for e in events if e.kind == "rotated"
        ],
        "failed_checks": _failed_checks(events),
        "executions": _executions(events),
    }


def export(session: Session, events: list[Event]) -> dict[str, Any]:
    """Return everything about one session as one JSON document for the cohort report."""
    return {
        "format": "pairlab-session/1",
        "session": session.to_json(),
        "events": [e.to_json() for e in events],
        "summary": summarize(session, events),
    }
