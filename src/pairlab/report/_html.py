"""The cohort page: one self-contained HTML file with tables and inline SVG plots."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from pairlab.report import _plots
from pairlab.report._cohort import Cohort, Group
from pairlab.report._work import STUCK_AFTER, StepKey, StepText, Work

TOP_CHECKS = 10

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:0 20px;color:#222}
table{border-collapse:collapse;margin:8px 0 20px}
th,td{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#f2f4f8}td.n{text-align:right}
figure{margin:10px 0 24px}
"""


def _minutes(seconds: float) -> str:
    """Return seconds as whole minutes, or seconds under a minute."""
    return f"{seconds / 60:.0f} min" if seconds >= 60 else f"{seconds:.0f} s"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Return an HTML table; cells are escaped here."""
    top = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{top}</tr>{body}</table>"


def _group_rows(cohort: Cohort, groups: Sequence[Group]) -> list[list[str]]:
    """Return one table row per person or team; lessons by number, as the notebooks count."""
    return [
        [
            g.name,
            ", ".join(sorted(r for r in g.roles if r)),
            str(g.sessions),
            ", ".join(map(cohort.label, g.lessons_completed)) or "none yet",
            str(len(g.completed)),
            "; ".join(
                f"{cohort.label(k)} {_minutes(g.seconds_per_lesson[k])}"
                for k in cohort.in_order(g.seconds_per_lesson)
            ),
            ", ".join(f"{c} ({n})" for c, n in g.failed_checks.most_common(3)) or "none",
            str(g.rotations),
            f"{g.cell_runs} ({g.cell_errors} failed)",
        ]
        for g in groups
    ]


HEAD = (
    "name", "roles", "sessions", "lessons completed", "steps completed", "time per lesson",
    "checks failed most", "rotations", "cells run",
)  # fmt: skip


def _step_name(cohort: Cohort, key: StepKey, texts: Mapping[StepKey, StepText]) -> str:
    """Return a step as a lead reads it: "Lesson 4: Make the functions pure"."""
    lesson, step = key
    text = texts.get(key)
    return f"Lesson {cohort.number(lesson)}: {text.title if text else step}"


def _work_sections(cohort: Cohort, work: Work, texts: Mapping[StepKey, StepText]) -> str:
    """Return who did what, where pairs got stuck and what each pair does next."""
    people = [
        [
            p.name,
            str(len(p.done_driving)),
            str(len(p.done_navigating)),
            _minutes(p.seconds_driving),
            "; ".join(_step_name(cohort, k, texts) for k, _ in p.stuck.most_common(3)) or "none",
            str(p.check_errors),
        ]
        for p in sorted(work.people.values(), key=lambda p: p.name)
    ]
    stuck = sorted(work.steps.items(), key=lambda item: (-len(item[1].pairs), item[0]))
    steps = [
        [
            _step_name(cohort, key, texts),
            str(len(trouble.pairs)),
            "; ".join(f"{m} ({n}x)" for m, n in trouble.problems.most_common(2)),
        ]
        for key, trouble in stuck
        if trouble.pairs
    ]
    next_rows = [[n.pair, _step_name(cohort, n.step, texts), n.fix] for n in work.next_steps]
    person_head = (
        "name", "steps done driving", "steps done navigating", "time driving", "stuck on",
        "checks that could not run (not theirs)",
    )  # fmt: skip
    return (
        f"<h2>Who did what</h2>{_table(person_head, people)}"
        "<h2>Where pairs got stuck</h2>"
        f"<p>A pair is stuck on a step when its Check failed {STUCK_AFTER} times or more in one "
        "session; a check that could not run is not counted against anyone.</p>"
        f"{_table(('step', 'pairs stuck', 'on which problem'), steps)}"
        "<h2>Next, per pair</h2>"
        f"{_table(('pair', 'first unfinished step', 'what to do'), next_rows)}"
    )


def render(
    cohort: Cohort,
    title: str = "Pairing cohort report",
    foot: str = "",
    notices: Sequence[str] = (),
    work: Work | None = None,
    texts: Mapping[StepKey, StepText] | None = None,
) -> str:
    """Return the page: per person, per team, the checks that failed most, every session.

    `foot` is trusted markup appended to the body (the hub's live page adds its refresh there);
    `notices` are plain text (a session left out, and why).
    """
    checks = cohort.failed_checks.most_common(TOP_CHECKS)
    notes = "".join(f'<p class="notice" role="status">{escape(n)}</p>' for n in notices)
    sessions = [
        [
            r.id,
            r.pair,
            ", ".join(map(cohort.label, cohort.in_order(r.lessons))) or "not started",
            f"{r.minutes:.0f}",
            str(r.rotations),
            str(len(r.completed)),
        ]
        for r in cohort.sessions
    ]
    done = any(g.seconds_per_lesson for g in cohort.teams)  # no empty chart
    plots = f"<figure>{_plots.minutes_per_lesson(cohort)}</figure>" if done else ""
    if checks:
        plots += f"<figure>{_plots.failed_checks(checks)}</figure>"
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title><style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>"
        f"<p>{len(cohort.sessions)} sessions, {len(cohort.people)} people, "
        f"{len(cohort.teams)} teams.</p>"
        f"{notes}"
        f"{_work_sections(cohort, work, texts or {}) if work else ''}"
        f"<h2>Per person</h2>{_table(HEAD, _group_rows(cohort, cohort.people))}"
        f"<h2>Per team</h2>{_table(HEAD, _group_rows(cohort, cohort.teams))}{plots}"
        f"<h2>Checks that failed most</h2>"
        f"{_table(('check', 'failures'), [(c, str(n)) for c, n in checks])}"
        f"<h2>Sessions</h2>"
        f"{_table(('session', 'people', 'lesson', 'minutes', 'rotations', 'steps'), sessions)}"
        f"{foot}</body></html>"
    )
