"""The mistakes corpus: each realistic mistake, planted in a solution, turns exactly its step red.

The run tests are slow: every entry runs its lesson in a real kernel (two at a time) and then
checks the step in full. Only the entries pytest selected run (`-k` narrows the corpus).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from curriculum_steps import LESSONS
from mistakes import (
    CORPUS_DIR,
    CorpusError,
    Mistake,
    Outcome,
    apply_edit,
    corpus,
    plant_and_check,
    problems,
    run_order,
)

from pairlab.checks.execution import side_by_side
from pairlab.curriculum._build import SOLUTIONS_FOLDER
from pairlab.curriculum._run import stage
from pairlab.lessons import get_step
from pairlab.resources import curriculum_dir

pytestmark = pytest.mark.kernel  # runs notebooks in real kernels

JOBS = 2
MIN_PER_LESSON = 3
CORPUS = corpus(curriculum_dir())


def _test_id(mistake: Mistake) -> str:
    """Return the pytest id: the step and the entry's position in its file."""
    return mistake.id


@pytest.fixture(scope="session")
def outcomes(curriculum_env, request) -> dict[str, Outcome | Exception]:
    """Plant and check every corpus entry this session selected, two kernels at a time."""
    base, _ = curriculum_env  # sets PAIRLAB_WAREHOUSE_PATH: the kernels share one warehouse
    pristine = base / "mistakes-staged"
    stage(pristine, solutions=True)
    wanted = {
        item.callspec.params["mistake"].id
        for item in request.session.items
        if getattr(item, "callspec", None) and "mistake" in item.callspec.params
    }

    def plant(item: tuple[int, Mistake]) -> tuple[str, Outcome | Exception]:
        number, mistake = item
        try:
            return mistake.id, plant_and_check(mistake, pristine, base / f"mistake-{number}")
        except Exception as exc:  # reported by that entry's test, not by the whole session
            return mistake.id, exc

    chosen = [(n, m) for n, m in enumerate(CORPUS) if m.id in wanted]
    with side_by_side(JOBS), ThreadPoolExecutor(max_workers=JOBS) as pool:
        return dict(pool.map(plant, chosen))


@pytest.mark.slow
@pytest.mark.parametrize("mistake", CORPUS, ids=_test_id)
def test_the_mistake_turns_exactly_its_step_red(outcomes, mistake):
    outcome = outcomes[mistake.id]
    if isinstance(outcome, Exception):
        raise outcome
    assert problems(mistake, outcome) == []


@pytest.mark.parametrize("mistake", CORPUS, ids=_test_id)
def test_the_entry_applies_to_the_current_solution(mistake):
    lesson, step = get_step(mistake.step)
    assert mistake.check in {ref.id for ref in step.checks}, f"{mistake.where}: not a check"
    nb = nbformat.read(curriculum_dir() / SOLUTIONS_FOLDER / lesson.notebook, as_version=4)
    inserted: list[int] = []
    try:
        for edit in mistake.edits:
            apply_edit(nb, edit, inserted)
        run_order(nb, mistake.run)
    except CorpusError as exc:
        pytest.fail(f"{mistake.where}: {exc}")
    assert mistake.verdict in ("fail", "error")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_lesson_has_three_solution_mistakes(lesson):
    mine = [m for m in CORPUS if m.step.split("/")[0] == lesson.id]
    assert len(mine) >= MIN_PER_LESSON, f"{lesson.id}: {len(mine)} solution mistakes"


def test_the_corpus_files_are_one_per_lesson():
    folder = CORPUS_DIR
    names = sorted(p.name for p in folder.glob("*.toml"))
    assert names == sorted(f"{Path(lesson.notebook).stem}.toml" for lesson in LESSONS)
