"""The data-product kit's CI publishes behind the contract: a dry run on pull requests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from pairlab import products
from pairlab.cli import main

DRY_RUN = "pairlab publish . ${{ github.event_name == 'pull_request' && '--dry-run' || '' }}"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI and return (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


@pytest.mark.slow
def test_the_rendered_product_publishes_as_its_ci_says(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, private_env: Path
) -> None:
    dest = tmp_path / "kit-publish-check"
    code, _, err = run(capsys, "new", "data-product", str(dest), "--owner", "ana")
    assert code == 0, err
    github = yaml.safe_load((dest / ".github/workflows/ci.yml").read_text())["jobs"]["publish"]
    assert github["needs"] == "test" and github["steps"][-1]["run"] == DRY_RUN
    gitlab = yaml.safe_load((dest / ".gitlab-ci.yml").read_text())["publish"]
    assert gitlab["rules"][0]["variables"] == {"PUBLISH_FLAGS": "--dry-run"}
    assert gitlab["script"][-1] == "pairlab publish . $PUBLISH_FLAGS"
    # what those jobs run, on a copy of the warehouse and a catalog folder of our own
    warehouse = shutil.copy(private_env / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    catalog = tmp_path / "catalog"
    where = ["--url", f"duckdb://{warehouse}", "--catalog", str(catalog)]
    code, out, err = run(capsys, "publish", str(dest), *where, "--dry-run")
    assert code == 0 and "would write products.kit_publish_check__" in out, err
    assert not catalog.exists()
    code, out, err = run(capsys, "publish", str(dest), *where)
    assert code == 0 and ": written products.kit_publish_check__" in out, err
    code, out, _ = run(capsys, "catalog", "lint", str(catalog), "--policy")
    assert code == 0 and "0 error(s), 0 warning(s)" in out
    port = yaml.safe_load((dest / "dataproduct.yaml").read_text())["outputPorts"][0]["name"]
    assert products.read(f"kit-publish-check.{port}", catalog=catalog).count().execute() > 0
