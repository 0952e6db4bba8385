"""The cases that once turned steps green without the practice, through `pairlab check --step`.

Each was seen by a new user in a real browser: example names kept, a password and a
credential URL in lesson 1, lesson 4's exploration merely split into cells, a `clean_claims`
that reads the global connection, a vacuous test, a defect test that passes with
`clean_claims` broken. Each is planted in the executed solution, run again in a real kernel,
and must now fail its step from the command line; the solution itself passes the same steps.
"""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from mistakes import apply_edit, execute, run_order

from pairlab.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.kernel]

EXPLORATION = [
    'claims = con.table("claims")\n'
    'policies = con.table("policies").select("policy_id", "product_line")\n'
    "recent = claims.filter(claims.loss_date.year() == 2024)\n"
    'recent = recent.filter(recent.status != "declined")',
    'joined = recent.join(policies, "policy_id")\n'
    'joined = joined.mutate(month=joined.loss_date.truncate("M"))\n'
    'counts = joined.group_by("product_line", "month").agg(claims=joined.count())\n'
    'counts.order_by("product_line", "month").execute()',
]
SECRETS = (
    'warehouse_password = "Claims2024!"\n'
    'url = "postgres://maria:Claims2024!@warehouse.example.com:5432/claims"'
)
CASES = {
    "example names kept": (
        "00-welcome",
        [{"cell": "step:meet", "replace": "Maria (analyst)", "with": "Ana (analyst)"},
         {"cell": "step:meet", "replace": "Jon (engineer)", "with": "Eli (engineer)"}],
        {"welcome/meet": "names-changed"},
    ),
    "a password and a credential URL": (
        "01-explore",
        [{"cell": "step:connect", "insert_after": SECRETS}],
        dict.fromkeys(
            ["explore/connect", "explore/first-query", "explore/find-defects",
             "explore/run-in-order"],
            "no-secrets",
        ),
    ),
    "the exploration split into cells": (
        "04-functions",
        [{"cell": "step:functions", "source": EXPLORATION[0]},
         {"cell": "step:functions", "insert_after": EXPLORATION[1]}],
        {"functions/functions": "uses-functions"},
    ),
    "clean_claims reads the global connection": (
        "04-functions",
        [{"cell": "step:pure-functions", "replace": "def clean_claims(claims):\n",
          "with": 'def clean_claims(claims):\n    claims = con.table("claims")\n'}],
        {"functions/pure-functions": "pure-functions"},
    ),
    "a vacuous test": (
        "05-tests",
        [{"cell": "step:test-functions",
          "replace": '    assert result["earned"].tolist() == [31.0, 29.0]\n'
          '    assert result["exposure_years"].tolist() == pytest.approx([31 / 365, 29 / 365])',
          "with": "    assert len(result) >= 0"}],
        {"tests/test-functions": "tests-catch-mutants"},
    ),
    "a defect test that passes with clean_claims broken": (
        "05-tests",
        [{"cell": "step:catch-defect", "replace": 'assert sorted(kept["claim_id"]) == [1, 3]',
          "with": 'assert set(kept["claim_id"]) <= {1, 2, 3}'}],
        {"tests/catch-defect": "tests-catch-mutants"},
    ),
}  # fmt: skip


def check(capsys: pytest.CaptureFixture[str], notebook: Path, step: str) -> tuple[int, dict]:
    """Run `pairlab check NOTEBOOK --step STEP --json`; return the exit code and the report."""
    with pytest.raises(SystemExit) as done:
        main(["check", str(notebook), "--step", step, "--json"])
    return done.value.code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("case", CASES)
def test_the_reported_case_fails_its_step_from_the_command_line(solutions, tmp_path, capsys, case):
    stem, edits, steps = CASES[case]
    folder = tmp_path / stem
    shutil.copytree(solutions.folder / stem, folder)
    notebook = folder / f"{stem}.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    for edit in edits:
        apply_edit(nb, edit, [])
    # In a worker thread, as the corpus does: execute() closes its thread's event loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(execute, nb, folder, run_order(nb, {})).result()
    nbformat.write(nb, notebook)
    for step, check_id in steps.items():
        code, report = check(capsys, notebook, step)
        failing = {r["id"]: r["message"] for r in report["results"] if r["status"] != "pass"}
        assert code == 1 and report["verdict"] == "fail", (step, report["message"])
        assert check_id in failing, (step, failing)


@pytest.mark.parametrize(
    "step",
    sorted({step for _, _, steps in CASES.values() for step in steps} - {"explore/run-in-order"}),
)
def test_the_solution_passes_the_same_step_from_the_command_line(solutions, capsys, step):
    lesson = next(stem for stem, _, steps in CASES.values() if step in steps)
    code, report = check(capsys, solutions.folder / lesson / f"{lesson}.ipynb", step)
    assert (code, report["verdict"]) == (0, "pass"), report["message"]
