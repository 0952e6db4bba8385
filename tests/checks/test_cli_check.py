"""`pairlab check` as a learner meets it: exit codes, --json, --step, --only, bad input."""

from __future__ import annotations

import json
import shutil

import pytest

from pairlab.cli import main

STATIC = "in-order,lint-clean,has-parameters,paired,uses-functions,no-secrets,no-absolute-paths"


def run(capsys, *args: str) -> tuple[int, str, str]:
    """Run `pairlab ARGS` in-process and return (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return info.value.code or 0, out, err


def test_all_pass_exits_0(capsys, fixtures):
    code, out, _ = run(capsys, "check", str(fixtures / "lint/pass.ipynb"), "--only", "lint-clean")
    assert code == 0 and "PASS" in out and "1 passed, 0 failed" in out


def test_any_fail_exits_1_and_names_the_cell(capsys, fixtures):
    code, out, _ = run(capsys, "check", str(fixtures / "lint/fail.ipynb"), "--only", "lint-clean")
    assert code == 1 and "FAIL" in out and "c2" in out


def test_json_has_the_documented_shape(capsys, fixtures):
    path = str(fixtures / "in_order/fail.ipynb")
    code, out, _ = run(capsys, "check", path, "--only", "in-order,no-secrets", "--json")
    body = json.loads(out)
    assert code == 1 and body["path"] == path
    first = body["results"][0]
    assert set(first) >= {"id", "status", "message", "cells"}
    assert [(r["id"], r["status"]) for r in body["results"]] == [
        ("in-order", "fail"),
        ("no-secrets", "pass"),
    ]


@pytest.fixture
def met(fixtures, tmp_path):
    """Return lesson 0 as a pair leaves `meet` done: their own names, both cells run in order."""
    nb = json.loads((fixtures / "in_order/pass.ipynb").read_text())
    nb["cells"][1]["source"] = 'pair = {"driver": "Maria (analyst)", "navigator": "Jon (engineer)"}'
    path = tmp_path / "00-welcome.ipynb"
    path.write_text(json.dumps(nb))
    return path


def test_step_runs_the_curriculum_declaration(capsys, met):
    from pairlab.lessons import get_step

    declared = [c.id for c in get_step("welcome/meet")[1].checks]
    code, out, _ = run(capsys, "check", str(met), "--step", "welcome/meet", "--json")
    body = json.loads(out)
    assert code == 0 and [r["id"] for r in body["results"]] == declared
    assert body["verdict"] == "pass" and body["step"] == "welcome/meet"


def test_a_step_left_undone_fails_with_its_verdict(capsys, fixtures):
    path = str(fixtures / "in_order/pass.ipynb")  # ran in order, but no names written
    code, out, _ = run(capsys, "check", path, "--step", "welcome/meet")
    assert code == 1 and out.rstrip().endswith("step welcome/meet: FAIL")


def test_an_empty_folder_is_an_error_not_a_pass(capsys, tmp_path):
    (tmp_path / "empty").mkdir()
    code, out, err = run(capsys, "check", str(tmp_path / "empty"), "--only", "in-order", "--json")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "holds no notebooks" in err


def test_the_practice_set_is_declared_once_in_the_library(capsys, fixtures):
    from pairlab.checks import CHECK_SETS

    path = str(fixtures / "secrets/fail.ipynb")
    code, out, _ = run(capsys, "check", path, "--set", "practice", "--json")
    ran = [r["id"] for r in json.loads(out)["results"]]
    assert code == 1 and ran == list(CHECK_SETS["practice"])


def test_step_and_only_narrow_together(capsys, met):
    path = str(met)
    code, out, _ = run(
        capsys, "check", path, "--step", "welcome/run-in-order", "--only", "in-order"
    )
    # The step asks for consecutive counts; the fixture's are 1, 2.
    assert code == 0 and "in-order" in out and "runs-top-to-bottom" not in out


def test_a_folder_check_skips_what_ci_wrote_into_build(capsys, fixtures, tmp_path):
    shutil.copytree(fixtures / "in_order", tmp_path / "product")
    (tmp_path / "product/build/notebooks").mkdir(parents=True)
    shutil.copy(fixtures / "in_order/fail.ipynb", tmp_path / "product/build/notebooks/run.ipynb")
    code, out, _ = run(capsys, "check", str(tmp_path / "product"), "--only", "in-order", "--json")
    notebooks = {r["notebook"] for r in json.loads(out)["results"]}
    assert code == 1 and notebooks == {"fail.ipynb", "pass.ipynb"}


def test_folder_checks_every_notebook(capsys, fixtures):
    code, out, _ = run(capsys, "check", str(fixtures / "in_order"), "--only", "in-order", "--json")
    results = json.loads(out)["results"]
    assert code == 1
    assert {(r["notebook"], r["status"]) for r in results} == {
        ("fail.ipynb", "fail"),
        ("pass.ipynb", "pass"),
    }


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["/no/such/notebook.ipynb"], "does not exist"),
        (["{fixtures}/pyproject.toml"], "is not a notebook"),
        (["{fixtures}/lint/pass.ipynb", "--only", "no-such-check"], "no check 'no-such-check'"),
        (["{fixtures}/lint/pass.ipynb", "--only", "in-order,,paired"], "empty check id"),
        (["{fixtures}/lint/pass.ipynb", "--step", "welcome"], "not LESSON/STEP"),
        (["{fixtures}/lint/pass.ipynb", "--step", "nope/meet"], "no lesson 'nope'"),
        (["{fixtures}/lint/pass.ipynb", "--step", "welcome/nope"], "no step 'nope'"),
        (["{fixtures}/lint/pass.ipynb", "--step", "welcome/meet", "--only", "paired"], "not part"),
        (["{fixtures}/lint/pass.ipynb", "--set", "all"], "no check set 'all'"),
        (["{fixtures}/lint/pass.ipynb", "--set", "practice", "--only", "paired"], "goes alone"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, fixtures, args, words):
    code, out, err = run(capsys, "check", *(a.format(fixtures=fixtures) for a in args))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("pairlab: error: ") and words in err


def test_static_checks_on_a_notebook_pass_fail_or_error_never_crash(capsys, fixtures):
    code, out, _ = run(capsys, "check", str(fixtures / "paired/pass.ipynb"), "--only", STATIC)
    assert code == 1  # not tagged, not run in order...: real findings, each with a message
    assert "ERROR" not in out


def test_a_step_on_a_folder_checks_the_lesson_notebook(capsys, fixtures, met):
    (met.parent / "other.ipynb").write_bytes((fixtures / "in_order/fail.ipynb").read_bytes())
    code, out, _ = run(capsys, "check", str(met.parent), "--step", "welcome/meet", "--json")
    body = json.loads(out)
    assert code == 0 and body["path"].endswith("00-welcome.ipynb")
    assert {r.get("notebook") for r in body["results"]} == {None}
