"""Run a pack's lessons with papermill against a fresh warehouse, several kernels side by side."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

from pairlab._files import new_scratch_folder
from pairlab.checks import StepResult, run_step
from pairlab.curriculum._build import SOLUTIONS_FOLDER
from pairlab.errors import BadInput
from pairlab.lessons import Lesson, read_lessons, read_pack, using_pack
from pairlab.resources import curriculum_dir

# A pack's starter files: what a lesson's folder needs beside the notebooks (the learners'
# project settings, the product's module). `pairlab lab` seeds them into the workspace too.
STARTER_FOLDER = "workspace"
CELL_TIMEOUT = 300
_BANNER = "papermill-error-cell-tag"  # the cells papermill adds above a failed run's error


@dataclass(frozen=True)
class LessonRun:
    """How one lesson's run went: the notebook, seconds taken, the error, its steps' verdicts."""

    notebook: Path
    seconds: float
    error: str | None = None
    steps: tuple[StepResult, ...] = ()
    remembered: bool = False  # replayed from the run cache with the files it wrote

    @property
    def ok(self) -> bool:
        """Return whether every cell ran."""
        return self.error is None

    @property
    def passed(self) -> bool:
        """Return whether every cell ran and every step checked on the result passed."""
        return self.ok and all(s.verdict == "pass" for s in self.steps)


def check_steps(notebook: Path, lessons: list[Lesson] | None = None) -> tuple[StepResult, ...]:
    """Run every step of the lesson whose notebook this is (of `lessons`), as the guide would."""
    found = lessons if lessons is not None else read_lessons(curriculum_dir())
    return tuple(run_step(notebook, step) for step in _step_ids(notebook, found))


def stage(
    out: Path, solutions: bool, root: Path | None = None, warehouse: Path | None = None
) -> list[Path]:
    """Copy one version of the pack at `root` (the core) into a folder per lesson under `out`.

    Each lesson runs in its own copy of the workspace, as a pair meets it after `pairlab lab`:
    lessons run side by side without sharing the files they write (tests, reports, a git
    repository), and a lesson that runs another lesson's notebook reads a pristine copy.
    As in the lab, a core lesson's folder holds the sample catalog, its product published into
    `warehouse` (default: the one connect() opens), for lesson 2 to read by name.
    """
    root = root or curriculum_dir()
    source = root / SOLUTIONS_FOLDER if solutions else root
    files = [
        p
        for p in sorted(source.iterdir())
        if p.is_file() and p.suffix in (".ipynb", ".py") and p.name[:2].isdigit()
    ]
    staged = []
    for notebook in (p for p in files if p.suffix == ".ipynb"):
        folder = out / notebook.stem
        folder.mkdir(parents=True, exist_ok=True)
        for path in files:
            shutil.copyfile(path, folder / path.name)
        if (root / STARTER_FOLDER).is_dir():
            shutil.copytree(root / STARTER_FOLDER, folder, dirs_exist_ok=True)
        staged.append(folder / notebook.name)
        if root == curriculum_dir():
            from pairlab.products import seed_sample  # heavy (ibis): paid only when staging

            seed_sample(folder, warehouse, with_catalog=True)
    return staged


def fresh_warehouse(folder: Path) -> Path:
    """Generate the default scale-0.01 warehouse in `folder` and return its path."""
    from pairlab.warehouse import generate

    return generate(folder / "warehouse.duckdb", 0.01, 42, force=True).path


def _execute_and_check(notebook: Path, keep_going: bool, steps: list[Lesson] | None) -> LessonRun:
    """Run one notebook, then (given its pack's lessons) check each of its lesson's steps."""
    run = _execute(notebook, keep_going)
    if steps is None:
        return run
    return replace(run, steps=check_steps(notebook, steps))


def _first_error(notebook: Path) -> str | None:
    """Return 'cell N raised Ename: evalue' for the first cell of the run notebook that raised.

    N counts the notebook's own cells, as papermill's error does (its banners left out).
    """
    from pairlab.checks.execution import first_line

    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return None
    own = [c for c in cells if _BANNER not in c.get("metadata", {}).get("tags", [])]
    for index, cell in enumerate(own):
        for output in cell.get("outputs", []):
            quiet_exit = output.get("ename") == "SystemExit" and output.get("evalue") in ("", "0")
            if output.get("output_type") == "error" and not quiet_exit:
                evalue = first_line(output.get("evalue", ""))
                return f"cell {index} raised {output.get('ename')}: {evalue}"
    return None


def _execute(notebook: Path, keep_going: bool = False) -> LessonRun:
    """Run one notebook in place, in its own folder, and say how it went.

    With keep_going, every cell runs even after one raises (a learner version's unfinished
    exercises each fail in their own cell); the first error is still reported. The kernel is
    a pooled one unless $PAIRLAB_CHECK_RUNS is `cold`, as for a check's fresh run.
    """
    from pairlab.checks.execution import first_line, run_in_place

    start = time.perf_counter()
    done = run_in_place(notebook, "python3", CELL_TIMEOUT, allow_errors=keep_going)
    seconds = time.perf_counter() - start
    if done.ok:
        return LessonRun(notebook, seconds, remembered=done.remembered)
    lines = done.stderr.strip().splitlines()
    error = _first_error(notebook) or (first_line(lines[-1]) if lines else "")
    return LessonRun(notebook, seconds, error or "the run failed", remembered=done.remembered)


def run_lessons(
    notebooks: list[Path],
    jobs: int = 2,
    warehouse: Path | None = None,
    on_done: Callable[[LessonRun], None] | None = None,
    keep_going: bool = False,
    steps: bool = False,
    root: Path | None = None,
) -> list[LessonRun]:
    """Execute `notebooks` in place, `jobs` kernels at a time; with `steps`, check each step.

    The notebooks are lessons of the pack at `root` (the core). Each step's check is a task of
    its own beside the other lessons' runs, so a lesson with slow steps does not end the run
    alone; the later lessons (promote, CI, publish: the slow ones) start first.
    """
    if jobs < 1:
        raise BadInput(f"--jobs {jobs} runs nothing", "pass --jobs 1 or more")
    if warehouse is not None:
        # Kernels inherit the environment: every lesson's connect() opens this file.
        os.environ["PAIRLAB_WAREHOUSE_PATH"] = str(warehouse)
    import papermill  # noqa: F401 - import once here, not in each thread at the same time

    from pairlab.checks.execution import side_by_side

    lessons = read_lessons(root or curriculum_dir()) if steps else None
    done: dict[Path, LessonRun] = {}
    with side_by_side(jobs), ThreadPoolExecutor(max_workers=jobs) as pool:
        runs = {pool.submit(_execute, nb, keep_going): nb for nb in reversed(notebooks)}
        checks: dict[Path, list[Future[StepResult]]] = {}
        for future in as_completed(runs):
            run = future.result()
            ids = _step_ids(run.notebook, lessons) if lessons is not None else []
            done[run.notebook] = run
            if ids:
                checks[run.notebook] = [pool.submit(run_step, run.notebook, i) for i in ids]
            elif on_done:
                on_done(run)
        for notebook, found in checks.items():
            done[notebook] = replace(done[notebook], steps=tuple(f.result() for f in found))
            if on_done:
                on_done(done[notebook])
    return [done[nb] for nb in notebooks]


def _step_ids(notebook: Path, lessons: list[Lesson]) -> list[str]:
    """Return the ids of the steps of the lesson whose notebook this is, in order."""
    lesson = next((x for x in lessons if x.notebook == notebook.name), None)
    return [f"{lesson.id}/{step.id}" for step in lesson.steps] if lesson else []


def run_curriculum(
    out: Path | None,
    solutions: bool,
    jobs: int,
    on_done: Callable[[LessonRun], None] | None,
    steps: bool = True,
    root: Path | None = None,
) -> list[LessonRun]:
    """Stage one version of the pack at `root` (the core) in `out` (or a temp folder); run it."""
    if jobs < 1:
        raise BadInput(f"--jobs {jobs} runs nothing", "pass --jobs 1 or more")
    root = root or curriculum_dir()
    pack = read_pack(root)  # refuse a folder that is not a pack before any work
    folder = out or new_scratch_folder("pairlab-curriculum-")
    warehouse = fresh_warehouse(folder)
    notebooks = stage(folder, solutions, root, warehouse)
    # Its steps are checked by id, as the guide checks them: the pack must be known meanwhile.
    with contextlib.nullcontext() if pack.is_core else using_pack(root):
        # Learner versions stop in every unfinished exercise: run them all the way through.
        return run_lessons(notebooks, jobs, warehouse, on_done, not solutions, steps, root)
