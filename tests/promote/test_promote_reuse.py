"""A promote of an unchanged notebook into its unedited product reuses the last checked result.

Anything the promote read changing (the notebook, a module or data file beside it, the
warehouse file) or the product edited promotes again, or stops as a fresh promote would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from promote_helpers import CURRICULUM

from pairlab.cli import main
from pairlab.promote._reuse import COLD_ENV, RECORD, key, recall
from pairlab.promote.analysis import analyse
from pairlab.warehouse.connection import ENV_URL, default_path

pytestmark = [pytest.mark.slow, pytest.mark.kernel]


def promote(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    """Run `pairlab promote ARGS` in-process; return exit code, stdout and stderr."""
    with pytest.raises(SystemExit) as done:
        main(["promote", *map(str, args)])
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def test_an_unchanged_promote_prints_the_checked_result_and_runs_nothing(product, capsys):
    notebook, dest = product
    code, out, err = promote(capsys, notebook, "--name", "loss-ratio", "--into", dest)
    assert code == 0, out + err
    assert "parameters of pipeline.run()" in out  # the decision table, as lesson 9 reads it
    assert "equivalence: rewritten notebook gives the same" in out
    assert "PASS  ci: tree clean after the run" in out and out.rstrip().endswith("; PASS")
    assert "gate and checks are not run again" in out
    assert not list(dest.parent.glob(".product.pairlab-staging-*"))  # nothing was staged


def test_a_notebook_edited_since_is_promoted_again_and_stops_as_a_fresh_promote(product, capsys):
    notebook, dest = product
    data = json.loads(notebook.read_text())
    cell = next(c for c in data["cells"] if "parameters" in c["metadata"].get("tags", []))
    cell["source"] = "".join(cell["source"]) + "\nsample = undefined_rows"
    notebook.write_text(json.dumps(data))
    code, out, err = promote(capsys, notebook, "--name", "loss-ratio", "--into", dest)
    assert code == 2, out + err
    assert "F821 Undefined name `undefined_rows`" in err and "not run again" not in out


def test_a_product_edited_since_is_refused_not_reused(product, capsys):
    notebook, dest = product
    module = dest / "src/loss_ratio/pipeline.py"
    module.write_text(module.read_text() + "\n# mine\n")
    code, _, err = promote(capsys, notebook, "--name", "loss-ratio", "--into", dest)
    assert code == 2 and "pipeline.py was edited since the last promote" in err


def test_a_deleted_product_file_or_another_warehouse_or_cold_runs_is_no_reuse(
    product, monkeypatch: pytest.MonkeyPatch
):
    notebook, dest = product
    wanted = key(analyse(notebook), "loss-ratio", {"fix": False})
    assert recall(dest, wanted) is not None
    assert recall(dest, key(analyse(notebook), "loss-ratio", {"fix": True})) is None
    monkeypatch.setenv(COLD_ENV, "cold")  # the baseline: every fresh run from scratch
    assert recall(dest, wanted) is None
    monkeypatch.delenv(COLD_ENV)
    warehouse = default_path()
    stat = warehouse.stat()
    try:
        os.utime(warehouse, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
        assert key(analyse(notebook), "loss-ratio", {"fix": False}) != wanted
    finally:
        os.utime(warehouse, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    monkeypatch.setenv(ENV_URL, "duckdb://elsewhere.duckdb")  # a remote warehouse can move
    assert key(analyse(notebook), "loss-ratio", {"fix": False}) is None
    monkeypatch.delenv(ENV_URL)
    (dest / "tests/test_characterization.py").unlink()
    assert recall(dest, wanted) is None


def test_a_module_the_notebook_imports_is_part_of_the_key(tmp_path: Path):
    shutil.copy(CURRICULUM / "solutions" / "08-parameterize.ipynb", tmp_path)
    module = Path(shutil.copy(CURRICULUM / "workspace" / "claimsfreq.py", tmp_path))
    notebook = tmp_path / "08-parameterize.ipynb"
    before = key(analyse(notebook), "claims-frequency", {})
    module.write_text(module.read_text() + "\n# a change\n")
    assert key(analyse(notebook), "claims-frequency", {}) != before


def test_the_record_stays_out_of_the_products_history(promoted):
    _, dest = promoted
    assert (dest / RECORD).is_file()
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=dest, capture_output=True, text=True
    )
    assert status.returncode == 0 and status.stdout == ""  # nothing to commit


def _notebook(folder: Path, read: str) -> Path:
    """Write a three-cell notebook whose output cell is built from `pd.read_csv(read)`."""
    sources = ["import pandas as pd", f"claims = pd.read_csv({read!r})", "result = claims.size"]
    cells = [
        {"cell_type": "code", "id": f"c{i}", "metadata": {"tags": ["output"]} if i == 2 else {},
         "source": s, "outputs": [], "execution_count": i + 1}
        for i, s in enumerate(sources)
    ]  # fmt: skip
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    path = folder / "reads.ipynb"
    data = {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(data))
    return path


def test_a_data_file_the_notebook_reads_is_part_of_the_key_and_a_url_means_no_reuse(tmp_path):
    (tmp_path / "claims.csv").write_text("region\nN\n")
    notebook = _notebook(tmp_path, "claims.csv")
    before = key(analyse(notebook), "reads", {})
    (tmp_path / "claims.csv").write_text("region\nS\n")
    assert before is not None and key(analyse(notebook), "reads", {}) != before
    remote = _notebook(tmp_path, "https://example.org/claims.csv")  # can change unseen
    assert key(analyse(remote), "reads", {}) is None
