"""answers-match: a learner's answers against the reference, after a fresh run.

Four kernel runs in all, each shared by the tests that read it (module-scoped fixtures);
everything the probe and the messages do without a kernel is tested directly.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pairlab.checks import Result, Selected, load_notebook, registry, run_checks
from pairlab.checks import _probe as probe
from pairlab.checks.answers import assigning_cell, judge, mentioning_cell, root_name

pytestmark = pytest.mark.kernel  # runs notebooks in real kernels

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "answers"
SETUP = "import answer_key as key"
DUPLICATES = {"duplicate_claims": "key.duplicate_claims()"}
DEFAULTS = {"parameters": {}, "reveal": False}


def answers(path: Path, **args: Any) -> Result:
    """Run answers-match as a step asking for it would, and return its only result."""
    check = registry.get("answers-match")
    report = run_checks(path, [Selected(check, check.validate_args(args), True)])
    assert len(report.results) == 1, report.to_json()
    return report.results[0]


def detail(result: Result, answer: str) -> dict[str, Any]:
    """Return the details entry of one answer."""
    return next(d for d in result.details if d["answer"] == answer)


# --- kernel runs -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def passing(tmp_path_factory) -> tuple[Result, Path, dict[str, bytes]]:
    """Run the right notebook, with a region injected, in a copy of the fixture folder."""
    folder = tmp_path_factory.mktemp("answers") / "lesson"
    shutil.copytree(FIXTURES, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    expect = DUPLICATES | {"by_peril": "key.claims_by_peril('south')"}
    result = answers(
        folder / "pass.ipynb", expect=expect, setup=SETUP, parameters={"region": "south"}
    )
    return result, folder, before


@pytest.fixture(scope="module")
def wrong() -> Result:
    """Run the notebook whose count is wrong and whose assert is commented out."""
    expect = DUPLICATES | {"orphan_payments": "0"}
    return answers(FIXTURES / "wrong.ipynb", expect=expect, setup=SETUP)


@pytest.mark.slow
def test_right_answers_pass_with_a_frame_and_an_injected_parameter(passing):
    result, _, _ = passing
    assert result.status == "pass", result.message
    assert result.message == (
        "2 answers match the reference in a fresh run with parameters ['region']"
    )
    # by_peril is a frame with a plain index; the reference is indexed by peril: same records.
    assert detail(result, "by_peril") == {
        "answer": "by_peril",
        "status": "pass",
        "message": "`by_peril` matches the reference",
        "cells": ["c4"],
    }


@pytest.mark.slow
def test_the_learners_folder_and_file_are_left_as_they_were(passing):
    _, folder, before = passing
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


@pytest.mark.slow
def test_a_silenced_assert_no_longer_hides_a_wrong_count(wrong):
    assert wrong.status == "fail"
    assert wrong.message.startswith(
        "`duplicate_claims` in cell 2 (c2, step:find-defects) is 5, but the reference answer "
        "differs; rework it there, then restart the kernel and run all cells"
    )
    assert wrong.message.endswith("(and `orphan_payments` too)")  # said, not left to details
    assert wrong.cells == ("c2",)
    assert "the reference is" not in str(wrong.to_json())  # the answer is not given away


@pytest.mark.slow
def test_a_variable_never_set_is_named_with_the_cell_to_compute_it_in(wrong):
    assert detail(wrong, "orphan_payments")["message"] == (
        "`orphan_payments` is never set; compute it in cell 2 (c2, step:find-defects), then "
        "restart the kernel and run all cells"
    )


@pytest.mark.slow
def test_a_reference_that_raises_is_a_broken_step_and_reveal_shows_the_value():
    expect = DUPLICATES | {"duplicate_rows": "key.no_such_count()"}
    result = answers(FIXTURES / "wrong.ipynb", expect=expect, setup=SETUP, reveal=True)
    assert result.status == "error"
    assert result.message.startswith("the reference for `duplicate_rows` raised AttributeError")
    assert "the step definition is broken" in result.message
    assert "is 5, but the reference is 3;" in detail(result, "duplicate_claims")["message"]


@pytest.mark.slow
def test_a_cell_that_raises_before_the_probe_is_named():
    result = answers(FIXTURES / "raises.ipynb", expect=DUPLICATES, setup=SETUP)
    assert result.status == "fail" and result.cells == ("c2",)
    assert result.message.startswith(
        "in a fresh kernel, cell 2 (c2, step:load) raised FileNotFoundError"
    )


# --- without a kernel ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ({}, "answers-match needs `expect`"),
        ({"expect": {"x": "1 +"}}, "the reference `1 +` in `expect` is not a Python expression"),
        ({"expect": {"x y": "1"}}, "the learner expression `x y` in `expect` is not a Python"),
        ({"expect": {"x": 1}}, "the reference for `x` in `expect` must be a string"),
        ({"expect": {"x": "1"}, "setup": "import"}, "`setup` is not Python"),
    ],
)
def test_a_broken_step_definition_is_an_error_before_any_run(args, words):
    result = answers(FIXTURES / "pass.ipynb", **args)
    assert result.status == "error" and result.message.startswith(words), result.message
    assert "the step definition is broken" in result.message


def test_it_runs_only_when_a_step_asks_for_it():
    check = registry.get("answers-match")
    report = run_checks(FIXTURES / "pass.ipynb", [Selected(check, check.validate_args({}), False)])
    assert not report.results and "declares `expect`" in report.skipped[0]["reason"]


def test_root_names_and_the_cells_that_assign_them():
    notebook = load_notebook(FIXTURES / "pass.ipynb")
    assert root_name("by_peril['n'].sum()") == "by_peril"
    assert root_name("len(by_peril)") == "by_peril"
    assert root_name("1 + 1") is None
    # A comprehension's own variable is not the answer; the table it reads is.
    assert root_name("[p['name'] for p in contract['columns']]") == "contract"
    assert root_name("sorted(map(lambda row: row.n, rows))") == "rows"
    assert assigning_cell(notebook, "duplicate_claims").id == "c3"
    assert assigning_cell(notebook, "pd").id == "c2"  # an import binds a name too
    assert assigning_cell(notebook, "n") is None  # a keyword argument, not a variable
    wrong = load_notebook(FIXTURES / "wrong.ipynb")
    assert assigning_cell(wrong, "orphan_payments") is None
    assert mentioning_cell(wrong, "orphan_payments").id == "c2"  # the commented placeholder


def test_frames_series_and_numpy_become_the_same_plain_data():
    frame = pd.DataFrame({"peril": ["fire", "flood"], "n": [1, 3]})
    series = pd.Series([1, 3], index=pd.Index(["fire", "flood"], name="peril"), name="n")
    sorted_frame = frame.sort_values("n", ascending=False).sort_values("peril")
    assert probe.plain(series) == probe.plain(frame) == probe.plain(sorted_frame)
    assert probe.plain(frame.n.sum()) == 4 and type(probe.plain(frame.n.sum())) is int
    assert probe.plain({3, 1, 2}) == [1, 2, 3] and probe.plain((1, (2,))) == [1, [2]]
    assert probe.plain({1: pd.NA}) == {"1": None}


def test_floats_match_within_a_relative_millionth_and_booleans_are_not_counts():
    assert probe.same(1_000_000.0, 1_000_000.9)
    assert not probe.same(1_000_000.0, 1_000_002.0)
    assert probe.same(float("nan"), None)
    assert not probe.same(True, 1)
    assert not probe.same([1, 2], [1, 2, 3])


def test_a_hint_names_types_and_columns_never_values():
    frame = pd.DataFrame({"peril": ["fire"], "n": [7]})
    assert probe.hint(frame.rename(columns={"n": "count"}), frame) == (
        "it lacks `n`; it has `count` too"
    )
    assert probe.hint(..., 3) == "it is the placeholder `...`, the reference is a number"
    assert probe.hint(frame.n, frame) == "it is a Series, the reference is a DataFrame"
    assert probe.hint(5, 3) == ""
    assert len(probe.shown("x" * 500)) == probe.SHOWN_CHARS


def test_a_placeholder_and_a_revealed_reference_are_worded_for_the_learner():
    notebook = load_notebook(FIXTURES / "wrong.ipynb")
    entry = {"learner": "duplicate_claims", "status": "mismatch", "shown": "Ellipsis", "hint": ""}
    result = judge(notebook, {"setup_error": None, "answers": [entry]}, DEFAULTS)
    assert result.message.startswith(
        "`duplicate_claims` in cell 2 (c2, step:find-defects) is still the placeholder `...`"
    )
    shown = entry | {"shown": "'5'", "reference": "3", "hint": "it is a string, the reference is"}
    result = judge(notebook, {"setup_error": None, "answers": [shown]}, DEFAULTS)
    assert "is '5', but the reference is 3 (it is a string" in result.message


def test_a_setup_that_raises_and_a_learner_error_are_explained():
    notebook = load_notebook(FIXTURES / "wrong.ipynb")
    error = {"type": "ModuleNotFoundError", "message": "No module named 'x'", "name": None}
    result = judge(notebook, {"setup_error": error, "answers": []}, DEFAULTS)
    assert result.status == "error" and "`setup` raised ModuleNotFoundError" in result.message
    raised = {"type": "KeyError", "message": "'n'", "name": None}
    entry = {"learner": "duplicate_claims['n']", "status": "learner-error", "error": raised}
    result = judge(notebook, {"setup_error": None, "answers": [entry]}, DEFAULTS)
    assert result.status == "fail" and result.cells == ("c2",)
    assert result.message.startswith(
        "`duplicate_claims['n']` raised KeyError: 'n' after a fresh run; fix cell 2 (c2, "
    )


@pytest.mark.slow
def test_a_step_is_judged_before_the_exercises_after_it(tmp_path):
    folder = tmp_path / "lesson"
    shutil.copytree(FIXTURES, folder)
    notebook = json.loads((folder / "pass.ipynb").read_text())
    notebook["cells"].append(
        {"cell_type": "code", "execution_count": None, "id": "c9",
         "metadata": {"tags": ["step:next"]}, "outputs": [],
         "source": "raise NotImplementedError('the next exercise')"}
    )  # fmt: skip
    (folder / "pass.ipynb").write_text(json.dumps(notebook))
    path = folder / "pass.ipynb"
    judged = answers(path, expect=DUPLICATES, setup=SETUP, through="step:find-defects")
    assert judged.status == "pass", judged.message
    whole = answers(path, expect=DUPLICATES, setup=SETUP)
    assert whole.status == "fail" and "cell 5 (c9, step:next) raised" in whole.message


def test_a_deleted_step_tag_is_named_before_any_run():
    result = answers(FIXTURES / "pass.ipynb", expect=DUPLICATES, through="step:gone")
    assert result.status == "fail" and "no cell is tagged `step:gone`" in result.message
