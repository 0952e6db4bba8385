"""Run chosen checks on a notebook, or on a folder and every notebook in it, into a report."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from pairlab._paths import inside
from pairlab.checks._model import Context, Result, errored
from pairlab.checks._report import Report
from pairlab.checks._selection import Selected
from pairlab.checks._watch import Watch
from pairlab.errors import BadInput, Cancelled, NotFound, PairlabError
from pairlab.notebook import Notebook, NotebookError, load_notebook

log = logging.getLogger(__name__)
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git", "pytest.ini", "tox.ini")
# Kernel runs of a folder's notebooks side by side: a kernel start is mostly waiting.
KERNELS_AT_ONCE = max(2, min(4, os.cpu_count() or 1))
# Tools' folders, and `build/`, where a product's CI writes executed copies of its notebooks.
SKIP_DIRS = {".git", ".ipynb_checkpoints", ".venv", "venv", "node_modules", "__pycache__", "build"}
Loader = Callable[[Path], Notebook]
_In = TypeVar("_In")
_Out = TypeVar("_Out")


def find_project(start: Path, ceiling: Path | None = None) -> Path:
    """Return the nearest folder at or above `start` that looks like a project root."""
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in PROJECT_MARKERS):
            return folder
        if folder == ceiling:
            break
    return start


def find_notebooks(folder: Path) -> list[Path]:
    """Return the notebooks under `folder`, skipping checkpoints, hidden folders and venvs."""
    found = []
    for path in sorted(folder.rglob("*.ipynb")):
        parts = path.relative_to(folder).parts
        if not any(p in SKIP_DIRS or p.startswith(".") for p in parts):
            found.append(path)
    return found


def resolve_target(path: Path) -> Path:
    """Return `path` if it is a notebook or a folder; raise BadInput or NotFound otherwise."""
    try:
        exists = path.exists()
        dangling = not exists and path.is_symlink()
    except OSError as exc:  # a name too long for the file system (Errno 36), and the like
        raise BadInput(f"cannot look up {path}: {exc.strerror}", "pass a shorter path") from None
    if dangling:  # a loop, or a target that is gone: it exists, but leads nowhere
        raise BadInput(f"{path} is a symlink that leads nowhere", "fix or remove the link")
    if not exists:
        raise NotFound(f"{path} does not exist", "pass a notebook (.ipynb) or a project folder")
    if path.is_dir():
        return path
    if path.suffix != ".ipynb":
        raise BadInput(f"{path} is not a notebook", "pass a .ipynb file or a project folder")
    return path


def guard_members(
    folder: Path, notebooks: list[Path], ceiling: Path | None
) -> tuple[list[Path], dict[str, str]]:
    """Split notebooks into those inside `ceiling` and {label: why} for those leaving it."""
    if ceiling is None:
        return notebooks, {}
    kept, refused = [], {}
    for nb in notebooks:
        label = nb.relative_to(folder).as_posix()
        try:
            inside(ceiling, nb, name=f"'{label}'")
        except PairlabError as exc:
            refused[label] = f"not read: {exc.problem}"
            continue
        kept.append(nb)
    return kept, refused


@dataclass
class Targets:
    """What one run reads: the path, its project, and a context per notebook (parsed once)."""

    path: Path
    project: Path
    loader: Loader
    found: list[Path]  # every notebook under the path, kept or refused
    contexts: list[Context]
    labels: list[str | None]  # None for the path itself, else the notebook's place under it
    refused: dict[str, str]  # notebooks leaving the ceiling: {label: why}
    watch: Watch | None = None

    @classmethod
    def find(
        cls, path: Path, ceiling: Path | None, loader: Loader, watch: Watch | None = None
    ) -> Targets:
        """Return the targets of `path` (a notebook, or a folder's notebooks) inside `ceiling`."""
        project = find_project(path.parent if path.is_file() else path, ceiling)
        found = [path] if path.is_file() else find_notebooks(path)
        notebooks, refused = guard_members(path, found, ceiling)
        contexts = [Context(nb, project, loader, watch=watch) for nb in notebooks]
        labels = [None if nb == path else nb.relative_to(path).as_posix() for nb in notebooks]
        return cls(path, project, loader, found, contexts, labels, refused, watch)


def _run_one(chosen: Selected, ctx: Context) -> Result | str:
    """Run one check; return its result, or why it does not apply (a string)."""
    check = chosen.check
    if check.target == "notebook":
        try:
            notebook = ctx.notebook
        except NotebookError as exc:
            return errored(f"cannot check this file: {exc}")
        if check.python_only and not notebook.is_python:
            return errored(
                f"this notebook's kernel language is '{notebook.language}', and {check.id} "
                "reads Python only"
            )
    if not chosen.explicit:
        reason = check.applies(ctx)
        if reason:
            return reason
    try:
        return check.func(ctx, chosen.args)
    except Cancelled:  # the caller stopped the run: no verdict, not a check's bug
        raise
    except Exception as exc:  # a check's bug must reach the learner as a result, not a traceback
        log.exception("pairlab: check %s crashed on %s", check.id, ctx.path)
        return errored(f"the check itself failed ({type(exc).__name__}: {exc}); please report it")


def _side_by_side(func: Callable[[_In], _Out], items: Sequence[_In], workers: int) -> list[_Out]:
    """Return func over items in order; with more than one worker, in threads at once."""
    if workers < 2 or len(items) < 2:
        return [func(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(func, items))


Outcome = tuple[str | None, Result | str]  # (notebook label, result or why it was skipped)


def _outcomes(chosen: Selected, targets: Targets) -> list[Outcome]:
    """Return one check's outcomes over the targets: one per notebook, or one for the project."""
    if chosen.check.target == "project":
        whole = Context(targets.path, targets.project, targets.loader, watch=targets.watch)
        return [(None, _run_one(chosen, whole))]
    if not targets.contexts and not targets.refused:
        return [(None, "no notebooks here")]
    refused: list[Outcome] = [(where, why) for where, why in targets.refused.items()]
    # Kernel runs go side by side: they wait on processes, not on this one.
    workers = KERNELS_AT_ONCE if chosen.check.runs else 1
    results = _side_by_side(lambda ctx: _run_one(chosen, ctx), targets.contexts, workers)
    return refused + list(zip(targets.labels, results, strict=True))


def _file(report: Report, chosen: Selected, outcomes: Iterable[Outcome]) -> None:
    """File outcomes in the report: results, or (strings) the reasons a check was skipped."""
    for label, outcome in outcomes:
        if isinstance(outcome, str):
            entry = {"id": chosen.check.id, "reason": outcome}
            report.skipped.append(entry | ({"notebook": label} if label else {}))
        else:
            report.results.append(replace(outcome, id=chosen.check.id, notebook=label))


def _require_readable(ctx: Context, label: str) -> None:
    """Refuse a damaged notebook once, rather than with the same error from every check."""
    try:
        ctx.notebook  # noqa: B018 - parsed once here, kept for the checks
    except NotebookError as exc:
        raise BadInput(f"cannot check {label}: {exc}") from None


def run_checks(
    path: Path,
    selected: Sequence[Selected],
    *,
    loader: Loader = load_notebook,
    ceiling: Path | None = None,
    label: str | None = None,
    workers: int = 1,
    watch: Watch | None = None,
) -> Report:
    """Run `selected` on a notebook, or on a folder and every notebook in it.

    With `workers` above one, separate checks run side by side (a product's test run and
    package build each wait on their own process).
    """
    report = Report(path=label or str(path))
    path = resolve_target(path).absolute()  # subprocesses run elsewhere; relative paths break
    if ceiling is not None:  # a request's file: it, and every member read, stays inside
        inside(ceiling, path, name=f"'{label or path.name}'")
    targets = Targets.find(path, ceiling, loader, watch)
    if path.is_file() and any(c.check.target == "notebook" for c in selected):
        _require_readable(targets.contexts[0], report.path)
    outcomes = _side_by_side(lambda c: _outcomes(c, targets), selected, workers)
    for chosen, found in zip(selected, outcomes, strict=True):
        _file(report, chosen, found)
    only_notebooks = all(c.check.target == "notebook" for c in selected)
    if path.is_dir() and not targets.found and not report.results and only_notebooks:
        raise BadInput(
            f"{report.path} holds no notebooks and nothing the checks apply to",
            "pass a notebook (.ipynb) or a project folder that holds some",
        )
    return report
