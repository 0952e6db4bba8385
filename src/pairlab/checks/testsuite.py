"""`tests-pass`: pytest runs the project's tests (or those next to the notebook) and all pass."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pairlab import _process
from pairlab._files import scratch_folder
from pairlab.checks._kernels import PRELOAD
from pairlab.checks._model import Check, Context, Param, Result, errored, failed, passed
from pairlab.checks._pytest_plugins import AUTOLOAD_OFF, MISSING_FIXTURE, named_plugins
from pairlab.checks._pytest_report import ENV
from pairlab.checks._registry import register
from pairlab.checks._run_cache import remembered

SHOWN = 3
# Imported once by the warm parent pytest runs fork from: pytest and what lessons' code imports.
WARM_IMPORTS = ("pytest", *PRELOAD)
NO_TESTS = "write a function named `test_...` in a file tests/test_<topic>.py"


def _test_paths(ctx: Context, names: list[str]) -> list[Path]:
    """Return what pytest should run: the named paths, else tests/, else test files alongside."""
    if names:
        return [ctx.project / n for n in names if (ctx.project / n).exists()]
    if (ctx.project / "tests").is_dir():
        return [ctx.project / "tests"]
    return sorted({*ctx.folder.glob("test_*.py"), *ctx.folder.glob("*_test.py")})


def _applies(ctx: Context) -> str | None:
    """Apply only where there are tests to run."""
    return None if _test_paths(ctx, []) else "no tests found"


def _summary(records: list[dict[str, str]]) -> tuple[str, tuple[dict[str, str], ...]]:
    """Return a sentence on the failures and the per-test details."""
    bad = [r for r in records if r["outcome"] in ("failed", "error")]
    shown = "; ".join(f"{r['test'].split('::')[-1]} ({r['message']})" for r in bad[:SHOWN])
    more = f" and {len(bad) - SHOWN} more" if len(bad) > SHOWN else ""
    return f"{len(bad)} of {len(records)} test(s) fail: {shown}{more}", tuple(records)


def run_pytest(
    ctx: Context,
    paths: list[Path],
    timeout: int,
    plugins: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> tuple[_process.Completed, list[Any]]:
    """Run pytest in the project folder and return the run plus each test's outcome.

    `plugins` are extra `-p` plugins and pytest options, `env` their settings. A run already
    made on the same files and arguments is remembered (in fast mode) and not made again.
    """
    with scratch_folder("pairlab-pytest-") as tmp:
        report = tmp / "report.json"
        args = ["-q", "-p", "pairlab.checks._pytest_report", *named_plugins(ctx.project, paths)]
        args += [*plugins, "-p", "no:cacheprovider", *map(str, paths)]
        argv = [*_process.python_module("pytest"), *args]
        # Leave the learner's folder as it was: no .pytest_cache, no __pycache__.
        env = {**(env or {}), ENV: str(report), "PYTHONDONTWRITEBYTECODE": "1"}

        def once(extra: Mapping[str, str]) -> tuple[_process.Completed, list[Any]]:
            report.unlink(missing_ok=True)
            done = _process.run_module(
                "pytest",
                args,
                preload=WARM_IMPORTS,
                cwd=ctx.project,
                timeout=timeout,
                env={**env, **extra},
                cancel=ctx.watch,
            )
            if ctx.watch is not None:
                ctx.watch.raise_if_cancelled()
            records = json.loads(report.read_text(encoding="utf-8")) if report.is_file() else []
            return done, records

        def produce() -> tuple[_process.Completed, list[Any]]:
            done, records = once(AUTOLOAD_OFF)
            if MISSING_FIXTURE.search(done.stdout):  # a fixture of a plugin no file names
                done, records = once({})
            return done, records

        return remembered(ctx, "pytest", argv, env, produce, timeout=timeout, volatile=[str(tmp)])


def stale_writefile(ctx: Context, paths: list[Path]) -> Result | None:
    """Fail when a `%%writefile` cell of the notebook differs from the test file it writes.

    A pair who edits the test in the cell but does not run it again tests the old file; say
    so, rather than report on tests they have already rewritten.
    """
    if not ctx.is_notebook:
        return None
    wanted = {p.resolve() for p in paths}
    for cell in ctx.notebook.code_cells:
        first, _, body = cell.source.partition("\n")
        words = first.split()
        if len(words) < 2 or words[0] != "%%writefile" or words[-1].startswith("-"):
            continue
        target = (ctx.folder / words[-1]).resolve()
        if target in wanted or any(target.is_relative_to(w) for w in wanted if w.is_dir()):
            on_disk = target.read_text(encoding="utf-8") if target.is_file() else None
            if on_disk is None or on_disk.rstrip("\n") != body.rstrip("\n"):
                return failed(
                    f"{cell.label} writes {words[-1]}, but the file on disk is not what the cell "
                    "says: run that cell again (Shift+Enter), save, then check",
                    (cell.id,),
                )
    return None


def check_tests_pass(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Run pytest once and summarize per test; no tests at all is a failure, not a pass."""
    paths = _test_paths(ctx, args["paths"])
    if not paths:
        return failed(f"no tests found in {ctx.project.name}; {NO_TESTS}")
    stale = stale_writefile(ctx, paths)
    if stale is not None:
        return stale
    done, records = run_pytest(ctx, paths, args["timeout"])
    if done.timed_out:
        return failed(f"the tests ran longer than {args['timeout']} s; make them faster")
    if done.returncode == 5:
        return failed(f"pytest collected no tests; {NO_TESTS}")
    if done.returncode == 0:
        passing = sum(r["outcome"] == "passed" for r in records)
        return passed(f"{passing} test(s) pass", tuple(records))
    if any(r["outcome"] in ("failed", "error") for r in records):
        message, details = _summary(records)
        return failed(f"{message}; run `pytest` to see why", details=details)
    return errored(f"pytest could not run the tests: {done.tail(3)}")


TESTS_PASS = register(
    Check(
        id="tests-pass",
        title="The project's tests pass",
        func=check_tests_pass,
        target="project",
        runs=True,
        applies=_applies,
        params={
            "paths": Param("strings", [], "test files or folders, relative to the project"),
            "timeout": Param("int", 300, "seconds the test run may take"),
        },
    )
)
