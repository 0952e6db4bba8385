"""Stage 1 on notebooks as analysts write them: the decision table, the flags, the stops."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from promote_helpers import CURRICULUM, FIXTURES

from pairlab.cli import main
from pairlab.errors import BadInput
from pairlab.promote import PromoteError, analyse
from pairlab.promote._decide import format_table
from pairlab.promote._promote import names_for
from pairlab.promote.extraction import add_keywords


def test_the_decision_table_says_what_each_cell_becomes_and_why():
    analysis = analyse(FIXTURES / "loss_ratio.ipynb")
    table = {d.cell: (d.becomes, d.why) for d in analysis.decisions}
    assert table["cell 2"][0] == "parameters of pipeline.run()"
    assert "earned_by_region, incurred_by_region, loss_ratio" in table["cell 7"][0]
    assert table["cell 5"] == ("stays in the notebook", "exploration: `result` does not need it")
    assert "chart" in table["cell 9"][1]
    assert analysis.output == "result"
    assert analysis.input_tables == ["premiums", "policies", "claims"]
    assert format_table(analysis).splitlines()[0].split() == ["cell", "becomes", "why"]


def test_messy_notebook_gets_fixes_explained_not_refused():
    analysis = analyse(FIXTURES / "messy_globals.ipynb")
    flags = "\n".join(analysis.flags)
    assert "`claims_by_peril` read the parameter `min_claims` as a global" in flags
    assert "installs duckdb: moved to the package's dependencies" in flags
    assert "%matplotlib configures the notebook only" in flags
    assert analysis.functions["claims_by_peril"].kwonly == ["min_claims"]
    # The column added in a later cell belongs to the result, so its statement is kept.
    assert analysis.output == "by_peril"
    assert "by_peril['average']" in analysis.pipeline[-1].text


@pytest.mark.parametrize(
    ("notebook", "says"),
    [
        ("out_of_order.ipynb", "cell 4 uses `threshold`, which only cell 6 below defines"),
        ("hidden_state.ipynb", "pass `claims` to `open_claims` as an argument"),
        ("shell_in_result.ipynb", "cell 3: line 1 runs `!ls`"),
        ("no_code.ipynb", "has no exportable code"),
        ("not_a_notebook.ipynb", "cannot be read as a notebook"),
    ],
)
def test_unpromotable_notebooks_stop_naming_the_cell_and_the_fix(notebook, says):
    with pytest.raises(BadInput) as caught:
        analyse(FIXTURES / notebook)
    message = str(caught.value)
    assert says in message
    assert "\n" not in message and ";" in message  # one line: the problem; the fix


def test_a_file_that_is_not_a_notebook_is_refused(tmp_path: Path):
    script = tmp_path / "analysis.py"
    script.write_text("x = 1\n")
    with pytest.raises(BadInput, match="is not a notebook file"):
        analyse(script)


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("json", "clashes with the installed Python module `json`"),
        ("pandas", "clashes with the installed Python module `pandas`"),
        ("Loss Ratio", "is not a product name"),
        ("2fast", "is not a product name"),
    ],
)
def test_a_name_that_clashes_or_is_malformed_is_refused(name, says):
    analysis = analyse(FIXTURES / "loss_ratio.ipynb")
    with pytest.raises(BadInput, match=says):
        names_for(name, analysis)


def test_lesson_eight_solution_takes_its_module_and_writes_out_the_report(tmp_path: Path):
    shutil.copy(CURRICULUM / "solutions" / "08-parameterize.ipynb", tmp_path)
    shutil.copy(CURRICULUM / "workspace" / "claimsfreq.py", tmp_path)
    analysis = analyse(tmp_path / "08-parameterize.ipynb")
    assert set(analysis.local_modules) == {"claimsfreq"}
    assert analysis.output == "report"  # the table the notebook writes to a file
    assert set(analysis.parameters) == {"region", "year"}


def test_keyword_arguments_are_added_to_calls_without_touching_the_rest():
    source = "x = f(a)  # note\ny = g(f())\n"
    assert add_keywords(source, {"f": ["k"]}) == "x = f(a, k=k)  # note\ny = g(f(k=k))\n"


def test_a_syntax_error_names_the_cell(tmp_path: Path):
    bad = tmp_path / "bad.ipynb"
    text = (FIXTURES / "hidden_state.ipynb").read_text().replace("def open_claims():", "def (:")
    bad.write_text(text)
    with pytest.raises(PromoteError, match=r"cell 3 has a syntax error on line 1"):
        analyse(bad)


def test_a_cell_tagged_export_is_always_taken(tmp_path: Path):
    text = (FIXTURES / "loss_ratio.ipynb").read_text()
    notebook = json.loads(text)
    cell = notebook["cells"][4]  # `policies = con.table(...)`: exploration the result ignores
    cell["metadata"]["tags"] = ["export"]
    path = tmp_path / "tagged.ipynb"
    path.write_text(json.dumps(notebook))
    analysis = analyse(path)
    assert any(s.text.startswith("policies = con.table") for s in analysis.pipeline)
    assert dict((d.cell, d.becomes) for d in analysis.decisions)["cell 5"].endswith("run()")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["no_code.ipynb", "--name", "looking"], "has no exportable code"),
        (["loss_ratio.ipynb", "--name", "json"], "clashes with the installed Python module"),
        (["missing.ipynb", "--name", "gone"], "does not exist"),
    ],
)
def test_the_cli_refuses_bad_input_in_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], says: str
):
    notebook = FIXTURES / args[0]
    with pytest.raises(SystemExit) as done:
        main(["promote", str(notebook), *args[1:], "--into", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert done.value.code == 2 and err.count("\n") == 1 and says in err
    assert not (tmp_path / "out").exists()
