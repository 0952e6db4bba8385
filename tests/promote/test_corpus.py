"""The corpus: notebooks as analysts write them, each promoted once, each ending as stated.

A green product must pass its own CI steps, which promote runs from a fresh clone (install,
ruff, pytest, the contract, every notebook through papermill) and leave the clone's tree
clean; a stop must be one line naming the cell and the fix, with nothing written, and its
fix, applied, must lead to a green product.
"""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from pairlab.checks import format_report
from pairlab.errors import BadInput
from pairlab.promote import Outcome, promote
from pairlab.promote._ci import workflow_steps
from pairlab.promote.characterization import FIXTURES

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
    "sql_variables": Expect("regional_sql.ipynb"),
    "series_export": Expect("peril_shares.ipynb"),
    "long_sql_line": Expect(
        "one_line_sql.ipynb",
        stop="src/stopped/transform.py line 6 (`open_by_peril`, from your notebook's cell 2): "
        "E501 Line too long (101 > 100)",
        says=("split it inside parentheses or use triple quotes",),
    ),
    "zip_pairs": Expect(
        "weights.ipynb",
        stop="src/stopped/transform.py line 9 (`weighted`, from your notebook's cell 4): B905",
        says=("pass `strict=True` to zip()", "(and 1 more"),
    ),
    "missing_sklearn": Expect("trend.ipynb", stop="install it (pip install scikit-learn)"),
}
GREEN = sorted(k for k, v in EXPECTED.items() if not v.stop)


def test_the_corpus_on_disk_is_the_one_expected():
    folders = [p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert sorted(folders) == sorted(EXPECTED)
    assert len(EXPECTED) >= 8


@pytest.fixture(scope="module")
def promoted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Outcome, str]]:
    """Promote every green corpus notebook once: name -> (product, outcome, printed table)."""
    works = {
        name: Path(shutil.copytree(CORPUS / name, tmp_path_factory.mktemp(name) / "work"))
        for name in GREEN
    }

    def one(name: str) -> tuple[Path, Outcome, str]:
        dest = works[name].parent / "product"
        printed: list[str] = []
        outcome = promote(
            works[name] / EXPECTED[name].notebook,
            name.replace("_", "-"),
            dest,
            checks=False,  # the product's checks have their own tests; its CI is the point here
            ci=True,
            echo=printed.append,
        )
        return dest, outcome, "\n".join(printed)

    # Two at a time: a promote mostly waits on its subprocesses (kernels, ruff, pytest,
    # papermill), so the second core works while the first waits; each writes its own folders.
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(GREEN, pool.map(one, GREEN), strict=True))


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
    name: str, promoted: dict[str, tuple[Path, Outcome, str]]
):
    dest, outcome, table = promoted[name]
    assert all(v.same for v in outcome.verdicts.values()), outcome.verdicts
    assert all(words in table for words in EXPECTED[name].says), table
    assert_ci_passed(dest, outcome)


def assert_ci_passed(dest: Path, outcome: Outcome) -> None:
    """Assert promote ran every step of the product's workflow, and each one passed."""
    assert outcome.report is not None and outcome.ok, format_report(outcome.report)
    ran = [r.id for r in outcome.report.results]
    steps = [f"ci: {s.name}" for s in workflow_steps(dest) if not s.skip]
    assert ran == [*steps, "ci: tree clean after the run"]
    assert {"ci: Lint", "ci: Notebooks through papermill"} <= set(steps)
    assert not (dest / "build").exists()  # the CI ran in a clone, not in the product


def test_sql_in_a_variable_names_its_tables_and_samples_them(
    promoted: dict[str, tuple[Path, Outcome, str]],
):
    dest, outcome, _ = promoted["sql_variables"]
    assert outcome.analysis.input_tables == ["claims", "policies"]
    spec = json.loads((dest / FIXTURES / "claims_by_region.json").read_text())
    assert spec["args"][0] == {"kind": "backend", "tables": ["claims", "policies"]}
    transform = (dest / "src/sql_variables/transform.py").read_text()
    assert 'CLAIMS_SQL = """' in transform  # the query travels with the function


def test_series_and_number_results_get_characterization_tests(
    promoted: dict[str, tuple[Path, Outcome, str]],
):
    dest, outcome, _ = promoted["series_export"]
    kinds = {
        p.stem: json.loads(p.read_text())["result"]["kind"]
        for p in (dest / FIXTURES).glob("*.json")
    }
    assert kinds == {"incurred_by_peril": "series", "total_incurred": "json", "shares": "frame"}
    assert not [n for n in outcome.notes if "no characterization test" in n], outcome.notes


def test_an_output_written_through_an_f_string_is_ignored_by_git(
    promoted: dict[str, tuple[Path, Outcome, str]],
):
    dest, _, _ = promoted["series_export"]
    assert "/notebooks/out/shares_*.csv" in (dest / ".gitignore").read_text().splitlines()


@pytest.mark.slow
def test_the_zip_stop_applied_then_fix_gives_a_product_whose_ci_passes(tmp_path: Path):
    work = Path(shutil.copytree(CORPUS / "zip_pairs", tmp_path / "work"))
    notebook, dest = work / "weights.ipynb", tmp_path / "product"
    # The stop's advice, applied in the notebook as the analyst would.
    text = notebook.read_text()
    notebook.write_text(text.replace("zip(regions, weights)", "zip(regions, weights, strict=True)"))
    with pytest.raises(BadInput) as caught:
        promote(notebook, "weights", dest, echo=lambda _: None)
    assert "UP032" in str(caught.value) and "pass --fix" in str(caught.value)
    assert not dest.exists()
    printed: list[str] = []
    # No kernel run for the characterization (run=False): the point is the product's CI.
    outcome = promote(
        notebook, "weights", dest, run=False, checks=False, ci=True, fix=True, echo=printed.append
    )
    assert "from your notebook's cell 4): UP032 fixed by ruff (Convert to f-string)" in printed[0]
    assert 'f"{weight:.1f}"' in (dest / "src/weights/transform.py").read_text()
    assert_ci_passed(dest, outcome)
