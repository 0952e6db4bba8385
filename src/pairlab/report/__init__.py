"""The cohort report: session exports aggregated per person and team into one HTML page."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pairlab.errors import BadInput
from pairlab.report._cohort import Cohort, Group, build_cohort
from pairlab.report._load import read_export, read_exports

__all__ = [
    "Cohort",
    "Group",
    "ReportDone",
    "build_cohort",
    "read_export",
    "read_teams",
    "write_report",
]


@dataclass(frozen=True)
class ReportDone:
    """Where the page went and what it covers."""

    path: Path
    sessions: int
    people: int


def _lesson_steps() -> dict[str, set[str]]:
    """Return each curriculum lesson's step ids, to tell a completed lesson from a started one."""
    from pairlab.lessons import load_lessons

    return {lesson.id: {s.id for s in lesson.steps} for lesson in load_lessons()}


def read_teams(path: Path) -> dict[str, str]:
    """Read {"team": ["person", ...]} from a JSON file into person -> team."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BadInput(
            f"cannot read teams from {path}: {exc}", 'write {"team": ["name"]}'
        ) from None
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        raise BadInput(f"{path} is not a mapping of team to people", 'write {"team": ["name"]}')
    return {str(person): str(team) for team, people in data.items() for person in people}


def write_report(
    exports: Iterable[Path], out: Path, teams: Mapping[str, str] | None = None
) -> ReportDone:
    """Read the exports, aggregate them and write the page to `out` atomically."""
    from pairlab.report._html import render

    cohort = build_cohort(read_exports(exports), _lesson_steps(), teams)
    out.parent.mkdir(parents=True, exist_ok=True)
    scratch = out.with_name(f".{out.name}.tmp")
    scratch.write_text(render(cohort), encoding="utf-8")
    scratch.replace(out)
    return ReportDone(out, len(cohort.sessions), len(cohort.people))
