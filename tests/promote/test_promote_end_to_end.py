"""`pairlab promote` for real: papermill kernels, copier, pytest, ruff and a built package."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml
from promote_helpers import CURRICULUM, tree

from pairlab.cli import main
from pairlab.promote._reuse import RECORD

pytestmark = [pytest.mark.slow, pytest.mark.kernel]


def promote(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `pairlab promote ARGS` in-process; return exit code, stdout and stderr."""
    with pytest.raises(SystemExit) as done:
        main(["promote", *map(str, args)])
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def child_env(tmp_path: Path) -> Path:
    """Return a venv that sees pairlab's packages but installs the product on its own."""
    env = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    python = env / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    parent = sysconfig.get_paths()["purelib"]
    (Path(site) / "_parent.pth").write_text(f"import site; site.addsitedir({parent!r})\n")
    return python


def run(argv: list, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a command in the product and fail the test with its output if it fails."""
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{argv}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def test_lesson_eight_solution_becomes_a_product_that_installs_tests_and_keeps_its_contract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    # The pair's workspace as `pairlab lab` lays it out: the notebook beside its module.
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(CURRICULUM / "solutions" / "08-parameterize.ipynb", work)
    shutil.copy(CURRICULUM / "workspace" / "claimsfreq.py", work)
    dest = tmp_path / "claims-frequency"
    code, out, err = promote(
        capsys, work / "08-parameterize.ipynb", "--name", "claims-frequency", "--into", dest
    )
    assert code == 0, out + err
    assert "equivalence: rewritten notebook gives the same" in out
    assert "equivalence: pipeline.run() gives the same" in out
    # 8 product checks, then the product's own CI from a fresh clone: 5 steps, a clean tree.
    assert "PASS  ci: Notebooks through papermill" in out
    assert "PASS  ci: tree clean after the run" in out
    assert "14 passed, 0 failed, 0 errors; PASS" in out
    python = child_env(tmp_path)
    run(
        [sys.executable, "-m", "pip", "--python", python, "install", "-q", "-e", ".", "--no-deps"],
        dest,
    )
    tests = run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], dest)
    assert " passed" in tests.stdout and "failed" not in tests.stdout
    run([python, "-m", "ruff", "check", "--no-cache", "."], dest)
    contract = run([python, "-m", "pairlab", "catalog", "test", "."], dest)
    assert '"passed": false' not in contract.stdout


def test_a_messy_notebook_promotes_with_its_fixes_and_passes_every_check(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    dest = tmp_path / "claims-by-peril"
    code, out, _ = promote(
        capsys, workspace / "messy_globals.ipynb", "--name", "claims-by-peril", "--into", dest
    )
    assert code == 0, out
    assert "`claims_by_peril` read the parameter `min_claims` as a global" in out
    assert "14 passed, 0 failed, 0 errors; PASS" in out
    transform = (dest / "src/claims_by_peril/transform.py").read_text()
    assert "def claims_by_peril(claims, year, *, min_claims=5):" in transform
    assert "PERILS = [" in transform
    assert "matplotlib" in (dest / "pyproject.toml").read_text()  # the plot cell needs it
    contract = yaml.safe_load((dest / "contracts/by_peril.odcs.yaml").read_text())
    columns = {p["name"]: p["logicalType"] for p in contract["schema"][0]["properties"]}
    assert columns == {
        "peril": "string",
        "claims": "integer",
        "incurred": "number",
        "average": "number",
    }
    script = (dest / "notebooks/messy_globals.py").read_text()
    assert "# %matplotlib inline" in script and "pip install" not in script


@pytest.mark.parametrize(
    ("notebook", "says"),
    [
        ("fails_to_run.ipynb", "the original notebook fails to run: cell 3 raised"),
        ("out_of_order.ipynb", "cell 4 uses `threshold`, which only cell 6 below defines"),
        ("hidden_state.ipynb", "pass `claims` to `open_claims` as an argument"),
        ("not_a_notebook.ipynb", "cannot be read as a notebook"),
    ],
)
def test_bad_input_is_one_line_exit_two_and_nothing_written(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], notebook: str, says: str
):
    dest = tmp_path / "product"
    code, _, err = promote(capsys, workspace / notebook, "--name", "product-x", "--into", dest)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("pairlab: error: ") and says in err
    assert not dest.exists()
    assert not list(tmp_path.glob(".product.pairlab-staging-*"))


def test_the_gate_fails_when_the_product_would_differ_and_nothing_is_written(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    dest = tmp_path / "spot"
    code, out, _ = promote(
        capsys, workspace / "unseeded_sample.ipynb", "--name", "spot-check", "--into", dest
    )
    assert code == 1
    assert "equivalence FAILED: rewritten notebook differs: column `claim_id` row" in out
    assert f"nothing written to {dest}" in out
    assert not dest.exists()


@pytest.mark.parametrize("reused", [True, False], ids=["reused", "promoted-again"])
def test_promoting_an_unchanged_notebook_again_changes_nothing(
    product: tuple[Path, Path], capsys: pytest.CaptureFixture[str], reused: bool
):
    notebook, dest = product
    if not reused:  # without the last promote's record, it runs every stage again
        (dest / RECORD).unlink()

    def times() -> dict[Path, int]:  # of every file but the record of a passing promote
        return {p: p.stat().st_mtime_ns for p in dest.rglob("*") if p.is_file()} | {
            dest / RECORD: 0
        }

    before = times()
    content = tree(dest)
    code, out, _ = promote(capsys, notebook, "--name", "loss-ratio", "--into", dest)
    assert code == 0, out
    assert "is up to date; nothing written" in out
    assert ("gate and checks are not run again" in out) is reused
    assert "equivalence: pipeline.run() gives the same" in out and "; PASS" in out
    assert tree(dest) == content
    assert times() == before
    assert (dest / RECORD).is_file()  # a promote that passed is recorded again


def test_a_file_edited_since_the_last_promote_is_kept_without_force(
    product: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
):
    notebook, dest = product
    module = dest / "src/loss_ratio/transform.py"
    module.write_text(module.read_text() + "\n# my own note\n")
    text = notebook.read_text().replace("year = 2024", "year = 2023")
    notebook.write_text(text)
    code, _, err = promote(capsys, notebook, "--name", "loss-ratio", "--into", dest)
    assert code == 2 and "transform.py was edited since the last promote" in err
    assert "--force" in err and err.count("\n") == 1
    assert module.read_text().endswith("# my own note\n")
    assert "year = 2024" in (dest / "notebooks/loss_ratio.py").read_text()  # nothing written
    code, out, _ = promote(capsys, notebook, "--name", "loss-ratio", "--into", dest, "--force")
    assert code == 0, out
    assert "# my own note" not in module.read_text()
    assert "year=2023" in (dest / "src/loss_ratio/pipeline.py").read_text()


def test_dry_run_shows_the_diff_and_writes_nothing(
    product: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
):
    notebook, dest = product
    notebook.write_text(notebook.read_text().replace("year = 2024", "year = 2023"))
    content = tree(dest)
    code, out, _ = promote(capsys, notebook, "--name", "loss-ratio", "--into", dest, "--dry-run")
    assert code == 0, out
    assert "--- a/src/loss_ratio/pipeline.py" in out
    assert "-def run(con=None, *, year=2024):" in out and "+def run(con=None, *, year=2023):" in out
    assert "dry run, nothing written" in out
    assert tree(dest) == content


def test_dry_run_into_a_new_folder_creates_nothing(
    promoted: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    dest = tmp_path / "new"
    code, out, _ = promote(capsys, promoted[0], "--name", "loss-ratio", "--into", dest, "--dry-run")
    assert code == 0 and "+++ b/dataproduct.yaml" in out
    assert not dest.exists() and not list(tmp_path.iterdir())


def test_a_folder_pairlab_did_not_write_is_refused(
    promoted: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "README.md").write_text("my notes\n")
    code, _, err = promote(capsys, promoted[0], "--name", "loss-ratio", "--into", dest)
    assert code == 2 and "was not written by pairlab promote" in err
    assert tree(dest) == {"README.md": b"my notes\n"}
