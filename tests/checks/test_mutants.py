"""tests-catch-mutants: real asserts pass on the module and fail on each planted mutant."""

from __future__ import annotations

import ast
import json
import shutil
import textwrap
from pathlib import Path

import pytest

import pairlab.checks.mutants  # noqa: F401 - registers the check
from pairlab.checks._mutant import mutant_source, parse_mutants
from pairlab.checks.mutants import scan_tests, validate_mutants
from pairlab.errors import BadInput

CURRICULUM = Path(__file__).resolve().parents[2] / "curriculum"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "mutants"
CHECK = "tests-catch-mutants"
MUTANTS = {
    "clean returns its input": {
        "function": "clean",
        "body": "return claims",
        "hint": "a claim keyed twice is kept",
    },
    "exposure off by one": {"function": "exposure_years", "old": "/ 365.0", "new": "/ 366.0"},
}
LESSON_MUTANTS = {
    "clean_claims returns its input": {
        "function": "clean_claims",
        "body": "return claims",
        "hint": "duplicates are kept",
    },
    "with_region drops nulls": {
        "function": "with_region",
        "body": "return policies.filter(policies.region.notnull())",
        "hint": "a policy without region is dropped",
    },
    "exposure off by one": {"function": "monthly_exposure", "old": "/ 365.0", "new": "/ 366.0"},
}
LESSON_TESTS = ["tests/test_claimsfreq.py", "tests/test_defects.py"]


def staged(tmp_path: Path, name: str) -> Path:
    """Copy fixture project `name` with the module and settings every project shares."""
    source = FIXTURES / name
    dest = tmp_path / name
    shutil.copytree(source, dest)
    for shared in ("claims.py", "pyproject.toml"):
        shutil.copy(FIXTURES / shared, dest / shared)
    return dest


def run(check, project: Path, mutants=None, **args):
    """Run the check on a fixture project of tests/checks/fixtures/mutants."""
    return check(project, CHECK, module="claims", mutants=mutants or MUTANTS, **args)


def by_mutant(result) -> dict[str, dict]:
    """Return the result's per-mutant details by mutant name."""
    return {d["mutant"]: d for d in result.details if "mutant" in d}


# --- End to end on fixture projects -------------------------------------------------------------


@pytest.mark.slow  # runs pytest in a subprocess: seconds, not milliseconds
def test_good_tests_kill_every_mutant(check, fixtures, tmp_path):
    project = staged(tmp_path, "good")
    result = run(check, project, paths=["tests/test_claims.py"])
    assert result.status == "pass", result.message
    assert result.message == "2 test(s) pass and catch all 2 planted mutants"
    killed = by_mutant(result)
    # The test imports `from claims import clean` and still meets the mutant.
    assert killed["clean returns its input"]["by"] == [
        "tests/test_claims.py::test_clean_keeps_the_first_claim_of_a_pair"
    ]
    # An off-by-one in a float is caught by pytest.approx's tolerance.
    assert killed["exposure off by one"]["by"] == [
        "tests/test_claims.py::test_a_year_of_days_is_one_year"
    ]
    assert "== 1.0 ± 1.0e-06" in killed["exposure off by one"]["message"]
    assert not (project / ".pytest_cache").exists() and not list(project.rglob("__pycache__"))


@pytest.mark.slow  # runs pytest in a subprocess: seconds, not milliseconds
def test_a_vacuous_test_beside_good_ones_is_named_but_passes(check, fixtures, tmp_path):
    result = run(check, staged(tmp_path, "good"))  # tests/: test_claims.py and test_smoke.py
    assert result.status == "pass", result.message
    assert "catch all 2 planted mutants" in result.message
    assert "test_clean_runs only asserts what is always true" in result.message
    assert {"test": "tests/test_smoke.py::test_clean_runs"} | {
        "vacuous": "only asserts what is always true (`assert len(result) >= 0`)"
    } in result.details


@pytest.mark.slow  # runs pytest in a subprocess: seconds, not milliseconds
def test_mutants_are_caught_through_the_modules_internal_calls(check, fixtures, tmp_path):
    result = run(check, staged(tmp_path, "through_frequency"))
    assert result.status == "pass", result.message
    assert all(d["killed"] for d in by_mutant(result).values())


def test_vacuous_and_assertless_tests_fail_before_any_run(check, fixtures, tmp_path):
    result = run(check, staged(tmp_path, "vacuous"), paths=["tests/test_claims.py"])
    assert result.status == "fail"
    assert "test_clean_runs has no assert" in result.message
    assert "test_clean_returns_claims only asserts what is always true" in result.message
    assert "`assert len(result) >= 0`" in result.message
    assert "assert on the value your function returns" in result.message


@pytest.mark.slow  # runs pytest in a subprocess: seconds, not milliseconds
def test_a_mutant_of_an_untested_function_survives(check, fixtures, tmp_path):
    result = run(check, staged(tmp_path, "one_function"))
    assert result.status == "fail"
    assert result.message == (
        "the tests pass with `exposure_years` broken (exposure off by one): add a test whose "
        "assert fails when `exposure_years` is broken this way"
    )
    outcomes = by_mutant(result)
    assert outcomes["clean returns its input"]["killed"]
    assert not outcomes["exposure off by one"]["killed"]


@pytest.mark.slow  # runs pytest in a subprocess: seconds, not milliseconds
def test_tests_failing_on_the_real_module_fail_like_tests_pass(check, fixtures, tmp_path):
    result = run(check, staged(tmp_path, "failing"))
    assert result.status == "fail"
    assert result.message.startswith("1 of 1 test(s) fail: test_clean_keeps_both_claims (")
    assert result.message.endswith("; run `pytest` to see why")


@pytest.mark.slow  # runs pytest in a subprocess: seconds, not milliseconds
def test_a_conftest_importing_the_function_meets_the_mutant(check, fixtures, tmp_path):
    tmp_path = staged(tmp_path, "good")
    (tmp_path / "tests/test_smoke.py").unlink()
    (tmp_path / "tests/conftest.py").write_text(
        "import pytest\nfrom claims import clean\n\n\n@pytest.fixture\ndef cleaner():\n"
        "    return clean\n"
    )
    (tmp_path / "tests/test_claims.py").write_text(
        "def test_a_pair_is_kept_once(cleaner):\n"
        "    pair = [{'claim_id': 1, 'policy_id': 1, 'loss_date': 1, 'incurred': 1.0}] * 2\n"
        "    assert len(cleaner(pair)) == 1\n"
    )
    mutants = {"clean returns its input": MUTANTS["clean returns its input"]}
    result = run(check, tmp_path, mutants=mutants)
    assert result.status == "pass", result.message
    assert result.message == "1 test(s) pass and catch the planted mutant"


@pytest.mark.slow  # runs pytest in a subprocess: seconds, not milliseconds
def test_a_mutant_that_raises_when_defined_is_an_error(check, fixtures, tmp_path):
    line = "def exposure_years(earned_days):"
    mutant = {"function": "exposure_years", "old": line, "new": line.replace(")", "=1 / 0)")}
    result = run(check, staged(tmp_path, "good"), mutants={"divides by zero": mutant})
    assert result.status == "error"
    assert "mutant 'divides by zero' could not be planted" in result.message
    assert "ZeroDivisionError" in result.message


def test_a_missing_test_file_fails(check, fixtures, tmp_path):
    result = run(check, staged(tmp_path, "good"), paths=["tests/test_nothing.py"])
    assert result.status == "fail" and "there is no tests/test_nothing.py" in result.message


# --- Malformed declarations: an error result, never a traceback, before any run -----------------


@pytest.mark.parametrize(
    ("mutant", "expected"),
    [
        ({"function": "clean_claims", "body": "return claims"}, "no function `clean_claims`"),
        ({"function": "exposure_years", "old": "/ 364.0", "new": "/ 1"}, "'/ 364.0' is not in"),
        ({"function": "clean", "body": "return ("}, "`body` is not Python"),
        ({"function": "clean", "body": "nonlocal claims"}, "does not compile"),
        ({"function": "exposure_years", "old": "/ 365.0", "new": "/ (365"}, "does not compile"),
        ({"function": "clean"}, "either `body` or both `old` and `new`"),
        ({"function": "clean", "body": "return []", "old": "x", "new": "y"}, "either `body`"),
        ({"function": "clean", "old": "x"}, "either `body` or both"),
        ({"body": "return claims"}, "needs `function`"),
        ({"function": "clean", "body": "return []", "why": "x"}, "has no field `why`"),
        ({"function": "clean", "body": 3}, "`body` must be a non-empty string"),
        ("return claims", "must be a table"),
    ],
)
def test_a_malformed_mutant_is_an_error_naming_it(check, fixtures, mutant, expected, tmp_path):
    result = run(check, staged(tmp_path, "good"), mutants={"broken": mutant})
    assert result.status == "error"
    assert "mutant 'broken'" in result.message and expected in result.message


def test_no_mutants_or_an_unknown_module_is_an_error(check, fixtures, tmp_path):
    project = staged(tmp_path, "good")
    assert "at least one mutant" in check(project, CHECK, module="claims").message
    result = check(project, CHECK, module="claimz", mutants=MUTANTS)
    assert result.status == "error" and "no module `claimz`" in result.message


def test_validate_mutants_is_what_the_lesson_loader_calls():
    validate_mutants(MUTANTS)
    validate_mutants(LESSON_MUTANTS)
    with pytest.raises(BadInput, match="mutant 'x' must give either"):
        validate_mutants({"x": {"function": "f"}})
    with pytest.raises(BadInput, match="at least one mutant"):
        validate_mutants({})


def test_the_check_never_runs_unasked(check, fixtures, tmp_path):
    from pairlab.checks import run_checks, select

    report = run_checks(staged(tmp_path, "good"), [s for s in select() if s.check.id == CHECK])
    assert report.results == [] and report.skipped[0]["id"] == CHECK


# --- The mutated source --------------------------------------------------------------------------

SOURCE = '''\
import functools


@functools.lru_cache
def twice(x: int) -> int:
    """Return x doubled."""
    return 2 * x


def one_liner(x): return x + 1


def héllo(name="é"): return name
'''


def mutate(**mutant) -> str:
    """Return the mutated source of the one mutant `mutant`."""
    (parsed,) = parse_mutants({"m": mutant})
    return mutant_source(SOURCE, ast.parse(SOURCE), parsed, "<m>")


def test_a_new_body_keeps_decorators_and_signature_on_the_real_lines():
    text = mutate(function="twice", body="return x")
    assert text.splitlines()[3:] == [
        "@functools.lru_cache",
        "def twice(x: int) -> int:",
        "    return x",
    ]
    assert mutate(function="one_liner", body="return x").splitlines()[9:] == [
        "def one_liner(x):",
        "    return x",
    ]
    assert mutate(function="héllo", body="return ''").splitlines()[-2] == 'def héllo(name="é"):'


def test_old_and_new_replace_text_inside_the_function_only():
    text = mutate(function="twice", old="2 * x", new="3 * x")
    assert "    return 3 * x" in text and "one_liner" not in text


# --- What counts as an assertion -----------------------------------------------------------------


def scan_snippet(tmp_path: Path, body: str):
    """Scan a test file whose one test holds `body`, beside helpers that assert."""
    helpers = "def check(v):\n    assert v == 1\n\n\ndef check_twice(v):\n    check(v)\n\n\n"
    test = f"def test_it(x=1, y=1, m=None):\n{textwrap.indent(body, '    ')}\n"
    (tmp_path / "test_x.py").write_text(helpers + test)
    return scan_tests(tmp_path, [tmp_path / "test_x.py"])


@pytest.mark.parametrize(
    "body",
    [
        "f(x)",
        "assert True",
        "assert 1",
        "assert x == x",
        "assert len(x) >= 0",
        "assert 0 <= len(x)",
        "assert len(x) > -1",
        "assert x.shape[0] >= 0",
        "assert (x == 1, 'x is one')",
        "assert x == 1 or True",
        "assert not None",
        "assert len(x) >= 0 and x is x",
    ],
)
def test_a_test_that_cannot_fail_does_not_count(tmp_path, body):
    scan = scan_snippet(tmp_path, body)
    assert scan.counting == [] and [t for t, _ in scan.vacuous] == ["test_x.py::test_it"]


@pytest.mark.parametrize(
    "body",
    [
        "assert x == 1",
        "assert len(x) == 2",
        "assert len(x) >= 1",
        "assert x == pytest.approx(1.0)",
        "with pytest.raises(ValueError):\n    f(x)",
        "if x != 1:\n    pytest.fail('x is not one')",
        "pd.testing.assert_frame_equal(x, y)",
        "np.testing.assert_allclose(x, 1)",
        "m.assert_called_once_with(1)",
        "check(x)",
        "check_twice(x)",
    ],
)
def test_a_test_that_can_fail_counts(tmp_path, body):
    assert scan_snippet(tmp_path, body).counting == ["test_x.py::test_it"]


def test_methods_of_test_classes_are_tests(tmp_path):
    (tmp_path / "test_x.py").write_text("class TestX:\n    def test_a(self):\n        assert 1\n")
    scan = scan_tests(tmp_path, [tmp_path])
    assert scan.vacuous == [
        ("test_x.py::TestX::test_a", "only asserts what is always true (`assert 1`)")
    ]


# --- The real lesson 5 ----------------------------------------------------------------------------


REAL_ASSERT = 'assert sorted(kept["claim_id"]) == [1, 3]'


def run_lesson(check, workspace: Path):
    """Run the check as lesson 5's catch-defect step would declare it."""
    return check(workspace, CHECK, paths=LESSON_TESTS, module="claimsfreq", mutants=LESSON_MUTANTS)


@pytest.fixture
def lesson5(tmp_path) -> Path:
    """Return a workspace holding claimsfreq.py and the tests lesson 5's solution writes."""
    shutil.copy(CURRICULUM / "workspace" / "claimsfreq.py", tmp_path)
    shutil.copy(CURRICULUM / "workspace" / "pyproject.toml", tmp_path)
    notebook = json.loads((CURRICULUM / "solutions/05-tests.ipynb").read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        first, _, rest = source.partition("\n")
        if first.startswith("%%writefile"):
            target = tmp_path / first.split()[1]
            target.parent.mkdir(exist_ok=True)
            target.write_text(rest, encoding="utf-8")
    assert sorted(p.name for p in (tmp_path / "tests").iterdir()) == [
        "test_claimsfreq.py",
        "test_defects.py",
    ]
    return tmp_path


@pytest.mark.slow  # runs pytest in a subprocess: seconds, not milliseconds
def test_the_lesson_5_solution_catches_the_planted_defects(check, lesson5):
    result = run_lesson(check, lesson5)
    assert result.status == "pass", result.message
    assert result.message == "4 test(s) pass and catch all 3 planted mutants"


@pytest.mark.slow  # runs pytest in a subprocess: seconds, not milliseconds
def test_a_vacuous_defect_test_lets_clean_claims_be_broken(check, lesson5):
    defects = lesson5 / "tests/test_defects.py"
    text = defects.read_text(encoding="utf-8")
    assert REAL_ASSERT in text
    defects.write_text(text.replace(REAL_ASSERT, "assert len(kept) >= 0"), encoding="utf-8")
    result = run_lesson(check, lesson5)
    assert result.status == "fail"
    assert result.message.startswith(
        "the tests pass with `clean_claims` broken (clean_claims returns its input): "
        "add a test whose assert fails when duplicates are kept; also "
        "test_clean_claims_drops_a_claim_keyed_twice only asserts what is always true"
    )
    outcomes = by_mutant(result)
    assert [n for n, d in outcomes.items() if not d["killed"]] == ["clean_claims returns its input"]


@pytest.mark.slow  # runs pytest in a subprocess: seconds, not milliseconds
def test_a_test_edited_in_its_cell_but_not_run_again_says_run_the_cell(check, tmp_path):
    project = staged(tmp_path, "good")
    written = (project / "tests/test_claims.py").read_text()
    edited = written + "\ndef test_more():\n    assert 1\n"  # edited in the cell, not re-run
    cell = {
        "cell_type": "code", "execution_count": 3, "id": "w1", "metadata": {}, "outputs": [],
        "source": "%%writefile tests/test_claims.py\n" + edited,
    }  # fmt: skip
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (project / "05-tests.ipynb").write_text(json.dumps(notebook))
    result = run(check, project / "05-tests.ipynb", paths=["tests/test_claims.py"])
    assert result.status == "fail" and result.cells == ("w1",)
    assert result.message.startswith("cell 1 (w1) writes tests/test_claims.py, but the file")
    assert "run that cell again" in result.message
    # Once the cell has run (the file is what it says), the tests are judged as usual.
    (project / "tests/test_claims.py").write_text(cell["source"].partition("\n")[2])
    assert run(check, project / "05-tests.ipynb", paths=["tests/test_claims.py"]).status == "pass"


# --- What keeps tests from seeing a mutant, said first ------------------------------------------


@pytest.mark.parametrize(
    ("imports", "blind"),
    [
        ("import claimsfreq", False),
        ("from claimsfreq import clean_claims", False),
        ("import claimsfreq.sub as s", False),
        ("import importlib\nm = importlib.import_module('claimsfreq')", False),
        ("import pandas as pd", True),
        ("from claimsfreq_copy import clean_claims", True),
    ],
)
def test_a_test_file_that_never_imports_the_module_is_named(tmp_path, imports, blind):
    (tmp_path / "test_x.py").write_text(f"{imports}\n\n\ndef test_it():\n    assert 1 + 1 == 2\n")
    scan = scan_tests(tmp_path, [tmp_path / "test_x.py"], "claimsfreq")
    assert scan.blind == (["test_x.py"] if blind else [])


def test_skipped_tests_and_blind_files_come_before_the_survivors():
    from pairlab.checks import Result
    from pairlab.checks.mutants import Scan, _blind_spots

    baseline = Result(
        "pass",
        "ok",
        details=(
            {"test": "tests/test_d.py::test_drops_a_copy", "outcome": "skipped"},
            {"test": "tests/test_d.py::test_other", "outcome": "passed"},
        ),
    )
    said = _blind_spots(Scan(blind=["tests/test_e.py"], module="claimsfreq"), baseline)
    assert said.startswith("`test_drops_a_copy` is skipped, so it never runs")
    assert "tests/test_e.py never imports `claimsfreq`" in said
