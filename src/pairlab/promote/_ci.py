"""Stage 5's last word: the product's own CI, from a fresh clone of what promote wrote.

The steps are read from the product's `.github/workflows/ci.yml` and run as GitHub runs a
`run:` step (bash -eo pipefail) in a clone in the temp folder, never in the product. The
install step is the one exception: pip would install into pairlab's own environment, so the
product's dependencies are checked as installed here and its src/ goes on the path instead.
Promote says PASS only when every step passes and the clone's tree is clean afterwards.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
import tomllib
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import yaml

from pairlab import _files, _process
from pairlab.checks import Result
from pairlab.errors import and_more, one_line
from pairlab.promote import _lint
from pairlab.promote._model import Analysis

WORKFLOW = ".github/workflows/ci.yml"
STEP_TIMEOUT = 900
SHELL = ("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c")  # GitHub's `run:` shell
WORK_PREFIX = "pairlab-promote-"  # the pid after it lets a later promote remove it if killed
IDENT = ("-c", "user.name=pairlab", "-c", "user.email=pairlab-promote@localhost")


@dataclass(frozen=True)
class Step:
    """One `run:` step of the product's workflow."""

    name: str
    script: str
    skip: str = ""  # why promote does not run it (a deployment job, a GitHub expression)


@dataclass
class CiRun:
    """What the product's CI did: a result per step run, and the steps a failure left out."""

    results: list[Result] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)


def workflow_steps(product: Path) -> list[Step]:
    """Return the `run:` steps of the product's GitHub workflow, in order.

    A job with an `if:` (publishing on the default branch) and a step using a GitHub
    expression are listed with the reason promote leaves them to CI: a push runs its jobs,
    a deployment is not a test.
    """
    data = yaml.safe_load((product / WORKFLOW).read_text(encoding="utf-8")) or {}
    steps = []
    for job_id, job in (data.get("jobs") or {}).items():
        job = job or {}
        condition = f"job `{job_id}` runs only if {job['if']}" if job.get("if") else ""
        for step in job.get("steps") or []:
            if isinstance(step, dict) and step.get("run"):
                script = str(step["run"])
                name = str(step.get("name") or script.splitlines()[0])
                uses = "it needs GitHub's ${{ }} expressions" if "${{" in script else ""
                steps.append(Step(name, script, condition or uses))
    return steps


def _git(*args: str, cwd: Path | None = None) -> _process.Completed:
    """Run git quietly."""
    return _process.run(["git", *args], cwd=cwd, timeout=120)


def fresh_clone(product: Path, into: Path) -> Path:
    """Clone the product, add what promote wrote since its last commit, commit it there.

    The clone holds exactly what a push would: files git tracks or would track (ignored files
    stay out), so a file the product needs but ignores fails here as it would in CI.
    """
    clone = into / "clone"
    done = _git("clone", "-q", "--no-hardlinks", str(product), str(clone))
    if not done.ok:
        raise RuntimeError(f"git clone of the product failed: {done.tail(1)}")
    listed = _git("ls-files", "-z", "-c", "-o", "--exclude-standard", cwd=product).stdout
    for rel in filter(None, listed.split("\0")):
        source, target = product / rel, clone / rel
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    for rel in filter(None, _git("ls-files", "-z", "-d", cwd=product).stdout.split("\0")):
        (clone / rel).unlink(missing_ok=True)
    _git("add", "-A", cwd=clone)
    _git(*IDENT, "commit", "-q", "--allow-empty", "-m", "what promote wrote", cwd=clone)
    return clone


def _env(clone: Path) -> dict[str, str]:
    """Return the steps' environment: pairlab's tools first on PATH, the product's src/ too."""
    tools = str(Path(sys.executable).parent)
    paths = [str(clone / "src"), os.environ.get("PYTHONPATH", "")]
    return {
        "PATH": os.pathsep.join([tools, os.environ.get("PATH", "")]),
        "PYTHONPATH": os.pathsep.join(p for p in paths if p),
    }


_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _requirements(clone: Path) -> list[tuple[str, str]]:
    """Return (distribution, requirement) for the product's dependencies and its `test` extra."""
    project = tomllib.loads((clone / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extra = project.get("optional-dependencies", {}).get("test", [])
    found = [(_REQUIREMENT.match(t), t) for t in [*project.get("dependencies", []), *extra]]
    return [(m.group(1), text) for m, text in found if m]


def _install(clone: Path) -> Result:
    """Check the product's dependencies are installed here, instead of pip installing them."""
    for dist, requirement in _requirements(clone):
        try:
            version(dist)
        except PackageNotFoundError:
            return Result(
                "fail",
                f"`{dist}`, a dependency in pyproject.toml, is not installed where pairlab runs; "
                f'fix: pip install "{requirement}", then promote again',
            )
    return Result("pass", "the product's dependencies are installed here; src/ on the path")


_PYTEST_WHERE = re.compile(r"^(\S+\.py):(\d+): (\w+)", re.MULTILINE)
_CELL = re.compile(r'Exception encountered at "In \[(\d+)\]"')
_INPUT = re.compile(r"Input Notebook:\s+(\S+)")


def _explain(step: Step, done: _process.Completed, clone: Path, analysis: Analysis | None) -> str:
    """Return where a failed step failed and the fix, in one line."""
    out = f"{done.stdout}\n{done.stderr}"
    if done.timed_out:
        return f"it ran longer than {STEP_TIMEOUT} s; fix: make the notebook's work smaller"
    if "ruff check" in step.script and (found := _lint.findings(clone)):
        return f"{_lint.describe(found, clone, analysis)}; fix: {_lint.advice(found[0])}"
    if "ruff format" in step.script and "Would reformat" in out:
        files = re.findall(r"Would reformat: (\S+)", out)
        return f"{', '.join(files)} not formatted; fix: run `ruff format src tests` in the product"
    if "papermill" in step.script and (cell := _CELL.search(out)):
        notebook = _INPUT.findall(out)[-1:] or ["a notebook"]
        error = _last_error(out)
        return (
            f"{notebook[0]} cell {cell.group(1)} raised {error}; fix: run the notebook in the "
            "product's notebooks/ folder top to bottom and fix that cell"
        )
    if "pytest" in step.script and (places := _PYTEST_WHERE.findall(out)):
        path, line, error = places[-1]
        failed = re.findall(r"^FAILED (\S+)", out, re.MULTILINE)
        test = f" in {failed[0]}" if failed else ""
        return f"{path} line {line}: {error}{test}; fix: run `pytest -x` in the product to see it"
    return f"{one_line(done.tail(2))}; fix: run the step in the product to see the whole output"


def _last_error(text: str) -> str:
    """Return the last `SomeError: message` line of a traceback, or 'an error'."""
    found = re.findall(r"^(\w+(?:Error|Exception|Exit)\b.*)$", text, re.MULTILINE)
    return one_line(found[-1]) if found else "an error"


def _tree_clean(clone: Path) -> Result:
    """Return whether the CI run left files git would commit (an output not ignored)."""
    status = _git("status", "--porcelain", "--untracked-files=all", cwd=clone).stdout
    left = [line[3:] for line in status.splitlines() if line.strip()]
    if not left:
        return Result("pass", "the run left the clone's tree as it was")
    return Result(
        "fail",
        f"the run left {left[0]}{and_more(len(left))} in the tree; fix: add it to .gitignore, "
        "or write the notebook's outputs under build/",
    )


def run_ci(product: Path, analysis: Analysis | None = None) -> CiRun:
    """Run the product's CI steps from a fresh clone; stop at the first failing step, as CI does."""
    run = CiRun()
    if not (product / WORKFLOW).is_file():
        run.results.append(Result("error", f"no {WORKFLOW}: there is no CI to run", id="ci"))
        return run
    steps = [s for s in workflow_steps(product) if not s.skip]
    run.skipped += [
        {"id": f"ci: {s.name}", "reason": f"left to CI: {s.skip}"}
        for s in workflow_steps(product)
        if s.skip
    ]
    prefix = f"{WORK_PREFIX}{os.getpid()}-ci-"
    with _files.scratch_folder(prefix) as work:
        try:
            clone = fresh_clone(product, work)
        except RuntimeError as exc:
            run.results.append(Result("error", f"{exc}; is git installed?", id="ci"))
            return run
        env = _env(clone)
        for number, step in enumerate(steps):
            result = _run_step(step, clone, env, analysis)
            run.results.append(result)
            if result.status != "pass":
                why = f"not run: `{step.name}` failed first"
                run.skipped += [{"id": f"ci: {s.name}", "reason": why} for s in steps[number + 1 :]]
                return run
        clean = _tree_clean(clone)
        run.results.append(Result(clean.status, clean.message, id="ci: tree clean after the run"))
    return run


def _run_step(step: Step, clone: Path, env: dict[str, str], analysis: Analysis | None) -> Result:
    """Run one workflow step in the clone and return its result."""
    started = time.monotonic()
    if step.script.lstrip().startswith("pip install"):
        found = _install(clone)
        return Result(
            found.status,
            f"{found.message} (not `{step.script.strip()}`: pip would "
            "install into pairlab's own environment)",
            id=f"ci: {step.name}",
        )
    done = _process.run([*SHELL, step.script], cwd=clone, env=env, timeout=STEP_TIMEOUT)
    seconds = time.monotonic() - started
    command = "; ".join(line.strip() for line in step.script.strip().splitlines())
    command = command if len(command) <= 60 else command[:57] + "..."
    if done.ok:
        return Result("pass", f"`{command}` passed ({seconds:.0f} s)", id=f"ci: {step.name}")
    why = _explain(step, done, clone, analysis)
    return Result("fail", f"`{command}` failed: {why}", id=f"ci: {step.name}")
