"""Step checks: is the practice just taught really in place? One registry, one result shape.

Add a check from another package with an entry point in the `pairlab.checks` group whose
value is a `pairlab.checks.Check`; or call `register(Check(...))` before running.
"""

from importlib import import_module

from pairlab.checks._model import Check, Context, Param, Result, errored, failed, passed
from pairlab.checks._registry import ENTRY_POINT_GROUP, registry
from pairlab.checks._runner import (
    CHECK_SETS,
    Report,
    Selected,
    StepResult,
    check_path,
    format_report,
    parse_set,
    run_checks,
    run_step,
    select,
    validate_lessons,
    validated,
    verdict,
)
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
    "answers",
    "mutants",
):
    import_module(f"pairlab.checks.{_family}")

__all__ = [
    "CHECK_SETS",
    "ENTRY_POINT_GROUP",
    "Check",
    "Context",
    "Notebook",
    "NotebookError",
    "Param",
    "Report",
    "Result",
    "Selected",
    "StepResult",
    "check_path",
    "errored",
    "failed",
    "format_report",
    "load_notebook",
    "parse_set",
    "passed",
    "register",
    "registry",
    "run_checks",
    "run_step",
    "select",
    "split_step",
    "validate_lessons",
    "validated",
    "verdict",
]
