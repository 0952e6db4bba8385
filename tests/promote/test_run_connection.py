"""pipeline.run() names the warehouse `con` only when the code reads it.

Every product's build is called as `run(con)` (the contract test, publish), so the first
parameter stays; a pipeline that reads only files names it `_con`, unused, so neither a reader
nor the pure-functions check takes it for an input the function ignores.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from pairlab.promote import promote

CORPUS = Path(__file__).resolve().parent / "corpus"


def _run_of(name: str, notebook: str, tmp_path: Path) -> ast.FunctionDef:
    """Promote a corpus notebook (code only, no kernel) and return its run()."""
    work = Path(shutil.copytree(CORPUS / name, tmp_path / "work"))
    dest = tmp_path / "product"
    promote(work / notebook, "reads", dest, run=False, checks=False, ci=False, echo=lambda _: None)
    tree = ast.parse((dest / "src" / "reads" / "pipeline.py").read_text())
    return next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "run")


@pytest.mark.parametrize(
    ("name", "notebook"),
    [("premium_files", "premiums.ipynb"), ("series_export", "peril_shares.ipynb")],
)
def test_a_pipeline_reading_only_files_names_the_warehouse_unused(name, notebook, tmp_path):
    run = _run_of(name, notebook, tmp_path)
    assert [a.arg for a in run.args.args] == ["_con"]
    assert "from the files it reads (`_con` unused)" in (ast.get_docstring(run) or "")
    assert "_con" not in {n.id for n in ast.walk(run) if isinstance(n, ast.Name)}


def test_a_pipeline_reading_the_warehouse_takes_con(tmp_path):
    run = _run_of("sql_variables", "regional_sql.ipynb", tmp_path)
    assert [a.arg for a in run.args.args] == ["con"]
    assert "built on the warehouse `con`" in (ast.get_docstring(run) or "")
