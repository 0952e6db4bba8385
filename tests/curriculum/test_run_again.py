"""`pairlab curriculum run` a second time, elsewhere, on a regenerated warehouse, runs nothing.

Lesson 7 (a git repository the steps read) and lesson 11 (a copy of the warehouse, a usage
database: binary files) are run and checked in one staging, then staged again in another
folder with a warehouse generated afresh: every lesson's run is replayed with the files it
wrote, every step's fresh run is remembered, and each step says exactly what it said before.
Staged a third time with one lesson edited, only that lesson runs again.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import nbformat
import pytest

from pairlab.checks import execution
from pairlab.curriculum._run import LessonRun, fresh_warehouse, run_lessons, stage

pytestmark = [pytest.mark.slow, pytest.mark.kernel]

LESSONS = ("07-pair-and-version", "11-publish-and-measure")


def _run(out: Path, monkeypatch, edit: str = "") -> list[LessonRun]:
    """Stage the chosen solutions under `out` on a new warehouse; run and check them.

    With `edit`, that lesson's notebook gets one more cell first, as an engineer's edit.
    """
    out.mkdir()
    warehouse = fresh_warehouse(out)
    monkeypatch.setenv("PAIRLAB_WAREHOUSE_PATH", str(warehouse))
    notebooks = [nb for nb in stage(out, True, warehouse=warehouse) if nb.stem in LESSONS]
    for notebook in (nb for nb in notebooks if nb.stem == edit):
        nb = nbformat.read(notebook, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell("print('an edit')"))
        nbformat.write(nb, notebook)
    runs = run_lessons(notebooks, 2, warehouse, steps=True)
    assert all(run.ok for run in runs), [run.error for run in runs]
    return runs


def _said(runs: list[LessonRun]) -> list[list[tuple[str, str, str]]]:
    """Return what each lesson's steps said: step, verdict, message."""
    return [[(s.step, s.verdict, s.message) for s in run.steps] for run in runs]


def test_the_lessons_staged_again_elsewhere_replay_with_the_same_verdicts(
    curriculum_env, tmp_path, monkeypatch
):
    # curriculum_env keeps kit repositories out of the home folder; each staging has its own
    # warehouse, generated afresh.
    monkeypatch.setenv("PAIRLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PAIRLAB_CHECK_RUNS", "fast")
    day = date.today()
    first = _run(tmp_path / "first", monkeypatch)
    assert all(verdict == "pass" for steps in _said(first) for _, verdict, _ in steps), first
    assert not any(run.remembered for run in first)

    kernel_runs: list[Any] = []
    real = execution.run_pooled

    def counted(*args: Any, **kwargs: Any) -> Any:
        kernel_runs.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(execution, "run_pooled", counted)
    again = _run(tmp_path / "again", monkeypatch)
    assert _said(again) == _said(first)
    if date.today() == day:  # a run remembered yesterday is made again today, by design
        assert kernel_runs == [] and all(run.remembered for run in again)

    edited = _run(tmp_path / "edited", monkeypatch, edit=LESSONS[1])
    assert _said(edited) == _said(first)
    if date.today() == day:  # only the edited lesson runs again
        assert [run.remembered for run in edited] == [True, False]
