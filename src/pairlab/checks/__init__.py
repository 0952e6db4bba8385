"""Step checks: is the practice just taught really in place? One registry, one result shape.

One door: a `CheckRequest` (a path and a step, checks by id, or a named set) goes to `run()`,
which every face calls, and comes back as one report with one verdict.

Add a check from another package with an entry point in the `pairlab.checks` group whose
value is a `pairlab.checks.Check`; or call `register(Check(...))` before running.
"""

from importlib import import_module

from pairlab.checks._checkpoint import Checkpoint, checkpoint
from pairlab.checks._door import check_path, lesson_notebook, run, run_step
from pairlab.checks._model import Check, Context, Param, Result, errored, failed, passed
from pairlab.checks._registry import ENTRY_POINT_GROUP, registry
from pairlab.checks._report import Report, StepResult, format_report, verdict
from pairlab.checks._request import CheckRequest, parse_only, parse_set
from pairlab.checks._running import run_checks
from pairlab.checks._selection import CHECK_SETS, Selected, select, validate_lessons, validated
from pairlab.checks._watch import Progress, Watch
from pairlab.lessons import split_step
from pairlab.notebook import Notebook, NotebookError, load_notebook

register = registry.register

# Importing a family module registers its checks; this order is the order results are listed in.
FAMILIES = ("order", "execution", "lint", "parameters", "pairing", "functions", "testsuite")
for _family in (
    *FAMILIES,
    "leaks",
    "paths",
    "gitattrs",
    "cells",
    "product",
    "names",
    "purity",
    "provenance",
    "answers",
    "mutants",
):
    import_module(f"pairlab.checks.{_family}")

__all__ = [
    "CHECK_SETS",
    "ENTRY_POINT_GROUP",
    "Check",
    "CheckRequest",
    "Checkpoint",
    "Context",
    "Notebook",
    "NotebookError",
    "Param",
    "Progress",
    "Report",
    "Result",
    "Selected",
    "StepResult",
    "Watch",
    "check_path",
    "checkpoint",
    "errored",
    "failed",
    "format_report",
    "lesson_notebook",
    "load_notebook",
    "parse_only",
    "parse_set",
    "passed",
    "register",
    "registry",
    "run",
    "run_checks",
    "run_step",
    "select",
    "split_step",
    "validate_lessons",
    "validated",
    "verdict",
]
