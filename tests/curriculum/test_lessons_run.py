"""Solutions run and pass every step; learner versions fail every step, for the documented reason.

Marked slow: the session runs all 26 notebooks in real kernels, two at a time (about three
minutes on two cores); CI runs them.
"""

from __future__ import annotations

import pytest
from curriculum_steps import LESSONS, STEPS, step_id
from mistakes import CORPUS_DIR

from pairlab.checks import run_step
from pairlab.curriculum._sheets import load_mistakes
from pairlab.resources import curriculum_dir

pytestmark = [pytest.mark.slow, pytest.mark.kernel]
# How the learner version fails each step; the solution mistakes are test_mistakes.py's.
MISTAKES = {
    m["step"]: m
    for m in load_mistakes(curriculum_dir(), CORPUS_DIR)
    if m["from"].startswith("learner-")
}


def _failures(report) -> list[str]:
    """Return `check: message` for each result that did not pass."""
    return [f"{r.id}: {r.message}" for r in report.results if r.status != "pass"]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_solution_runs_in_a_fresh_kernel(solutions, lesson):
    run = solutions.runs[lesson.notebook.removesuffix(".ipynb")]
    assert run.ok, run.error


@pytest.mark.parametrize("item", STEPS, ids=step_id)
def test_every_check_of_every_step_passes_on_the_solution(solutions, item):
    report = solutions.reports[step_id(item)]
    assert report.results and not _failures(report), _failures(report)


def test_every_step_documents_how_a_learner_fails_it():
    assert sorted(MISTAKES) == sorted(step_id(item) for item in STEPS)


@pytest.mark.parametrize("item", STEPS, ids=step_id)
def test_the_learner_version_fails_the_step_for_the_documented_reason(learners, shipped, item):
    mistake = MISTAKES[step_id(item)]
    report = (
        shipped[step_id(item)]
        if mistake["from"] == "learner-shipped"
        else learners.reports[step_id(item)]
    )
    failing = {r.id: r.message for r in report.results if r.status == "fail"}
    assert mistake["check"] in failing, _failures(report) or "every check passes"
    assert mistake["message"] in failing[mistake["check"]]


@pytest.mark.parametrize("item", STEPS, ids=step_id)
def test_no_step_is_done_on_a_shipped_learner_notebook(item):
    # Static checks only, as the guide shows a notebook just opened: failed, or still waiting
    # for its kernel and test runs, never passed.
    lesson = item[0]
    result = run_step(curriculum_dir() / lesson.notebook, step_id(item), include_runs=False)
    assert result.verdict in ("fail", "pending"), result.message
