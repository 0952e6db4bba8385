"""The one door every face walks through: a check request in, one report and verdict out.

`pairlab check`, the server's check route, `pairlab.checkpoint`, `pairlab curriculum run`
and promote's product checks all call `run()`; none of them chooses checks or decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pairlab._paths import resolve_in_root
from pairlab.checks._report import Report, StepResult
from pairlab.checks._request import CheckRequest
from pairlab.checks._running import Loader, resolve_target, run_checks
from pairlab.checks._selection import select
from pairlab.checks._watch import Watch
from pairlab.lessons import get_lesson, split_step
from pairlab.notebook import load_notebook


def lesson_notebook(path: Path, step: str | None) -> Path:
    """Return the step's lesson notebook when `path` is a folder holding it, else `path`."""
    if not step or not path.is_dir():
        return path
    candidate = path / get_lesson(split_step(step)[0]).notebook
    return candidate if candidate.is_file() else path


def _label(request: CheckRequest, path: Path, target: Path, root: Path | None) -> str:
    """Return how the report names its target: as asked, or the lesson notebook under root."""
    if root is None:
        return str(target)
    return request.path if target == path else target.relative_to(root.resolve()).as_posix()


def run(
    request: CheckRequest,
    *,
    root: Path | None = None,
    allow_hidden: bool = False,
    loader: Loader = load_notebook,
    include_runs: bool = True,
    label: str | None = None,
    workers: int = 1,
    watch: Watch | None = None,
) -> Report:
    """Run the checks `request` asks for and return the report with its one verdict.

    With `root`, the request's path is relative to it and every file read stays inside it
    (the server). A step alone is the unit every face shows (a `StepResult`); without
    `include_runs` its kernel and test runs wait (`pending`) and the step cannot pass yet.
    A `watch` hears the runs' progress and can cancel them (they raise Cancelled).
    """
    if root is not None:
        path = resolve_in_root(root, request.path, allow_hidden=allow_hidden)
    else:
        path = Path(request.path)
    resolve_target(path)  # refuse a bad path before looking up checks
    target = lesson_notebook(path, request.step)
    named = label or _label(request, path, target, root)
    ids = request.check_ids
    if request.step and ids is None:
        chosen = select(request.step)
        now = [c for c in chosen if include_runs or not c.check.runs]
        report = run_checks(
            target, now, loader=loader, ceiling=root, label=named, workers=workers, watch=watch
        )
        waiting = [c.check.id for c in chosen if c not in now]
        return StepResult(report.path, report.results, report.skipped, waiting, request.step)
    chosen = select(request.step, ids)
    return run_checks(
        target, chosen, loader=loader, ceiling=root, label=named, workers=workers, watch=watch
    )


def run_step(path: Path, step: str, *, include_runs: bool = True) -> StepResult:
    """Run one curriculum step on a notebook (or the folder holding its lesson notebook)."""
    report = run(CheckRequest.parse(path, step=step), include_runs=include_runs)
    assert isinstance(report, StepResult)  # a step alone always gives a step's result
    return report


def check_path(
    path: Path,
    step: str | None = None,
    only: str | Sequence[str] | None = None,
    named: str | None = None,
) -> Report:
    """Run the checks a step (or a named set, `only`, or all that apply) asks for on `path`."""
    return run(CheckRequest.parse(path, step=step, only=only, check_set=named))
