"""Nothing lost: a killed promote leaves the target as before or complete; the gate's rules."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from promote_helpers import FIXTURES, tree

from pairlab.promote import _commit, promote
from pairlab.promote.equivalence import compare


def _promote_in_background(notebook: Path, dest: Path) -> subprocess.Popen[bytes]:
    """Start `pairlab promote` in its own process group, as a user's terminal would."""
    argv = [sys.executable, "-m", "pairlab", "promote", str(notebook), "--name", "loss-ratio"]
    argv += ["--into", str(dest)]
    return subprocess.Popen(
        argv, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _kill_after(proc: subprocess.Popen[bytes], seconds: float) -> None:
    """Kill the promote and everything it started (its kernels) after `seconds`."""
    time.sleep(seconds)
    with contextlib.suppress(ProcessLookupError):  # finished first: the target is complete
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


@pytest.mark.slow
def test_a_promote_killed_mid_way_into_a_new_folder_leaves_nothing(tmp_path: Path):
    notebook = Path(shutil.copy(FIXTURES / "loss_ratio.ipynb", tmp_path))
    dest = tmp_path / "product"
    proc = _promote_in_background(notebook, dest)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".product.pairlab-staging-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    _kill_after(proc, 1.5)  # inside the notebook runs
    assert not dest.exists()
    outcome = promote(notebook, "loss-ratio", dest, checks=False, echo=lambda _: None)
    assert outcome.written and (dest / "dataproduct.yaml").is_file()
    assert not list(tmp_path.glob(".product.pairlab-staging-*"))  # the killed run's is gone


@pytest.mark.slow
def test_a_promote_killed_at_any_point_leaves_the_old_or_the_new_product(tmp_path: Path):
    notebook = Path(shutil.copy(FIXTURES / "loss_ratio.ipynb", tmp_path))
    dest = tmp_path / "product"
    promote(notebook, "loss-ratio", dest, checks=False, echo=lambda _: None)
    old = tree(dest)
    notebook.write_text(notebook.read_text().replace("year = 2024", "year = 2023"))
    seen = []
    for delay in (1.0, 5.0):  # early in the notebook runs; late, near the commit
        _kill_after(_promote_in_background(notebook, dest), delay)
        _commit.roll_forward(dest)  # what the next promote does first
        seen.append(tree(dest))
    promote(notebook, "loss-ratio", dest, checks=False, echo=lambda _: None)
    new = tree(dest)
    assert new != old
    assert all(state in (old, new) for state in seen)


def _staged(dest: Path, files: dict[str, bytes]) -> _commit.Plan:
    """Return the plan of writing `files` over `dest`, manifest included."""
    files = {**files, _commit.MANIFEST: _commit.manifest_bytes(files, "n.ipynb")}
    return _commit.plan(dest, files)


def test_renames_interrupted_after_the_journal_are_completed_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    dest = tmp_path / "product"
    dest.mkdir()
    first = {"a.py": b"a = 1\n", "b.py": b"b = 1\n"}
    (tmp_path / "staging").mkdir()
    _commit.commit(dest, tmp_path / "staging", _staged(dest, first))
    second = {"a.py": b"a = 2\n", "b.py": b"b = 2\n", "c.py": b"c = 2\n"}
    found = _staged(dest, second)

    def killed(_: Path) -> None:
        raise KeyboardInterrupt  # stands for SIGKILL right after the journal is on disk

    monkeypatch.setattr(_commit, "roll_forward", killed)
    with pytest.raises(KeyboardInterrupt):
        _commit.commit(dest, tmp_path / "staging", found)
    assert (dest / _commit.JOURNAL).is_file()
    assert (dest / "a.py").read_bytes() == b"a = 1\n"  # not yet renamed
    monkeypatch.undo()
    _commit.roll_forward(dest)
    assert {k: v for k, v in tree(dest).items() if k != _commit.MANIFEST} == second
    assert not list(dest.rglob(f"*{_commit.NEW}")) and not (dest / _commit.JOURNAL).exists()


def test_new_files_written_before_the_journal_are_dropped(tmp_path: Path):
    dest = tmp_path / "product"
    dest.mkdir()
    (dest / "a.py").write_bytes(b"a = 1\n")
    (dest / f"a.py{_commit.NEW}").write_bytes(b"a = 2\n")  # killed while writing new files
    _commit.roll_forward(dest)
    assert tree(dest) == {"a.py": b"a = 1\n"}


def test_equal_tables_match_within_tolerance_in_any_row_order():
    original = pd.DataFrame({"region": ["N", "W"], "ratio": [0.5, 0.75]})
    promoted = pd.DataFrame({"region": ["N", "W"], "ratio": [0.5 + 1e-12, 0.75]})
    assert compare(original, promoted).same


@pytest.mark.parametrize(
    ("promoted", "says"),
    [
        (pd.DataFrame({"region": ["N", "W"], "rate": [0.5, 0.75]}), "columns ['region', 'rate']"),
        (pd.DataFrame({"region": ["N"], "ratio": [0.5]}), "1 rows != 2 rows"),
        (pd.DataFrame({"region": ["N", "W"], "ratio": [0.5, 0.76]}), "column `ratio` row 1"),
        (pd.DataFrame({"region": ["N", "E"], "ratio": [0.5, 0.75]}), "column `region` row 1"),
        (pd.DataFrame({"region": ["N", "W"], "ratio": ["a", "b"]}), "column `ratio` is text"),
    ],
)
def test_the_gate_names_the_first_difference(promoted: pd.DataFrame, says: str):
    original = pd.DataFrame({"region": ["N", "W"], "ratio": [0.5, 0.75]})
    verdict = compare(original, promoted)
    assert not verdict.same and says in verdict.differences[0]
