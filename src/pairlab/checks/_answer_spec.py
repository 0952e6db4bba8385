"""What `answers-match` asks of a step's definition: `expect`, `setup` and `cases` that make sense.

A broken definition is the step author's error, never the learner's: answers-match reports it
as an `error` before anything runs.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any


def spec_problem(args: Mapping[str, Any]) -> str | None:
    """Return what is wrong with the step's `expect` and `setup`, or None."""
    if not args["expect"] and not args["cases"]:
        return "answers-match needs `expect`, a table of learner expression = reference"
    for learner, reference in args["expect"].items():
        if not isinstance(reference, str):
            return f"the reference for `{learner}` in `expect` must be a string expression"
        for role, text in (("learner expression", learner), ("reference", reference)):
            try:
                ast.parse(text, mode="eval")
            except SyntaxError as exc:
                return f"the {role} `{text}` in `expect` is not a Python expression ({exc.msg})"
    try:
        ast.parse(args["setup"])
    except SyntaxError as exc:
        return f"`setup` is not Python ({exc.msg}, line {exc.lineno})"
    return _cases_problem(args["cases"])


def _cases_problem(cases: Mapping[str, Any]) -> str | None:
    """Return what is wrong with `cases` (function = {reference, grid}), or None."""
    for name, case in cases.items():
        if not name.isidentifier() or not isinstance(case, dict):
            return f"`cases.{name}` must be a function name = {{reference, grid}}"
        if set(case) != {"reference", "grid"} or not isinstance(case["reference"], str):
            return f"`cases.{name}` needs exactly `reference` (an expression) and `grid`"
        grid = case["grid"]
        if not isinstance(grid, dict) or not grid:
            return f"`cases.{name}.grid` must be a table of parameter = [values]"
        if not all(isinstance(v, list) and v for v in grid.values()):
            return f"every parameter of `cases.{name}.grid` needs a non-empty list of values"
    return None
