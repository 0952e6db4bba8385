"""Run every lesson once per session, both versions, in parallel kernels from this process.

Each version is staged as `pairlab curriculum run` stages it (one workspace copy per lesson,
a fresh scale-0.01 warehouse), executed two kernels at a time, and then every step's checks
run on the executed notebooks, two at a time. Kernels and fresh runs go the way
$PAIRLAB_CHECK_RUNS says (default fast: pooled kernels, remembered runs), as a pair's would.
The tests only read the results.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from curriculum_steps import STEPS, step_id
from folder_state import folder_state

from pairlab.checks import Report, check_path, registry
from pairlab.checks.execution import side_by_side
from pairlab.curriculum._run import fresh_warehouse, run_lessons, stage
from pairlab.lessons import Lesson, Step
from pairlab.resources import curriculum_dir

JOBS = 2


@dataclass
class Executed:
    """One version of the curriculum after a run: each lesson's run and each step's report."""

    runs: dict[str, object]
    reports: dict[str, Report]
    folder: Path
    # Each lesson folder's files and git log before and after every step was checked.
    before: dict[str, dict[str, str]] = field(default_factory=dict)
    after: dict[str, dict[str, str]] = field(default_factory=dict)


def _execute_version(out: Path, solutions: bool, warehouse: Path) -> Executed:
    """Stage, run and check one version of the curriculum."""
    notebooks = stage(out, solutions)
    runs = run_lessons(notebooks, JOBS, warehouse, keep_going=not solutions)
    by_stem = {run.notebook.stem: run for run in runs}

    def check(item: tuple[Lesson, Step]) -> tuple[str, Report]:
        lesson = item[0]
        notebook = out / Path(lesson.notebook).stem / lesson.notebook
        return step_id(item), check_path(notebook, step=step_id(item))

    folders = {stem: out / stem for stem in by_stem}
    before = {stem: folder_state(folder) for stem, folder in folders.items()}
    with side_by_side(JOBS), ThreadPoolExecutor(max_workers=JOBS) as pool:
        reports = dict(pool.map(check, STEPS))
    after = {stem: folder_state(folder) for stem, folder in folders.items()}
    return Executed(by_stem, reports, out, before, after)


@pytest.fixture(scope="session")
def curriculum_env(tmp_path_factory: pytest.TempPathFactory):
    """Point kernels at a fresh warehouse and keep kit repositories out of the user's home."""
    base = tmp_path_factory.mktemp("curriculum")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PAIRLAB_KITS_HOME", str(base / "kits"))
        mp.setenv("PAIRLAB_WAREHOUSE_PATH", str(base / "warehouse.duckdb"))
        yield base, fresh_warehouse(base)


@pytest.fixture(scope="session")
def solutions(curriculum_env) -> Executed:
    """Return the solution versions, executed and checked."""
    base, warehouse = curriculum_env
    return _execute_version(base / "solutions", True, warehouse)


@pytest.fixture(scope="session")
def learners(curriculum_env) -> Executed:
    """Return the learner versions, executed to the end despite their errors, and checked."""
    base, warehouse = curriculum_env
    return _execute_version(base / "learners", False, warehouse)


@pytest.fixture(scope="session")
def shipped() -> dict[str, Report]:
    """Return each step's report on the learner notebooks exactly as they ship (never run)."""
    root = curriculum_dir()
    static = {}
    for lesson, step in STEPS:
        # Only what reads the file: kernel and test runs of a never-run notebook prove nothing.
        kinds = [c.id for c in step.checks if not registry.get(c.id).runs]
        if kinds:
            static[step_id((lesson, step))] = check_path(
                root / lesson.notebook, step=step_id((lesson, step)), only=kinds
            )
    return static
