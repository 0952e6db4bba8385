"""Choose the checks a run needs, run them on a notebook or a project, and collect a report."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pairlab._paths import inside
from pairlab.checks._model import Check, Context, Result, Verdict, errored
from pairlab.checks._registry import registry
from pairlab.errors import BadInput, NotFound, PairlabError
from pairlab.lessons import CheckRef, Lesson, get_lesson, get_step, split_step
from pairlab.notebook import Notebook, NotebookError, load_notebook

log = logging.getLogger(__name__)
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git", "pytest.ini", "tox.ini")
# Kernel runs of a folder's notebooks side by side: a kernel start is mostly waiting.
KERNELS_AT_ONCE = max(2, min(4, os.cpu_count() or 1))
# Named sets of checks, declared once: the guide's practice checks for any notebook (they read
# the file only, so they are cheap on every save) and what a promoted product must pass.
CHECK_SETS: dict[str, tuple[str, ...]] = {
    "practice": (
        "in-order",
        "lint-clean",
        "has-parameters",
        "uses-functions",
        "pure-functions",
        "no-secrets",
        "no-absolute-paths",
    ),
    "product": (
        "tests-pass",
        "lint-clean",
        "paired",
        "no-secrets",
        "product-descriptor",
        "contract-pass",
        "package-builds",
        "ci-configured",
    ),
}
# Tools' folders, and `build/`, where a product's CI writes executed copies of its notebooks.
SKIP_DIRS = {".git", ".ipynb_checkpoints", ".venv", "venv", "node_modules", "__pycache__", "build"}


@dataclass(frozen=True)
class Selected:
    """A check chosen for a run, with its validated arguments."""

    check: Check
    args: dict[str, Any]
    explicit: bool  # asked for by name (--only, a step): runs even where it does not apply


def verdict(results: Sequence[Result], pending: Sequence[str] = ()) -> Verdict:
    """Return the one verdict of a set of results: pass only when checks ran and all passed."""
    statuses = {r.status for r in results}
    if "error" in statuses:
        return "error"
    if "fail" in statuses or not results:
        return "fail"
    return "pending" if pending else "pass"


@dataclass
class Report:
    """Every result of one run, plus the checks left out and why."""

    path: str
    results: list[Result] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # checks not run yet (kernel runs deferred)

    @property
    def verdict(self) -> Verdict:
        """Return the run's verdict; a run where no check ran has not passed."""
        return verdict(self.results, self.pending)

    @property
    def exit_code(self) -> int:
        """Return 0 when checks ran and every one passed, else 1."""
        return 0 if self.verdict == "pass" else 1

    @property
    def message(self) -> str:
        """Return what to do next: the first problem, or the first pass when all is well."""
        first = next((r for r in self.results if r.status != "pass"), None)
        if first is not None:
            return first.message
        if not self.results:
            return "no check ran: " + "; ".join(s["reason"] for s in self.skipped[:1])
        return self.results[0].message

    def to_json(self) -> dict[str, Any]:
        """Return {"path", "verdict", "message", "results", "skipped"} as JSON-ready data."""
        return {
            "path": self.path,
            "verdict": self.verdict,
            "message": self.message,
            "results": [r.to_json() for r in self.results],
            "skipped": self.skipped,
        }


@dataclass
class StepResult(Report):
    """One curriculum step run on one notebook: the unit every face shows."""

    step: str = ""

    @property
    def lesson_id(self) -> str:
        """Return the lesson part of the step id."""
        return split_step(self.step)[0]

    @property
    def step_id(self) -> str:
        """Return the step part of the step id."""
        return split_step(self.step)[1]

    def to_json(self) -> dict[str, Any]:
        """Return the report with its step id."""
        return {"step": self.step, **super().to_json()}


def validated(ref: CheckRef, where: str) -> Selected:
    """Return the check `ref` names with its arguments; else say which file and field is wrong."""
    if ref.id not in registry:
        known = ", ".join(c.id for c in registry)
        raise BadInput(f"{where}: field 'checks' names unknown check '{ref.id}'", f"known: {known}")
    try:
        args = registry.get(ref.id).validate_args(ref.args)
    except BadInput as exc:
        raise BadInput(f"{where}: field 'checks.args': {exc.problem}", exc.fix) from None
    return Selected(registry.get(ref.id), args, True)


def validate_lessons(lessons: Sequence[Lesson]) -> None:
    """Refuse any step that names an unknown check or arguments its check does not accept."""
    for lesson in lessons:
        for step in lesson.steps:
            for ref in step.checks:
                validated(ref, f"{lesson.file or lesson.id} step '{step.id}'")


def _step_checks(step: str) -> list[Selected]:
    """Return the checks a curriculum step declares, with their arguments."""
    lesson, found = get_step(step)
    where = f"{lesson.file or lesson.id} step '{found.id}'"
    return [validated(ref, where) for ref in found.checks]


def select(step: str | None = None, only: Sequence[str] | None = None) -> list[Selected]:
    """Return the checks to run: a step's, narrowed by `only`; or `only`; or every check."""
    if step:
        chosen = _step_checks(step)
        if only:
            ids = [s.check.id for s in chosen]
            stray = [i for i in only if i not in ids]
            if stray:
                raise BadInput(
                    f"check '{stray[0]}' is not part of step '{step}'", f"its checks: {ids}"
                )
            chosen = [s for s in chosen if s.check.id in only]
        return chosen
    if only:
        return [Selected(registry.get(i), registry.get(i).validate_args({}), True) for i in only]
    return [Selected(c, c.validate_args({}), False) for c in registry]


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
    except Exception as exc:  # a check's bug must reach the learner as a result, not a traceback
        log.exception("pairlab: check %s crashed on %s", check.id, ctx.path)
        return errored(f"the check itself failed ({type(exc).__name__}: {exc}); please report it")


def _file(report: Report, chosen: Selected, outcome: Result | str, label: str | None) -> None:
    """File one outcome in the report: a result, or (a string) the reason it was skipped."""
    if isinstance(outcome, str):
        entry = {"id": chosen.check.id, "reason": outcome}
        report.skipped.append(entry | ({"notebook": label} if label else {}))
    else:
        report.results.append(replace(outcome, id=chosen.check.id, notebook=label))


def _run_many(chosen: Selected, contexts: list[Context]) -> list[Result | str]:
    """Run one check on many notebooks; kernel runs go side by side (they wait on processes)."""
    if not chosen.check.runs or len(contexts) < 2:
        return [_run_one(chosen, ctx) for ctx in contexts]
    with ThreadPoolExecutor(max_workers=KERNELS_AT_ONCE) as pool:
        return list(pool.map(lambda ctx: _run_one(chosen, ctx), contexts))


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


def run_checks(
    path: Path,
    selected: Sequence[Selected],
    *,
    loader: Callable[[Path], Notebook] = load_notebook,
    ceiling: Path | None = None,
    label: str | None = None,
) -> Report:
    """Run `selected` on a notebook, or on a folder and every notebook in it."""
    report = Report(path=label or str(path))
    path = resolve_target(path).absolute()  # subprocesses run elsewhere; relative paths break
    if ceiling is not None:  # a request's file: it, and every member read, stays inside
        inside(ceiling, path, name=f"'{label or path.name}'")
    start = path.parent if path.is_file() else path
    project = find_project(start, ceiling)
    found = [path] if path.is_file() else find_notebooks(path)
    notebooks, refused = guard_members(path, found, ceiling)
    # One context per notebook, so each file is parsed once whatever the number of checks.
    contexts = [Context(nb, project, loader) for nb in notebooks]
    labels = [None if nb == path else nb.relative_to(path).as_posix() for nb in notebooks]
    if path.is_file() and any(c.check.target == "notebook" for c in selected):
        _require_readable(contexts[0], report.path)
    for chosen in selected:
        if chosen.check.target == "project":
            _file(report, chosen, _run_one(chosen, Context(path, project, loader)), None)
        elif not notebooks and not refused:
            report.skipped.append({"id": chosen.check.id, "reason": "no notebooks here"})
        else:
            for where, why in refused.items():
                report.skipped.append({"id": chosen.check.id, "reason": why, "notebook": where})
            for label, outcome in zip(labels, _run_many(chosen, contexts), strict=True):
                _file(report, chosen, outcome, label)
    only_notebooks = all(c.check.target == "notebook" for c in selected)
    if path.is_dir() and not found and not report.results and only_notebooks:
        raise BadInput(
            f"{report.path} holds no notebooks and nothing the checks apply to",
            "pass a notebook (.ipynb) or a project folder that holds some",
        )
    return report


def _require_readable(ctx: Context, label: str) -> None:
    """Refuse a damaged notebook once, rather than with the same error from every check."""
    try:
        ctx.notebook  # noqa: B018 - parsed once here, kept for the checks
    except NotebookError as exc:
        raise BadInput(f"cannot check {label}: {exc}") from None


def parse_only(text: str | Sequence[str] | None) -> list[str] | None:
    """Return check ids from 'a,b' (or a list); raise BadInput on an empty or blank id."""
    if text is None:
        return None
    ids = [i.strip() for i in text.split(",")] if isinstance(text, str) else list(text)
    if not ids or not all(isinstance(i, str) and i.strip() for i in ids):
        raise BadInput(f"only={text!r} names an empty check id", "list ids, e.g. in-order,paired")
    return ids


def lesson_notebook(path: Path, step: str | None) -> Path:
    """Return the step's lesson notebook when `path` is a folder holding it, else `path`."""
    if not step or not path.is_dir():
        return path
    candidate = path / get_lesson(split_step(step)[0]).notebook
    return candidate if candidate.is_file() else path


def run_step(
    path: Path,
    step: str,
    *,
    include_runs: bool = True,
    loader: Callable[[Path], Notebook] = load_notebook,
    ceiling: Path | None = None,
    label: str | None = None,
) -> StepResult:
    """Run one curriculum step on a notebook (or the folder holding its lesson notebook).

    This is the one verdict every face shows: the sidebar, `pairlab check --step`, the
    checkpoint, the curriculum run and CI. Without `include_runs` the kernel and test runs
    wait (`pending`), and the step cannot pass until they have run.
    """
    resolve_target(path)  # refuse a bad path before looking up checks
    chosen = select(step)
    now = [c for c in chosen if include_runs or not c.check.runs]
    target = lesson_notebook(path, step)
    report = run_checks(target, now, loader=loader, ceiling=ceiling, label=label or str(target))
    waiting = [c.check.id for c in chosen if c not in now]
    return StepResult(report.path, report.results, report.skipped, waiting, step=step)


def parse_set(name: str | None) -> tuple[str, ...] | None:
    """Return the check ids of a named set; raise BadInput naming the sets there are."""
    if name is None:
        return None
    if not isinstance(name, str) or name not in CHECK_SETS:
        raise BadInput(f"no check set {name!r}", f"use one of: {', '.join(CHECK_SETS)}")
    return CHECK_SETS[name]


def check_path(
    path: Path,
    step: str | None = None,
    only: str | Sequence[str] | None = None,
    named: str | None = None,
) -> Report:
    """Run the checks a step (or a named set, `only`, or all that apply) asks for on `path`."""
    if step and not only and not named:
        return run_step(path, step)
    resolve_target(path)  # refuse a bad path before looking up checks
    if named and (step or only):
        raise BadInput("a check set goes alone", "pass --set, or --step and --only, not both")
    ids = parse_set(named) if named else parse_only(only)
    chosen = select(step, ids)
    target = lesson_notebook(path, step)
    return run_checks(target, chosen, label=str(target))


_MARK = {"pass": "PASS ", "fail": "FAIL ", "error": "ERROR"}


def format_report(report: Report) -> str:
    """Return the report as lines a person reads in a terminal."""
    lines = [f"pairlab check {report.path}"]
    for r in report.results:
        where = f" [{r.notebook}]" if r.notebook else ""
        cells = f" (cells: {', '.join(r.cells[:5])}{'...' if len(r.cells) > 5 else ''})"
        lines.append(f"  {_MARK[r.status]} {r.id}{where}: {r.message}{cells if r.cells else ''}")
    lines += [f"  skip  {s['id']}: {s['reason']}" for s in report.skipped]
    lines += [f"  wait  {i}: runs when the step is checked in full" for i in report.pending]
    counts = {s: sum(r.status == s for r in report.results) for s in _MARK}
    tally = f"{counts['pass']} passed, {counts['fail']} failed, {counts['error']} errors"
    step = f"step {report.step}: " if isinstance(report, StepResult) else ""
    lines.append(f"{tally}; {step}{report.verdict.upper()}")
    return "\n".join(lines)
