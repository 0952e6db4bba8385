"""The cohort report: session exports aggregated per person and team into one HTML page."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pairlab._files import write_text_atomic
from pairlab.errors import BadInput
from pairlab.report._cohort import Cohort, Group, build_cohort
from pairlab.report._load import FORMAT, check_export, read_cohort_csv, read_export, read_exports
from pairlab.report._work import StepKey, StepText, Work, read_work

__all__ = [
    "FORMAT",
    "Cohort",
    "Group",
    "ReportDone",
    "build_cohort",
    "cohort_page",
    "lesson_steps",
    "read_cohort_csv",
    "read_export",
    "read_teams",
    "read_work",
    "step_texts",
    "usable",
    "write_report",
]


@dataclass(frozen=True)
class ReportDone:
    """Where the page went and what it covers."""

    path: Path
    sessions: int
    people: int


def lesson_steps() -> dict[str, set[str]]:
    """Return each curriculum lesson's step ids, to tell a completed lesson from a started one."""
    from pairlab.lessons import load_lessons

    return {lesson.id: {s.id for s in lesson.steps} for lesson in load_lessons()}


def step_texts() -> dict[StepKey, StepText]:
    """Return every curriculum step's title and goal, in curriculum order."""
    from pairlab.lessons import load_lessons

    return {
        (lesson.id, step.id): StepText(step.title, step.goal)
        for lesson in load_lessons()
        for step in lesson.steps
    }


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


def usable(docs: Iterable[Mapping[str, Any]]) -> tuple[list[Mapping[str, Any]], list[str]]:
    """Return the exports the report can read, and one notice for each session it skips.

    The live pages (GET /pairlab/report, the hub's cohort page) show every other session when
    one is unreadable, rather than failing for the whole cohort.
    """
    kept, notices = [], []
    for doc in docs:
        try:
            check_export(doc)
        except BadInput as exc:
            session = doc.get("session") if isinstance(doc, Mapping) else None
            sid = session.get("id", "?") if isinstance(session, Mapping) else "?"
            notices.append(f"session {str(sid)[:80]} is left out: {exc.problem}")
            continue
        kept.append(doc)
    return kept, notices


def cohort_page(
    docs: Sequence[Mapping[str, Any]],
    teams: Mapping[str, str] | None = None,
    session_teams: Mapping[str, str] | None = None,
    *,
    title: str = "Pairing cohort report",
    foot: str = "",
) -> tuple[str, Cohort]:
    """Return the cohort page for session exports, and the cohort it shows.

    The one report builder: `pairlab report` writes this page, GET /pairlab/report serves it,
    and the hub's cohort service serves it live (with its refresh script as `foot`).
    """
    from pairlab.report._html import render

    kept, notices = usable(docs)
    cohort = build_cohort(kept, lesson_steps(), teams, session_teams)
    texts = step_texts()
    work: Work = read_work(kept, list(texts), texts)
    return render(cohort, title, foot, notices, work, texts), cohort


def write_report(
    exports: Iterable[Path], out: Path, teams: Mapping[str, str] | None = None
) -> ReportDone:
    """Read the exports (or cohort CSVs naming them), aggregate them and write the page."""
    docs, session_teams = read_exports(exports)
    page, cohort = cohort_page(docs, teams, session_teams)
    write_text_atomic(out, page)
    return ReportDone(out, len(cohort.sessions), len(cohort.people))
