"""The corpus: notebooks as analysts write them, each promoted once, each ending as stated.

A green product must pass its own CI steps from a fresh clone (install, ruff, pytest, the
contract, every notebook through papermill) and leave the clone's tree clean; a stop must be
one line naming the cell and the fix, with nothing written.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

from pairlab.errors import BadInput
from pairlab.promote import Outcome, promote

pytestmark = pytest.mark.kernel  # runs notebooks in real kernels

CORPUS = Path(__file__).resolve().parent / "corpus"


@dataclass(frozen=True)
class Expect:
    """What promoting one corpus notebook must end in: a green product or a named stop."""

    notebook: str
    stop: str = ""  # the words the stop says; empty: a green product
    says: tuple[str, ...] = ()  # what the decision table or outcome must say


EXPECTED = {
    "regional_targets": Expect(
        "targets.ipynb",
        says=("`targets_path` is a keyword of pipeline.run() (default 'data/targets.csv')",),
    ),
    "premium_files": Expect(
        "premiums.ipynb",
        says=("`premiums_path` is a keyword of earned_by_line", "reads data/README.txt"),
    ),
    "peril_magics": Expect(
        "perils.ipynb",
        says=("read the parameter `threshold` as a global", "%%time only measures the cell"),
    ),
    "copy_paste": Expect(
        "weekly.ipynb", says=("cell 7 defines `per_week` again (the same code as cell 4)",)
    ),
    "with_tests": Expect(
        "churn.ipynb",
        says=(
            "tests/test_churn.py line 2: `from churn import share_closed` -> "
            "`from with_tests.transform import share_closed`",
            "tests/test_claimslib.py line 1: `import claimslib` -> "
            "`from with_tests import claimslib`",
        ),
    ),
    "no_functions": Expect("quick_look.ipynb", stop="cell 4 builds `summary` last; tag cell 4"),
    "run_magic": Expect("report.ipynb", stop="cell 1 runs `%run helpers.py`"),
    "shared_drive": Expect(
        "shared_drive.ipynb",
        stop="cell 3 line 1: pd.read_csv('/mnt/finance/targets.csv') reads an absolute path",
        says=("cell 2 reads the URL https://example.org/rates.csv",),
    ),
    "missing_package": Expect("fancy_plot.ipynb", stop="cell 1 imports `seaborn`"),
    "outside_folder": Expect("outside.ipynb", stop="reads a file outside the notebook's folder"),
}
GREEN = sorted(k for k, v in EXPECTED.items() if not v.stop)


def test_the_corpus_on_disk_is_the_one_expected():
    folders = [p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert sorted(folders) == sorted(EXPECTED)
    assert len(EXPECTED) >= 8


@pytest.fixture(scope="module")
def promoted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Outcome, str]]:
    """Promote every green corpus notebook once: name -> (product, outcome, printed table)."""
    done = {}
    for name in GREEN:
        work = Path(shutil.copytree(CORPUS / name, tmp_path_factory.mktemp(name) / "work"))
        dest = work.parent / "product"
        printed: list[str] = []
        outcome = promote(
            work / EXPECTED[name].notebook,
            name.replace("_", "-"),
            dest,
            checks=False,
            echo=printed.append,
        )
        done[name] = (dest, outcome, "\n".join(printed))
    return done


@pytest.mark.parametrize("name", sorted(k for k, v in EXPECTED.items() if v.stop))
def test_a_notebook_that_cannot_travel_stops_naming_the_cell_and_the_fix(name: str, tmp_path: Path):
    work = Path(shutil.copytree(CORPUS / name, tmp_path / "work"))
    dest = tmp_path / "product"
    with pytest.raises(BadInput) as caught:
        promote(work / EXPECTED[name].notebook, "stopped", dest, echo=lambda _: None)
    message = str(caught.value)
    assert EXPECTED[name].stop in message and "\n" not in message and "^^" not in message
    assert all(words in message for words in EXPECTED[name].says)
    assert not dest.exists() and not list(tmp_path.glob(".product.pairlab-staging-*"))


@pytest.mark.slow
@pytest.mark.parametrize("name", GREEN)
def test_a_green_notebook_becomes_a_product_whose_own_ci_passes_from_a_fresh_clone(
    name: str, promoted: dict[str, tuple[Path, Outcome, str]], tmp_path: Path
):
    dest, outcome, table = promoted[name]
    assert all(v.same for v in outcome.verdicts.values()), outcome.verdicts
    assert all(words in table for words in EXPECTED[name].says), table
    clone = tmp_path / "clone"
    run(["git", "clone", "-q", str(dest), str(clone)], tmp_path)
    python = child_env(tmp_path)
    for step in ci_steps(python, clone):
        run(step, clone)
    assert run(["git", "status", "--porcelain", "--ignored=no"], clone).stdout == ""


def ci_steps(python: Path, clone: Path) -> list[list[str]]:
    """Return the product's CI steps (.github/workflows/ci.yml) as commands for `python`."""
    steps = [
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "-e", ".",
         "--no-deps"],
        [str(python), "-m", "ruff", "check", "--no-cache", "."],
        [str(python), "-m", "ruff", "format", "--check", "--no-cache", "src", "tests"],
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        [str(python), "-m", "pairlab", "catalog", "test", "."],
    ]  # fmt: skip
    (clone / "build/notebooks").mkdir(parents=True)
    for notebook in sorted((clone / "notebooks").glob("*.ipynb")):
        out = clone / "build/notebooks" / notebook.name
        steps.append(
            [str(python), "-m", "papermill", str(notebook), str(out), "--cwd", "notebooks",
             "--no-progress-bar", "-k", "python3"]
        )  # fmt: skip
    return steps


def child_env(tmp_path: Path) -> Path:
    """Return a venv that sees pairlab's packages but installs the product on its own."""
    env = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    python = env / "bin" / "python"
    site = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
               tmp_path).stdout.strip()  # fmt: skip
    parent = sysconfig.get_paths()["purelib"]
    (Path(site) / "_parent.pth").write_text(f"import site; site.addsitedir({parent!r})\n")
    return python


def run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run one step and fail the test with its output if it fails."""
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{argv}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done
