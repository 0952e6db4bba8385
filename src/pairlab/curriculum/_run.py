"""Run a pack's lessons with papermill against a fresh warehouse, several kernels side by side."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
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


@dataclass(frozen=True)
class LessonRun:
    """How one lesson's run went: the notebook, seconds taken, the error, its steps' verdicts."""

    notebook: Path
    seconds: float
    error: str | None = None
    steps: tuple[StepResult, ...] = ()

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
    lesson = next((x for x in found if x.notebook == notebook.name), None)
    if lesson is None:
        return ()
    return tuple(run_step(notebook, f"{lesson.id}/{step.id}") for step in lesson.steps)


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
    return LessonRun(run.notebook, run.seconds, run.error, check_steps(notebook, steps))


def _execute(notebook: Path, keep_going: bool = False) -> LessonRun:
    """Run one notebook in place, in its own folder, and say how it went.

    With keep_going, every cell runs even after one raises (a learner version's unfinished
    exercises each fail in their own cell); the first error is still reported.
    """
    import papermill
    from jupyter_core.utils import ensure_event_loop

    start = time.perf_counter()
    try:
        papermill.execute_notebook(
            notebook,
            notebook,
            kernel_name="python3",
            # Not papermill's cwd=, which chdirs the whole process: kernels started side by
            # side in threads would race. nbclient starts the kernel in this folder instead.
            resources={"metadata": {"path": str(notebook.parent)}},
            progress_bar=False,
            execution_timeout=CELL_TIMEOUT,
            allow_errors=keep_going,
        )
    except papermill.PapermillExecutionError as exc:
        error = f"cell {exc.cell_index} raised {exc.ename}: {exc.evalue}"
        return LessonRun(notebook, time.perf_counter() - start, error)
    finally:
        # nbclient ran on the event loop jupyter_core keeps for this thread; close it, or each
        # worker thread leaves an open loop (and its sockets) behind.
        ensure_event_loop().close()
    return LessonRun(notebook, time.perf_counter() - start)


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

    The notebooks are lessons of the pack at `root` (the core).
    """
    if jobs < 1:
        raise BadInput(f"--jobs {jobs} runs nothing", "pass --jobs 1 or more")
    if warehouse is not None:
        # Kernels inherit the environment: every lesson's connect() opens this file.
        os.environ["PAIRLAB_WAREHOUSE_PATH"] = str(warehouse)
    import papermill  # noqa: F401 - import once here, not in each thread at the same time

    lessons = read_lessons(root or curriculum_dir()) if steps else None
    results = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for run in pool.map(lambda nb: _execute_and_check(nb, keep_going, lessons), notebooks):
            results.append(run)
            if on_done:
                on_done(run)
    return results


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
