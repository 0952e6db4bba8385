"""Stage 1's data rule, the pair's tests, the one table detector, and a product born in git."""

from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path

import pytest

from pairlab.catalog.tables import tables_in_cells
from pairlab.cli import main
from pairlab.errors import one_line
from pairlab.promote import PromoteError, analyse
from pairlab.promote._clean import FALLBACK_EMAIL, first_commit, ignore_outputs
from pairlab.promote._data import MAX_DATA_BYTES, literal, path_calls, rewrite_paths
from pairlab.promote._pairtests import rewrite

CORPUS = Path(__file__).resolve().parent / "corpus"


def write_notebook(folder: Path, *sources: str, name: str = "nb.ipynb") -> Path:
    """Write a notebook of code cells into `folder`."""
    cells = [
        {"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {},
         "outputs": [], "source": source}
        for i, source in enumerate(sources)
    ]  # fmt: skip
    doc = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "language": "python"},
           "language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(doc))
    return path


def test_promotion_and_the_catalog_read_the_same_tables_from_the_same_cells(tmp_path: Path):
    cells = [
        "from pairlab.warehouse import connect",
        "def claims_of(con):\n    return con.table('Claims')",
        "def joined(con):\n"
        '    return con.sql(\'SELECT * FROM "main"."Policies" p \'\n'
        "                   'JOIN warehouse.PREMIUMS m USING (policy_id)')",
        "con = connect()\nresult = joined(con).join(claims_of(con), 'policy_id').execute()",
    ]
    analysis = analyse(write_notebook(tmp_path, *cells))
    assert sorted(analysis.input_tables) == tables_in_cells(cells)
    assert tables_in_cells(cells) == ["claims", "policies", "premiums"]


def test_a_local_file_becomes_a_keyword_and_package_data(tmp_path: Path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data/rates.csv").write_text("region,rate\nEast,1\n")
    notebook = write_notebook(
        tmp_path,
        "import pandas as pd",
        "def load():\n    return pd.read_csv('data/rates.csv')",
        "rates = load()",
    )
    analysis = analyse(notebook)
    assert analysis.data_params == {"rates_path": "'data/rates.csv'"}
    assert analysis.functions["load"].data == ["rates_path"]
    assert "`rates_path` is a keyword of load (default 'data/rates.csv')" in analysis.changes[0]


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("pd.read_csv('data/a.csv')", [("data/a.csv", "read")]),
        ("pd.read_parquet(path='a.parquet')", [("a.parquet", "read")]),
        ("pq.read_table('a.parquet')", [("a.parquet", "read")]),
        ("duckdb.read_csv('a.csv')", [("a.csv", "read")]),
        ("con.read_parquet('a.parquet')", [("a.parquet", "read")]),
        ("open('notes.txt').read()", [("notes.txt", "read")]),
        ("open('out.txt', 'w')", [("out.txt", "write")]),
        ("Path('notes.txt').read_text()", [("notes.txt", "read")]),
        ("pd.read_csv(f'data/{year}.csv')", [("data/{year}.csv", "read")]),
        ("df.to_csv('out/x.csv')", [("out/x.csv", "write")]),
        ("plt.savefig('chart.png')", [("chart.png", "write")]),
        ("Path('reports').mkdir(exist_ok=True)", [("reports", "write")]),
        ("os.makedirs(f'out/{year}', exist_ok=True)", [("out/{year}", "write")]),
        ("pm.execute_notebook('a.ipynb', 'reports/b.ipynb')", [("reports/b.ipynb", "write")]),
        ("pd.read_csv(path)", []),  # a variable: its value is unknown before the run
    ],
)
def test_file_reads_and_writes_are_found_by_path(source: str, found: list[tuple[str, str]]):
    calls = path_calls(ast.parse(source))
    assert [(literal(arg)[0], how) for _, arg, how in calls] == found  # type: ignore[index]


def test_an_f_string_path_keeps_its_placeholders_as_a_format():
    text = "frame = pd.read_parquet(f'data/premiums_{year}.parquet')"
    new = rewrite_paths(text, {"data/premiums_{year}.parquet": "premiums_path"})
    assert new == "frame = pd.read_parquet(FILES / premiums_path.format(year=year))"


@pytest.mark.parametrize(
    ("setup", "source", "says"),
    [
        (None, "x = pd.read_csv('data/none.csv')", "reads a file that is not beside the notebook"),
        ("big", "x = pd.read_csv('big.csv')", "more than the 5 MB a product carries"),
        (None, "x = open('~/notes.txt').read()", "reads an absolute path"),
        (None, "x = pd.read_csv(f'data/{x.upper()}.csv')", "formats an expression into the path"),
    ],
)
def test_a_read_that_cannot_travel_stops_before_staging(
    tmp_path: Path, setup: str | None, source: str, says: str
):
    if setup == "big":
        (tmp_path / "big.csv").write_bytes(b"0" * (MAX_DATA_BYTES + 1))
    notebook = write_notebook(
        tmp_path, "import pandas as pd", source, "def f(x):\n    return x", "result = f(x)"
    )
    with pytest.raises(PromoteError) as caught:
        analyse(notebook)
    assert says in str(caught.value) and str(caught.value).startswith("cell 2 line 1: ")


def test_the_pairs_tests_import_the_package(tmp_path: Path):
    analysis = analyse(CORPUS / "with_tests/churn.ipynb")
    text = "import os\nimport claimslib as cl\nfrom churn import share_closed\n"
    new, changes = rewrite(text, analysis, "churn_product")
    assert new.splitlines() == [
        "import os",
        "from churn_product import claimslib as cl",
        "from churn_product.transform import share_closed",
    ]
    assert len(changes) == 2
    with pytest.raises(PromoteError, match="imports `year` from the notebook's script"):
        rewrite("from churn import year\n", analysis, "churn_product")


def test_the_cli_stops_in_one_line_with_exit_two(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as done:
        main(["promote", str(CORPUS / "run_magic/report.ipynb"), "--name", "report-x",
              "--into", "/nonexistent/never-written"])  # fmt: skip
    err = capsys.readouterr().err
    assert done.value.code == 2 and err.count("\n") == 1
    assert err.startswith("pairlab: error: cell 1 runs `%run helpers.py`")


def test_traceback_art_never_reaches_a_message():
    text = 'Binder Error: column "x" not found\nLINE 1: SELECT x FROM t\n               ^\n  ^^^^^^'
    assert one_line(text) == 'Binder Error: column "x" not found LINE 1: SELECT x FROM t'


def test_a_new_product_is_committed_with_a_clear_fallback_author(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("USER", "ana")
    product = tmp_path / "product"
    product.mkdir()
    (product / "README.md").write_text("# x\n")
    note = first_commit(product, "nb.ipynb")
    assert "git has no user.name/user.email" in note
    author = subprocess.run(
        ["git", "-C", str(product), "log", "-1", "--format=%an <%ae>"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert author == f"ana via pairlab promote <{FALLBACK_EMAIL}>"
    assert first_commit(product, "nb.ipynb") == ""  # an existing repository is left alone


def test_outputs_written_through_f_strings_are_ignored_as_patterns(tmp_path: Path):
    notebook = write_notebook(
        tmp_path,
        "import pandas as pd\nyear = 2024",
        "def totals():\n    return pd.DataFrame({'region': ['East'], 'n': [1]})",
        "result = totals()",
        "result.to_csv(f'out/totals_{year}.csv')\nresult.to_json(f'out/{year}/by_region.json')",
    )
    analysis = analyse(notebook)
    assert analysis.writes == ["out/totals_*.csv", "out/*/by_region.json"]
    product = tmp_path / "product"
    product.mkdir()
    ignored = ignore_outputs(product, analysis.writes, set())
    assert ignored == ["/notebooks/out/*/by_region.json", "/notebooks/out/totals_*.csv"]
    assert (product / "notebooks/out/.gitkeep").is_file()  # a fresh clone has the folder
    assert (product / ".gitignore").read_text().endswith("\n".join(ignored) + "\n")


def test_a_folder_the_notebook_makes_is_ignored_whole(tmp_path: Path):
    notebook = write_notebook(
        tmp_path,
        "from pathlib import Path\nimport pandas as pd\nimport papermill as pm",
        "def totals():\n    return pd.DataFrame({'region': ['East'], 'n': [1]})",
        "result = totals()",
        "Path('reports').mkdir(exist_ok=True)\nout = Path('reports') / 'totals.csv'\n"
        "result.to_csv(out)\npm.execute_notebook('nb.ipynb', 'reports/nb-East.ipynb')",
    )
    analysis = analyse(notebook)
    product = tmp_path / "product"
    product.mkdir()
    assert ignore_outputs(product, analysis.writes, set()) == ["/notebooks/reports"]
    assert not (product / "notebooks/reports").exists()  # the notebook makes it when it runs
