"""How an answer was made: on a second warehouse, over a grid of cases, from the right function.

One kernel check (two runs: the pair's warehouse, then the second one); the rest reads code or
calls the probe directly.
"""

from __future__ import annotations

from typing import Any

import nbformat
import pytest

from pairlab.checks import Result, Selected, load_notebook, registry, run_checks
from pairlab.checks import _probe as probe
from pairlab.checks.answers import judge

GRID = [["signal", [0, 1, 1.5, 2, 3, 4]], ["threshold", [0, 1, 2, 3, 4]]]


def run(path, check_id: str, **args: Any) -> Result:
    """Run one check as a step asking for it would, and return its only result."""
    check = registry.get(check_id)
    report = run_checks(path, [Selected(check, check.validate_args(args), True)])
    return report.results[0]


def notebook(folder, *sources: str, tags: tuple[str, ...] = ()):
    """Write a python3 notebook of code cells (the first `tags` cells tagged) and return it."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    for cell, tag in zip(nb.cells, tags, strict=False):
        if tag:
            cell.metadata["tags"] = [tag]
    path = folder / "work.ipynb"
    nbformat.write(nb, path)
    return path


def rule(signal, threshold):
    if signal >= threshold:
        return "keep"
    return "iterate" if signal >= threshold / 2 else "kill"


# --- a second warehouse -----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.kernel
def test_a_typed_in_count_fails_on_the_second_warehouse_a_computed_one_passes(
    private_env, tmp_path
):
    path = notebook(
        tmp_path,
        "from pairlab.warehouse import connect, defect_counts\ncon = connect()",
        "computed = defect_counts(con)['orphan_payments']\ntyped = 9",
    )
    setup = "from pairlab.warehouse import connect, defect_counts\nREF = defect_counts(connect())"
    expect = {"computed": "REF['orphan_payments']", "typed": "REF['orphan_payments']"}
    result = run(path, "answers-match", expect=expect, setup=setup, second_warehouse=True)
    assert result.status == "fail", result.message
    assert result.message.startswith("`typed` in cell 2")
    assert "your answer matches only this warehouse: compute it" in result.message
    second = [d for d in result.details if d.get("warehouse") == "second"]
    assert {d["answer"]: d["status"] for d in second} == {"computed": "pass", "typed": "fail"}


# --- a grid of cases --------------------------------------------------------------------


def test_a_rule_right_on_every_case_matches():
    entry = probe.cases("decide", "rule", GRID, {"decide": rule}, {"rule": rule})
    assert entry == {"learner": "decide", "status": "match", "cases": 30}


def test_the_first_case_that_differs_is_named_with_how_many_differ(tmp_path):
    def floor_half(signal, threshold):
        if signal >= threshold:
            return "keep"
        return "iterate" if signal >= threshold // 2 else "kill"

    entry = probe.cases("decide", "rule", GRID, {"decide": floor_half}, {"rule": rule})
    assert entry["learner"] == "decide(0, 1)" and entry["status"] == "mismatch"
    assert entry["hint"] == "2 of 30 cases differ" and entry["reference"] == "'kill'"
    path = notebook(tmp_path, "def decide(signal, threshold):\n    return 'keep'")
    result = judge(load_notebook(path), {"answers": [entry]}, {"parameters": {}})
    assert result.status == "fail" and len(result.cells) == 1
    assert result.message.startswith("`decide(0, 1)` in cell 1")
    assert "is 'iterate', but the reference is 'kill' (2 of 30 cases differ)" in result.message


def test_a_case_that_raises_names_the_call():
    def ratio(signal, threshold):
        return "keep" if signal / threshold >= 1 else "kill"

    entry = probe.cases("decide", "rule", GRID, {"decide": ratio}, {"rule": rule})
    assert entry["learner"] == "decide(0, 0)" and entry["status"] == "learner-error"
    assert entry["error"]["type"] == "ZeroDivisionError"


def test_a_malformed_grid_is_the_step_definitions_error(tmp_path):
    path = notebook(tmp_path, "x = 1")
    result = run(path, "answers-match", cases={"decide": {"reference": "rule", "grid": {}}})
    assert result.status == "error" and "`cases.decide.grid` must be a table" in result.message


# --- built-from -------------------------------------------------------------------------

TOTAL = "def total(con, year):\n    return con.table('claims').count().execute()"
BY_LINE = "def by_line(con, year):\n    return con.table('claims')"


def test_a_value_built_from_the_named_function_passes_even_through_a_variable(tmp_path):
    path = notebook(
        tmp_path,
        BY_LINE,
        "frames = [by_line(con, y) for y in (2023, 2024)]\n"
        "by_year = {y: len(f) for y, f in zip((2023, 2024), frames)}",
    )
    result = run(path, "built-from", values={"by_year": "by_line"})
    assert result.status == "pass", result.message


def test_a_value_built_through_a_helper_that_calls_the_function_passes(tmp_path):
    helper = "def yearly(con, y):\n    return len(by_line(con, y))"
    path = notebook(tmp_path, BY_LINE, helper, "by_year = {y: yearly(con, y) for y in (1, 2)}")
    assert run(path, "built-from", values={"by_year": ["by_line"]}).status == "pass"


def test_a_value_built_another_way_fails_naming_what_it_calls(tmp_path):
    path = notebook(tmp_path, BY_LINE, TOTAL, "by_year = {y: total(con, y) for y in (1, 2)}")
    result = run(path, "built-from", values={"by_year": "by_line"})
    assert result.status == "fail" and len(result.cells) == 1
    assert "`by_year` in cell 3" in result.message
    assert "not computed with `by_line` (it calls `total` instead)" in result.message


def test_a_value_typed_in_fails_and_an_item_set_later_is_not_a_new_value(tmp_path):
    typed = notebook(tmp_path, BY_LINE, "by_year = {2023: 38}")
    assert run(typed, "built-from", values={"by_year": "by_line"}).status == "fail"
    later = notebook(tmp_path, BY_LINE, "by_year = {1: by_line(con, 1)}\nby_year[2] = 5")
    assert run(later, "built-from", values={"by_year": "by_line"}).status == "pass"


def test_a_value_never_assigned_fails(tmp_path):
    path = notebook(tmp_path, BY_LINE)
    result = run(path, "built-from", values={"by_year": "by_line"})
    assert result.status == "fail" and "no cell assigns `by_year`" in result.message


def test_a_helper_nothing_in_the_step_calls_fails_naming_it(tmp_path):
    path = notebook(
        tmp_path,
        "def clean(t):\n    return t",
        "kept = t.distinct()",
        "clean(t)",
        tags=("step:s", "step:s", ""),
    )
    result = run(path, "built-from", used=["clean"], tag="step:s")
    assert result.status == "fail"
    assert "`clean` is defined in cell 1" in result.message
    assert "no cell tagged `step:s` calls it" in result.message
    # Called from a cell of the step (here, inside a function of the step's cells): it passes.
    path = notebook(
        tmp_path,
        "def clean(t):\n    return t",
        "def pipeline(t):\n    return clean(t)",
        tags=("step:s", "step:s"),
    )
    assert run(path, "built-from", used=["clean"], tag="step:s").status == "pass"


def test_built_from_without_values_or_used_is_the_step_definitions_error(tmp_path):
    result = run(notebook(tmp_path, "x = 1"), "built-from")
    assert result.status == "error" and "needs `values` or `used`" in result.message


def test_every_entry_of_a_value_written_out_must_call_the_function(tmp_path):
    mixed = "by_year = {1: by_line(con, 1), 2: total(con, 2)}"
    path = notebook(tmp_path, BY_LINE, TOTAL, mixed)
    result = run(path, "built-from", values={"by_year": "by_line"})
    assert result.status == "fail"
    assert "has an entry not computed with `by_line` (`total(con, 2)`)" in result.message
    typed = notebook(tmp_path, BY_LINE, "by_year = [by_line(con, 1), 38]")
    assert "(`38`)" in run(typed, "built-from", values={"by_year": "by_line"}).message
