"""Nothing left behind (issue 14): temp folders go, dry runs create nothing, refusals first."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

import pytest
from promote_helpers import FIXTURES

from pairlab import _process
from pairlab.errors import BadInput
from pairlab.promote import _promote, promote

pytestmark = pytest.mark.kernel  # runs notebooks in real kernels

DEAD_PID = "999999999"


def _quiet(_: str) -> None:
    """Swallow promote's progress lines."""


def _ours() -> list[Path]:
    """Return this process's promote folders in the temp folder."""
    return list(Path(tempfile.gettempdir()).glob(f"pairlab-promote-{os.getpid()}-*"))


def test_a_dry_run_creates_nothing_where_the_target_goes(tmp_path: Path):
    notebook = Path(shutil.copy(FIXTURES / "loss_ratio.ipynb", tmp_path))
    dest = tmp_path / "a" / "b" / "product"
    outcome = promote(
        notebook, "loss-ratio", dest, dry_run=True, run=False, checks=False, echo=_quiet
    )
    assert "+++ b/dataproduct.yaml" in outcome.diff
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loss_ratio.ipynb"]
    assert _ours() == []  # the staging folder in the temp folder is gone too


def test_a_hand_edit_is_refused_before_any_staging(tmp_path: Path, monkeypatch):
    notebook = Path(shutil.copy(FIXTURES / "loss_ratio.ipynb", tmp_path))
    dest = tmp_path / "product"
    promote(notebook, "loss-ratio", dest, run=False, checks=False, echo=_quiet)
    module = dest / "src/loss_ratio/pipeline.py"
    module.write_text(module.read_text() + "# my own note\n")

    def staged(*_: object) -> None:
        raise AssertionError("staged before refusing")

    monkeypatch.setattr(_promote, "_stage", staged)
    started = time.perf_counter()
    with pytest.raises(BadInput, match="was edited since the last promote"):
        promote(notebook, "loss-ratio", dest, run=False, checks=False, echo=_quiet)
    assert time.perf_counter() - started < 5
    assert module.read_text().endswith("# my own note\n")
    assert not list(tmp_path.glob(".product.pairlab-staging-*"))


def test_a_failed_promote_removes_its_staging(tmp_path: Path, monkeypatch):
    notebook = Path(shutil.copy(FIXTURES / "loss_ratio.ipynb", tmp_path))

    def broken(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_promote, "_stage", broken)
    with pytest.raises(OSError, match="No space"):
        promote(notebook, "loss-ratio", tmp_path / "product", checks=False, echo=_quiet)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loss_ratio.ipynb"]
    assert _ours() == []


def test_the_next_promote_removes_what_a_killed_one_left(tmp_path: Path):
    work = Path(tempfile.gettempdir()) / f"pairlab-promote-{DEAD_PID}-abc"
    work.mkdir(exist_ok=True)
    (work / "executed.ipynb").write_text("warehouse rows")
    live = Path(tempfile.mkdtemp(prefix=f"pairlab-promote-{os.getpid()}-"))
    staging = tmp_path / f".product.pairlab-staging-{DEAD_PID}-xyz"
    staging.mkdir()
    try:
        _promote._clean_stale(tmp_path / "product")
        assert not work.exists() and not staging.exists()
        assert live.exists()  # a promote still running keeps its folder
    finally:
        shutil.rmtree(live, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def test_an_interrupted_run_stops_its_children(tmp_path: Path):
    pid_file = tmp_path / "pid"

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(1)
    try:
        with pytest.raises(KeyboardInterrupt):
            _process.run(["sh", "-c", f"echo $$ > {pid_file}; exec sleep 30"], timeout=60)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)


@pytest.mark.slow
def test_a_terminated_promote_leaves_no_temp_folder_and_no_process(tmp_path: Path):
    import subprocess
    import sys

    notebook = Path(shutil.copy(FIXTURES / "loss_ratio.ipynb", tmp_path))
    argv = [sys.executable, "-m", "pairlab", "promote", str(notebook), "--name", "loss-ratio"]
    proc = subprocess.Popen(
        [*argv, "--into", str(tmp_path / "product")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    work = Path(tempfile.gettempdir())
    deadline = time.monotonic() + 120
    while not list(work.glob(f"pairlab-promote-{proc.pid}-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the promote ended before its notebook runs"
    children = subprocess.run(
        ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    time.sleep(1)
    proc.terminate()
    assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    assert not list(work.glob(f"pairlab-promote-{proc.pid}-*"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loss_ratio.ipynb"]
    for pid in children:  # papermill, run in its own process group, was stopped with it
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid), 0)
