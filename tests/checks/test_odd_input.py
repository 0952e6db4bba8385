"""Checks on odd input (issue 14): loops, no code, tracebacks, timeouts, other languages."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from pairlab import _process
from pairlab.checks import run_checks, select
from pairlab.checks.execution import RUN_PARAMS, explain_failure
from pairlab.cli import main


def notebook(path: Path, *cells: dict, language: str = "python", kernel: str = "python3") -> Path:
    """Write a notebook with `cells` (code cells from strings) and return its path."""
    raw = [
        {"cell_type": "code", "id": f"c{i}", "metadata": {}, "outputs": [],
         "execution_count": None, "source": c} if isinstance(c, str) else c
        for i, c in enumerate(cells, start=1)
    ]  # fmt: skip
    meta = {"kernelspec": {"name": kernel, "display_name": kernel, "language": language}}
    path.write_text(
        json.dumps({"cells": raw, "metadata": meta, "nbformat": 4, "nbformat_minor": 5})
    )
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    """Run `pairlab ARGS` in-process and return (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return info.value.code or 0, out, err


def test_a_symlink_loop_leads_nowhere(capsys, tmp_path):
    loop = tmp_path / "loop.ipynb"
    loop.symlink_to(loop)
    code, _, err = run(capsys, "check", str(loop))
    assert code == 2 and "is a symlink that leads nowhere" in err and "does not exist" not in err


def test_a_damaged_notebook_is_one_line_and_exit_2(capsys, tmp_path):
    (tmp_path / "nb.ipynb").write_text('{"cells": [')
    code, out, err = run(capsys, "check", str(tmp_path / "nb.ipynb"))
    assert (code, out) == (2, "") and err.count("\n") == 1 and "not valid JSON" in err


def test_an_empty_folder_is_an_error(capsys, tmp_path):
    code, _, err = run(capsys, "check", str(tmp_path), "--set", "practice")
    assert code == 2 and "holds no notebooks" in err


MARKDOWN = {"cell_type": "markdown", "id": "m1", "metadata": {}, "source": "# Only words"}


def test_runs_top_to_bottom_does_not_pass_a_notebook_without_code(tmp_path):
    path = notebook(tmp_path / "words.ipynb", MARKDOWN)
    asked = run_checks(path, select(only=["runs-top-to-bottom"])).results[0]
    assert asked.status == "fail" and "no code cells" in asked.message
    unasked = [s for s in select() if s.check.id == "runs-top-to-bottom"]
    report = run_checks(path, unasked)
    assert report.results == [] and "no code cells" in report.skipped[0]["reason"]


TRACEBACK = """\
Traceback (most recent call last):
  File "/usr/lib/python3/site-packages/papermill/execute.py", line 131, in execute_notebook
    raise_for_execution_errors(nb, output_path)
  File "/usr/lib/python3/site-packages/nbformat/reader.py", line 20, in parse_json
    nb_dict = json.loads(s, **kwargs)
nbformat.reader.NotJSONError: Notebook does not appear to be JSON: '{"cells": [{"cell_type"...'
"""


def args() -> dict:
    """Return the default run arguments."""
    return {name: param.default for name, param in RUN_PARAMS.items()}


def test_a_papermill_traceback_is_not_pasted_into_the_message(tmp_path):
    done = _process.Completed(("papermill",), 1, "", TRACEBACK)
    result = explain_failure(done, tmp_path / "missing.ipynb", "python3", args(), str)
    assert "Traceback" not in result.message and "File " not in result.message
    assert result.message.startswith("papermill could not run the notebook: nbformat.reader")


def test_an_error_value_is_cut_to_its_first_line(tmp_path):
    error = {"output_type": "error", "ename": "ValueError", "evalue": "bad\nmore\nand more",
             "traceback": ["\x1b[31mValueError\x1b[0m"]}  # fmt: skip
    cell = {"cell_type": "code", "id": "boom", "metadata": {}, "outputs": [error],
            "execution_count": 1, "source": "raise ValueError"}  # fmt: skip
    out = notebook(tmp_path / "executed.ipynb", cell)
    done = _process.Completed(("papermill",), 1, "", "PapermillExecutionError")
    result = explain_failure(done, out, "python3", args(), lambda i: f"cell ({i})")
    assert "raised ValueError: bad;" in result.message and "more" not in result.message


def test_a_cell_timeout_names_the_cell(tmp_path):
    timing = {"execution": {"iopub.execute_input": "2026-01-01T00:00:00Z"}}
    first = {"cell_type": "code", "id": "quick", "metadata": timing, "outputs": [],
             "execution_count": 1, "source": "x = 1"}  # fmt: skip
    spin = first | {"id": "spin", "source": "while True:\n    pass"}
    out = notebook(tmp_path / "executed.ipynb", first, spin, "print('never')")
    done = _process.Completed(("papermill",), 1, "", "nbclient.exceptions.CellTimeoutError")
    result = explain_failure(done, out, "python3", args(), lambda i: f"cell ({i})")
    assert result.message.startswith("cell (spin) ran longer than 120 s") and result.cells == (
        "spin",
    )


@pytest.mark.slow
def test_an_endless_loop_is_named_by_a_real_run(tmp_path):
    path = notebook(tmp_path / "loop.ipynb", "x = 1", "while True:\n    pass")
    from pairlab.checks import Selected, registry

    check = registry.get("runs-top-to-bottom")
    chosen = Selected(check, check.validate_args({"cell_timeout": 2}), True)
    result = run_checks(path, [chosen]).results[0]
    assert result.status == "fail" and "cell 2 (c2) ran longer than 2 s" in result.message


@pytest.mark.parametrize(
    ("language", "kernel", "fix"),
    [
        ("R", "ir", "--set-formats ipynb,R:percent"),
        ("bash", "bash", "--set-formats ipynb,sh:percent"),
        ("C++17", "xcpp17", "--set-formats ipynb,cpp:percent"),
        ("brainfuck", "bf", "has no script format"),
        ("C#", "csharp", "--set-formats ipynb,cs:percent"),
        ("python", "python3", "--set-formats ipynb,py:percent"),
    ],
)
def test_paired_tells_each_language_its_own_quoted_command(tmp_path, language, kernel, fix):
    path = notebook(tmp_path / "my notebook.ipynb", "x = 1", language=language, kernel=kernel)
    result = run_checks(path, select(only=["paired"])).results[0]
    assert result.status == "fail" and fix in result.message
    if "percent" in fix:
        assert f"{fix} {shlex.quote(path.name)}`" in result.message


def test_a_pre_4_5_notebook_keeps_its_cell_references_through_a_run(tmp_path):
    old = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                      "source": s} for s in ("x = 1", "1 / 0")],
           "metadata": {}, "nbformat": 4, "nbformat_minor": 4}  # fmt: skip
    (tmp_path / "old.ipynb").write_text(json.dumps(old))  # the copy fresh_run runs
    injected = {"cell_type": "code", "id": "a1b2", "metadata": {"tags": ["injected-parameters"]},
                "outputs": [], "execution_count": 1, "source": "year = 2024"}  # fmt: skip
    error = {"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero",
             "traceback": []}  # fmt: skip
    upgraded = [
        {"cell_type": "code", "id": f"random-{i}", "metadata": {}, "outputs": outputs,
         "execution_count": i, "source": s}
        for i, (s, outputs) in enumerate([("x = 1", []), ("1 / 0", [error])], start=1)
    ]  # fmt: skip
    banner = {"cell_type": "markdown", "id": "f00d", "source": "An Exception was encountered",
              "metadata": {"tags": ["papermill-error-cell-tag"]}}  # fmt: skip
    out = notebook(tmp_path / "executed.ipynb", banner, injected, *upgraded)
    done = _process.Completed(("papermill",), 1, "", "PapermillExecutionError")
    result = explain_failure(done, out, "python3", args(), lambda i: f"cell ({i})")
    assert (
        result.cells == ("cell-2",) and "cell (cell-2) raised ZeroDivisionError" in result.message
    )


@pytest.mark.slow
def test_a_pre_4_5_notebook_run_names_its_cell_by_position(tmp_path):
    old = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                      "source": s} for s in ("x = 1", "1 / 0")],
           "metadata": {"kernelspec": {"name": "python3", "display_name": "P",
                                       "language": "python"}},
           "nbformat": 4, "nbformat_minor": 4}  # fmt: skip
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(old))
    result = run_checks(path, select(only=["runs-top-to-bottom"])).results[0]
    assert (
        result.cells == ("cell-2",) and "cell 2 (cell-2) raised ZeroDivisionError" in result.message
    )
