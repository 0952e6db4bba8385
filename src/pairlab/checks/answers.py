"""`answers-match`: after a fresh run, the learner's answers equal the reference's.

`cells-ran` trusts the notebook's own asserts, which a learner can delete; this check runs a
copy top to bottom, appends a probe cell (pairlab/checks/_probe.py) that evaluates each
learner expression and its reference in the kernel, and reads back only the verdicts.
"""

from __future__ import annotations

import ast
import builtins
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pairlab.checks import _probe
from pairlab.checks._answer_spec import spec_problem
from pairlab.checks._elsewhere import second_warehouse_env
from pairlab.checks._model import (
    Check,
    Context,
    Param,
    Result,
    Status,
    errored,
    failed,
    passed,
)
from pairlab.checks._registry import register
from pairlab.checks._scratch import ScratchError
from pairlab.checks.execution import RUN_PARAMS, explain_failure, fresh_run, kernel_name
from pairlab.notebook import Cell, Notebook, NotebookError, load_notebook, python_source

PROBE_SOURCE = Path(_probe.__file__).read_text(encoding="utf-8")
PROBE_TAG = "pairlab-answers-probe"
_BUILTINS = frozenset(dir(builtins))
_RERUN = "then restart the kernel and run all cells"
_BROKEN = "the step definition is broken, not your notebook: tell the facilitator"
_ONLY_HERE = "your answer matches only this warehouse: compute it"
_SECOND = "a second warehouse (another seed, other defect counts)"


@dataclass(frozen=True)
class Outcome:
    """The verdict on one expected answer, as the learner reads it."""

    answer: str
    status: str  # pass, fail or error, as a Result's
    message: str
    cells: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Return the outcome as one entry of the result's details."""
        return {
            "answer": self.answer,
            "status": self.status,
            "message": self.message,
            "cells": list(self.cells),
        }


def root_name(expression: str) -> str | None:
    """Return the first variable an expression reads (`by_peril` in `len(by_peril)`)."""
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        return None
    bound = _comprehension_names(tree)  # `p` in `[p["name"] for p in contract]` is no answer
    names = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id not in bound]
    return next((n for n in names if n not in _BUILTINS), names[0] if names else None)


def _comprehension_names(tree: ast.AST) -> set[str]:
    """Return the names an expression binds itself: comprehension targets, lambda arguments."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.comprehension):
            bound |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
        elif isinstance(node, ast.Lambda):
            bound |= {a.arg for a in (*node.args.posonlyargs, *node.args.args)}
    return bound


def last_tagged(notebook: Notebook, tag: str) -> Cell | None:
    """Return the last cell carrying `tag`, where the step's part of the notebook ends."""
    return next((c for c in reversed(notebook.cells) if tag in c.tags), None)


def _stored_names(cell: Cell) -> set[str]:
    """Return the names a cell binds at the notebook's top level (not inside functions)."""
    source = python_source(cell)
    try:
        tree = ast.parse(source) if source is not None else None
    except SyntaxError:
        return set()
    names: set[str] = set()
    stack: list[ast.AST] = list(tree.body) if tree else []
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif not isinstance(node, ast.Lambda | ast.comprehension):
            stack.extend(ast.iter_child_nodes(node))
    return names


def assigning_cell(notebook: Notebook, name: str | None) -> Cell | None:
    """Return the last code cell that assigns `name` at top level, found without running."""
    if not name:
        return None
    return next((c for c in reversed(notebook.code_cells) if name in _stored_names(c)), None)


def mentioning_cell(notebook: Notebook, name: str) -> Cell | None:
    """Return the first code cell that mentions `name`, even in a comment or a placeholder."""
    word = re.compile(rf"\b{re.escape(name)}\b")
    return next((c for c in notebook.code_cells if word.search(c.source)), None)


def probe_cell(spec: dict[str, Any], with_id: bool) -> dict[str, Any]:
    """Return the last cell for the copy: it runs the probe on the notebook's namespace."""
    # The builtins module, not bare names: a learner may have rebound exec or globals.
    source = (
        "import builtins as _pairlab_builtins\n"
        "_pairlab_probe = {'__name__': 'pairlab_probe'}\n"
        f"_pairlab_builtins.exec({PROBE_SOURCE!r}, _pairlab_probe)\n"
        f"_pairlab_probe['main']({json.dumps(spec)!r}, _pairlab_builtins.globals())\n"
    )
    cell: dict[str, Any] = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {"tags": [PROBE_TAG]},
        "outputs": [],
        "source": source,
    }
    return cell | ({"id": PROBE_TAG} if with_id else {})  # ids exist from nbformat 4.5 on


def read_report(out: Path, start: str, end: str) -> dict[str, Any] | None:
    """Return the JSON the probe printed between the markers in the executed copy, or None."""
    try:
        cells = load_notebook(out).code_cells
    except NotebookError:
        return None
    text = "".join(
        "".join(o["text"]) if isinstance(o.get("text"), list) else str(o.get("text", ""))
        for o in (cells[-1].outputs if cells else ())
        if o.get("output_type") == "stream"
    )
    found = re.search(re.escape(start) + "(.*?)" + re.escape(end), text, re.S)
    try:
        report = json.loads(found.group(1)) if found else None
    except json.JSONDecodeError:
        return None
    return report if isinstance(report, dict) else None


def _error_words(entry: Mapping[str, Any]) -> str:
    """Return an entry's error as 'Type: message'."""
    error = entry.get("error") or {}
    return f"{error.get('type', 'Error')}: {error.get('message', '')}".strip().rstrip(":")


def _never_set(notebook: Notebook, answer: str, name: str) -> Outcome:
    """Explain a NameError: the variable does not exist after a fresh run."""
    cell = assigning_cell(notebook, name) or mentioning_cell(notebook, name)
    where = f"compute it in {cell.label}" if cell else "compute it in the step's cell"
    return Outcome(answer, "fail", f"`{name}` is never set; {where}, {_RERUN}", cell_ids(cell))


def cell_ids(cell: Cell | None) -> tuple[str, ...]:
    """Return the cell's id as Result.cells wants it."""
    return (cell.id,) if cell else ()


def _mismatch(answer: str, entry: Mapping[str, Any], cell: Cell | None) -> Outcome:
    """Explain a wrong answer without giving the reference away (unless revealed)."""
    subject = f"`{answer}`" + (f" in {cell.label}" if cell else "")
    there = "there" if cell else "where it is computed"
    if entry.get("shown") == "Ellipsis":
        message = f"{subject} is still the placeholder `...`; compute it {there}, {_RERUN}"
        return Outcome(answer, "fail", message, cell_ids(cell))
    if "reference" in entry:
        differs = f"the reference is {entry['reference']}"
    else:
        differs = "the reference answer differs"
    hint = f" ({entry['hint']})" if entry.get("hint") else ""
    message = f"{subject} is {entry.get('shown')}, but {differs}{hint}; rework it {there}, {_RERUN}"
    return Outcome(answer, "fail", message, cell_ids(cell))


def outcome(notebook: Notebook, entry: Mapping[str, Any]) -> Outcome:
    """Turn one probe entry into what the learner (or the step's author) should do."""
    answer = str(entry.get("learner", ""))
    status = entry.get("status")
    cell = assigning_cell(notebook, root_name(answer))
    if status == "match":
        return Outcome(answer, "pass", f"`{answer}` matches the reference", cell_ids(cell))
    if status == "mismatch":
        return _mismatch(answer, entry, cell)
    error = entry.get("error") or {}
    if status == "reference-error":
        message = f"the reference for `{answer}` raised {_error_words(entry)}; {_BROKEN}"
        return Outcome(answer, "error", message)
    if status == "learner-error" and error.get("type") == "NameError":
        return _never_set(notebook, answer, error.get("name") or root_name(answer) or answer)
    if status == "learner-error":
        where = cell.label if cell else "the cell that computes it"
        error_words = _error_words(entry)
        message = f"`{answer}` raised {error_words} after a fresh run; fix {where}, {_RERUN}"
        return Outcome(answer, "fail", message, cell_ids(cell))
    message = f"comparing `{answer}` with the reference raised {_error_words(entry)}; {_BROKEN}"
    return Outcome(answer, "error", message)


def _more(bad: list[Outcome]) -> str:
    """Name the other answers that are wrong too: the guide shows the message, not details."""
    if len(bad) < 2:
        return ""
    return f" (and {', '.join(f'`{o.answer}`' for o in bad[1:])} too)"


def judge(notebook: Notebook, report: Mapping[str, Any], args: Mapping[str, Any]) -> Result:
    """Return one result for the probe's report: a broken step first, then wrong answers."""
    if report.get("probe_error"):
        return errored(f"the answer probe failed ({_error_words(report['probe_error'])})")
    if report.get("setup_error"):
        error = _error_words({"error": report["setup_error"]})
        return errored(f"the step's `setup` raised {error}; {_BROKEN}")
    outcomes = [outcome(notebook, entry) for entry in report.get("answers", [])]
    details = tuple(o.to_json() for o in outcomes)
    for status in ("error", "fail"):
        bad = [o for o in outcomes if o.status == status]
        if bad:
            more = _more(bad)
            cells = tuple(dict.fromkeys(c for o in bad for c in o.cells))
            return Result(status, bad[0].message + more, cells, details)
    count = len(outcomes)
    given = f" with parameters {sorted(args['parameters'])}" if args["parameters"] else ""
    plural = "answers match" if count != 1 else "answer matches"
    return passed(f"{count} {plural} the reference in a fresh run{given}", details)


def _spec(args: Mapping[str, Any]) -> dict[str, Any]:
    """Return what the probe needs, with markers random to the run."""
    token = secrets.token_hex(8)  # learner output printed earlier cannot fake the report
    return {
        "start": f"<<pairlab-answers-{token}>>",
        "end": f"<</pairlab-answers-{token}>>",
        "setup": args["setup"],
        "expect": list(args["expect"].items()),
        "cases": [
            [name, case["reference"], list(case["grid"].items())]
            for name, case in args["cases"].items()
        ],
        "reveal": args["reveal"],
    }


def _probe_run(
    ctx: Context,
    args: Mapping[str, Any],
    kernel: str,
    upto: int | None,
    env: Mapping[str, str] | None = None,
) -> Result | dict[str, Any]:
    """Run a copy with the probe cell appended; return its report, or why there is none."""
    spec = _spec(args)
    minor = json.loads(ctx.path.read_text(encoding="utf-8")).get("nbformat_minor")
    with_id = isinstance(minor, int) and minor >= 5
    try:
        cell = probe_cell(spec, with_id)
        markers = (spec["start"], spec["end"])
        run = fresh_run(ctx, args, kernel, cell, upto, env, check="answers-match", volatile=markers)
        with run as (done, out):
            if not done.ok:
                return explain_failure(done, out, kernel, args, ctx.notebook.label)
            report = read_report(out, spec["start"], spec["end"])
    except ScratchError as exc:
        return errored(str(exc))
    if report is None:
        return errored("the run finished but the answer probe printed no report; please report it")
    return report


def _elsewhere(notebook: Notebook, first: Result, report: Result | dict[str, Any]) -> Result:
    """Judge the run on the second warehouse: an answer right only on the pair's is typed in."""
    if isinstance(report, Result):
        if report.status != "fail":
            return report
        return failed(f"{_ONLY_HERE}: on {_SECOND}, {report.message}", report.cells)
    outcomes = [outcome(notebook, entry) for entry in report.get("answers", [])]
    entries = report.get("answers", [])
    bad = [(o, e) for o, e in zip(outcomes, entries, strict=True) if o.status != "pass"]
    if not bad:
        return Result("pass", f"{first.message}, and on {_SECOND}", details=first.details)
    found, entry = bad[0]
    if entry.get("status") == "mismatch":
        cell = assigning_cell(notebook, root_name(found.answer))
        where = f" in {cell.label}" if cell else ""
        message = (
            f"`{found.answer}`{where} is right on this warehouse but stays {entry.get('shown')}"
            f" on {_SECOND}, where the answer differs: {_ONLY_HERE} from the tables (never "
            f"type in a number you read), {_RERUN}"
        )
    else:
        message = f"{_ONLY_HERE}: on {_SECOND}, {found.message}"
    more = _more([o for o, _ in bad])
    details = tuple(o.to_json() | {"warehouse": "second"} for o in outcomes)
    cells = tuple(dict.fromkeys(c for o, _ in bad for c in o.cells))
    status: Status = "error" if found.status == "error" else "fail"
    return Result(status, message + more, cells, first.details + details)


def check_answers(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Run a copy with a probe cell appended; compare each answer with its reference."""
    problem = spec_problem(args)
    if problem:
        return errored(f"{problem}; {_BROKEN}")
    kernel = kernel_name(ctx, args)
    if kernel is None:
        return errored("the notebook names no kernel; open it in JupyterLab and pick one")
    upto = None
    if args["through"]:
        end_cell = last_tagged(ctx.notebook, args["through"])
        if end_cell is None:
            return failed(
                f"no cell is tagged `{args['through']}` any more, so pairlab cannot tell where "
                "this step's part of the notebook ends; undo the deletion or re-add the tag",
            )
        upto = end_cell.index
    report = _probe_run(ctx, args, kernel, upto)
    if isinstance(report, Result):
        return report
    result = judge(ctx.notebook, report, args)
    if result.status != "pass" or not args["second_warehouse"]:
        return result
    second = _probe_run(ctx, args, kernel, upto, second_warehouse_env())
    return _elsewhere(ctx.notebook, result, second)


def _applies(ctx: Context) -> str | None:
    """Run only when a step asks, with its answers: there is nothing to compare otherwise."""
    return "answers-match runs only from a step that declares `expect`"


ANSWERS_MATCH = register(
    Check(
        id="answers-match",
        title="The answers equal the reference in a fresh run",
        func=check_answers,
        runs=True,
        python_only=True,
        applies=_applies,
        params={
            "expect": Param("table", {}, "learner expression = reference expression"),
            "setup": Param("str", "", "code run before the references, in a copy of the names"),
            "reveal": Param("bool", False, "show the reference value when an answer differs"),
            "through": Param(
                "str", "", "run only up to the last cell with this tag (the step's own cells)"
            ),
            "second_warehouse": Param(
                "bool", False, "also run on a second warehouse (another seed): no typed-in answer"
            ),
            "cases": Param(
                "table", {}, "function = {reference, grid}: compared on every case of the grid"
            ),
            **RUN_PARAMS,
        },
    )
)
