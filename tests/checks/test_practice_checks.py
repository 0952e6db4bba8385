"""The practice checks: names-changed, uses-functions with names, pure-functions.

Fixtures are lesson 0 and lesson 4 as pairs save them (tests/checks/make_practice_fixtures.py);
edge cases are written inline.
"""

from __future__ import annotations

import json

import pytest

from pairlab.checks import registry
from pairlab.errors import BadInput

EXAMPLES = {"names": ["pair"], "examples": ["Ana (analyst)", "Eli (engineer)"]}
MEET = "cell 3 (1c4ff254, step:meet)"
CLAIMS_BY_LINE = ["claims_by_line(con, year)"]


def _write(folder, *sources, name="nb.ipynb", outputs=None):
    """Write a notebook of code cells c1, c2... holding `sources`, and return its path."""
    cells = [
        {
            "cell_type": "code",
            "id": f"c{i + 1}",
            "execution_count": i + 1,
            "metadata": {},
            "outputs": (outputs or {}).get(i, []),
            "source": source,
        }
        for i, source in enumerate(sources)
    ]
    kernel = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nb = {"cells": cells, "metadata": {"kernelspec": kernel}, "nbformat": 4, "nbformat_minor": 5}
    path = folder / name
    path.write_text(json.dumps(nb))
    return path


# names-changed


def test_names_changed_passes_the_pairs_own_names(check, fixtures):
    result = check(fixtures / "practice/welcome_pass.ipynb", "names-changed", **EXAMPLES)
    assert result.status == "pass", result.message


def test_names_changed_fails_the_shipped_example(check, fixtures):
    result = check(fixtures / "practice/welcome_example.ipynb", "names-changed", **EXAMPLES)
    assert result.status == "fail" and result.cells == ("1c4ff254",)
    assert MEET in result.message and "`pair`" in result.message
    assert "'Ana (analyst)'" in result.message and "write your own names" in result.message


def test_names_changed_fails_names_changed_but_not_run_again(check, fixtures):
    result = check(fixtures / "practice/welcome_stale.ipynb", "names-changed", **EXAMPLES)
    assert result.status == "fail" and result.cells == ("1c4ff254",)
    assert MEET in result.message and "'Ana (analyst)'" in result.message
    assert "run the cell again and save" in result.message


def test_names_changed_fails_a_name_edited_after_the_cell_ran(check, fixtures):
    # The cell ran with "Tom (engineer)"; the navigator became "Tomás (engineer)" afterwards.
    result = check(fixtures / "practice/welcome_edited.ipynb", "names-changed", **EXAMPLES)
    assert result.status == "fail" and result.cells == ("1c4ff254",)
    assert MEET in result.message and "does not show 'Tomás (engineer)'" in result.message
    assert "edited after it ran" in result.message and "run the cell again" in result.message
    assert "the cell ran with them" not in result.message


def test_names_changed_fails_a_blank_name(check, fixtures):
    result = check(fixtures / "practice/welcome_blank.ipynb", "names-changed", **EXAMPLES)
    assert result.status == "fail" and MEET in result.message
    assert "blank" in result.message and "write your names" in result.message


def test_names_changed_fails_when_no_cell_assigns_the_name(check, tmp_path):
    path = _write(tmp_path, 'team = {"driver": "Maya"}', "pair['driver'] = 'Maya'")
    result = check(path, "names-changed", **EXAMPLES)
    assert result.status == "fail" and "no code cell assigns `pair`" in result.message
    assert "`pair = ...`" in result.message


@pytest.mark.parametrize(
    "source",
    [
        'pair = {"driver": "  ana (ANALYST) ", "navigator": "Tom"}',  # case and spaces ignored
        'pair = ["Maya", ("Eli (engineer)",)]',  # nested in lists and tuples
        'first = "Maya"\npair = {"driver": f"{first}", "navigator": "Eli (engineer)"}',
        'pair = dict(driver="Ana (analyst)", navigator="Tom")',  # a call, not a literal
        "pair = {}",
        "pair = None",
    ],
)
def test_names_changed_judges_every_string_of_the_value(check, tmp_path, source):
    assert check(_write(tmp_path, source), "names-changed", **EXAMPLES).status == "fail"


def test_names_changed_judges_the_last_assignment_and_skips_broken_cells(check, tmp_path):
    path = _write(
        tmp_path,
        'pair = {"driver": "Ana (analyst)", "navigator": "Eli (engineer)"}',
        "%time x = 1\npair = {'driver': 'Maya', 'navigator': f'Tom {x}'}",
        'pair = {"driver": "Ana (analyst)",',  # does not parse: skipped
    )
    result = check(path, "names-changed", **EXAMPLES)
    assert result.status == "pass", result.message


def test_names_changed_looks_at_the_assigning_cells_output_only(check, tmp_path):
    shown = [{"output_type": "stream", "name": "stdout", "text": ["Ana (analyst) ", "drives"]}]
    path = _write(tmp_path, 'pair = {"driver": "Maya"}', "1", outputs={1: shown})
    assert check(path, "names-changed", **EXAMPLES).status == "pass"
    path = _write(tmp_path, 'pair = {"driver": "Maya"}', outputs={0: shown})
    result = check(path, "names-changed", **EXAMPLES)
    assert result.status == "fail" and "cell 1 (c1)" in result.message


# uses-functions with names


def test_uses_functions_names_pass_when_defined_and_called(check, fixtures):
    result = check(
        fixtures / "practice/functions_pass.ipynb", "uses-functions", names=CLAIMS_BY_LINE
    )
    assert result.status == "pass", result.message
    assert "`claims_by_line` called" in result.message


def test_uses_functions_names_the_function_no_cell_defines(check, fixtures):
    path = fixtures / "practice/functions_undefined.ipynb"
    result = check(path, "uses-functions", names=CLAIMS_BY_LINE)
    assert result.status == "fail"
    assert "no cell defines `claims_by_line`" in result.message
    assert "write `def claims_by_line(con, year): ...`" in result.message
    result = check(path, "uses-functions", names=["claims_by_line"])
    assert "`def claims_by_line(...): ...`" in result.message


def test_uses_functions_names_the_function_never_called(check, fixtures):
    path = fixtures / "practice/functions_uncalled.ipynb"
    result = check(path, "uses-functions", names=CLAIMS_BY_LINE)
    assert result.status == "fail" and result.cells == ("04-04",)
    assert "`claims_by_line` is defined in cell 4 (04-04, step:functions)" in result.message
    assert "never called; call it, e.g. `claims_by_line(con, year)`" in result.message
    assert check(path, "uses-functions").status == "pass"  # without names: as before


def test_uses_functions_labels_long_cells(check, fixtures):
    result = check(fixtures / "practice/functions_undefined.ipynb", "uses-functions")
    assert result.status == "fail" and result.cells == ("04-04",)
    assert "cell 4 (04-04, step:functions)" in result.message
    assert "hold more than 4 lines of top-level logic" in result.message


def test_uses_functions_a_function_calling_itself_is_not_called(check, tmp_path):
    path = _write(tmp_path, "def countdown(n):\n    return countdown(n - 1) if n else 0")
    result = check(path, "uses-functions", names=["countdown"])
    assert result.status == "fail" and "never called" in result.message
    assert "cell 1 (c1)" in result.message and "`countdown(n)`" in result.message


def test_uses_functions_names_imported_from_the_project(check, tmp_path):
    (tmp_path / "claimsfreq.py").write_text("def claims_frequency(con):\n    return 1\n")
    module = _write(tmp_path, "import claimsfreq\n\nclaimsfreq.claims_frequency(con)")
    assert check(module, "uses-functions", names=["claims_frequency"]).status == "pass"
    named = _write(tmp_path, "from claimsfreq import claims_frequency\n\nclaims_frequency(con)")
    assert check(named, "uses-functions", names=["claims_frequency"]).status == "pass"
    unused = _write(tmp_path, "from claimsfreq import claims_frequency")
    result = check(unused, "uses-functions", names=["claims_frequency"])
    assert result.status == "fail" and "is imported in cell 1 (c1)" in result.message


def test_uses_functions_a_method_of_another_object_is_not_the_function(check, tmp_path):
    path = _write(tmp_path, "def table(name):\n    return name", "con.table('claims')")
    assert check(path, "uses-functions", names=["table"]).status == "fail"


# pure-functions


def test_pure_functions_passes_the_lessons_solution(check, fixtures):
    result = check(fixtures / "practice/functions_pass.ipynb", "pure-functions")
    assert result.status == "pass", result.message
    assert result.message.startswith("4 function(s)")


def test_pure_functions_fails_a_function_reading_the_global_connection(check, fixtures):
    result = check(fixtures / "practice/pure_reads_con.ipynb", "pure-functions")
    assert result.status == "fail" and result.cells == ("04-08",)
    # It overwrote the table it was given with one fetched from `con`: the advice is to use the
    # parameter it already has, not to add `con` as another one; said once, not twice.
    assert result.message.startswith(
        "`clean_claims` (cell 8 (04-08, step:pure-functions)) reads `con`, which it did not "
        "receive, instead of using its parameter `claims`; work on the `claims` it receives"
    )
    assert "add it as a parameter" not in result.message
    assert not any("replaces its parameter" in d["message"] for d in result.details)


def test_pure_functions_fails_a_parameter_the_body_ignores(check, fixtures):
    result = check(fixtures / "practice/pure_ignores_year.ipynb", "pure-functions")
    assert result.status == "fail" and result.cells == ("04-04",)
    assert result.message == (
        "`claims_by_line` (cell 4 (04-04, step:functions)) ignores its parameter `year` "
        "(it still uses 2024?); use the parameter"
    )


def test_pure_functions_fails_a_function_reading_a_global_dataframe(check, fixtures):
    result = check(fixtures / "practice/pure_reads_df.ipynb", "pure-functions")
    assert result.status == "fail" and result.cells == ("04-10",)
    assert "`top_perils` (cell 10 (04-10, step:pure-functions)) reads `df`" in result.message
    assert "add it as a parameter" in result.message


def test_pure_functions_names_narrows_the_functions_judged(check, fixtures):
    path = fixtures / "practice/pure_reads_con.ipynb"
    assert check(path, "pure-functions", names=["with_region"]).status == "pass"
    result = check(path, "pure-functions", names=["claims_frequency"])
    assert result.status == "fail" and "no cell defines `claims_frequency`" in result.message


@pytest.mark.parametrize(
    "sources",
    [
        # builtins, an UPPER_CASE constant, an imported module, another function, IPython;
        # `top` is the name CPython < 3.13 takes for the module's (see purity._reads_global)
        (
            "import math\nLIMIT = 3\n\n\ndef half(x):\n    return x / 2",
            "def top(xs):\n    display(xs)\n    return sorted(math.floor(half(x)) for x in xs)"
            "[:LIMIT]",
        ),
        # a closure reads its enclosing function's names
        (
            "def scaled(xs, k):\n    def one(x):\n        return x * k\n"
            "    return [one(x) for x in xs]",
        ),
        # a parameter read only in a lambda or a comprehension is read
        ("def pick(rows, key):\n    return sorted(rows, key=lambda r: r[key])",),
        # decorators and annotations run when the cell runs
        (
            "import functools\nsize = 4\n\n\n@functools.lru_cache(maxsize=size)\ndef f(x: size):\n"
            "    return x",
        ),
        # self, cls, _-prefixed, *args and **kwargs need not be used; a method is not judged
        (
            "class K:\n    def m(self):\n        return con\n\n\ndef g(_unused, *args, **kw):\n"
            "    return 1",
        ),
        # a cell that does not parse is skipped; magics are blanked
        ("def broken(:\n    return con", "%load_ext autoreload\ndef ok(x):\n    return x"),
        # a function bound with lambda is a function
        ("norm = lambda s: s.strip()\n\n\ndef clean(names):\n    return [norm(n) for n in names]",),
    ],
)
def test_pure_functions_allows(check, tmp_path, sources):
    result = check(_write(tmp_path, *sources), "pure-functions")
    assert result.status == "pass", result.message


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        (
            ("threshold = 3", "def big(xs):\n    return [x for x in xs if x > threshold]"),
            "reads `threshold`",
        ),
        (("def f(xs):\n    return map(lambda x: x * rate, xs)",), "reads `rate`"),  # bound nowhere
        (
            ("def outer(x):\n    def inner():\n        return x + con.offset\n    return inner()",),
            "reads `con`",
        ),
        (
            ("total = 0\n\n\ndef add(x):\n    global total\n    total += x\n    return total",),
            "changes the notebook's `total` through `global total`; return the new value",
        ),
        (
            ("year = 2024\n\n\ndef f(con, year=year):\n    return con.table(year)",),
            "takes the default of `year` from the notebook's `year`",
        ),
        (("def f(con, year):\n    return con.table('claims')",), "ignores its parameter `year`;"),
        (("def f(xs):\n    xs = [1, 2]\n    return xs",), "replaces its parameter `xs`"),
    ],
)
def test_pure_functions_catches(check, tmp_path, sources, expected):
    result = check(_write(tmp_path, *sources), "pure-functions")
    assert result.status == "fail" and expected in result.message, result.message
    assert f"(cell {len(sources)} (c{len(sources)}))" in result.message


def test_pure_functions_judges_the_last_definition(check, tmp_path):
    path = _write(tmp_path, "def f(x):\n    return con", "def f(x):\n    return x")
    assert check(path, "pure-functions").status == "pass"


def test_pure_functions_fails_a_notebook_without_functions(check, tmp_path):
    result = check(_write(tmp_path, "x = 1"), "pure-functions")
    assert result.status == "fail" and "no code cell defines a function" in result.message


# all three


@pytest.mark.parametrize("check_id", ["names-changed", "pure-functions", "uses-functions"])
def test_practice_checks_refuse_bad_args_and_other_languages(check, fixtures, check_id):
    with pytest.raises(BadInput, match="argument 'names'"):
        registry.get(check_id).validate_args({"names": "pair"})
    assert check(fixtures / "corpus/r.ipynb", check_id).status == "error"
