"""Remembered runs say what, not where: the same project elsewhere, on a regenerated warehouse.

`pairlab curriculum run` stages the lessons into a new folder with a new warehouse each time;
a pair's project may move. Real kernels, real DuckDB warehouses, a log outside the project
counting how often the notebook really ran. A lesson's own run in place is replayed with every
file it wrote, byte for byte but for the folder's own path.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import nbformat
import pytest
from test_fast_runs import _check, _notebook, _runs

from pairlab import resources
from pairlab.checks import _run_cache
from pairlab.checks.execution import run_in_place

pytestmark = [pytest.mark.slow, pytest.mark.kernel]


@pytest.fixture
def cache(monkeypatch, tmp_path) -> Path:
    """Give the test a run cache of its own, in fast mode."""
    monkeypatch.setenv("PAIRLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PAIRLAB_CHECK_RUNS", "fast")
    return tmp_path / "cache"


@pytest.fixture
def warehouses(warehouse_generations) -> dict[str, Path]:
    """Return two generations of the same warehouse and one with other rows."""
    return warehouse_generations


def _project(folder: Path, log: Path) -> Path:
    """Write a project whose notebook reads the warehouse and a file naming its own folder."""
    folder.mkdir(parents=True)
    (folder / "where.txt").write_text(f"{folder}\n", encoding="utf-8")
    return _notebook(
        folder / "analysis.ipynb",
        [
            "from pairlab.warehouse import connect\n"
            "claims = connect().table('claims').count().execute()",
            f"open({str(log)!r}, 'a').write('ran\\n')",
            "here = open('where.txt').read().strip()\nprint(claims, here)",
        ],
    )


def test_a_run_is_remembered_for_the_same_project_elsewhere_on_a_regenerated_warehouse(
    cache, warehouses, tmp_path, monkeypatch
):
    log = tmp_path / "runs.log"
    monkeypatch.setenv("PAIRLAB_WAREHOUSE_PATH", str(warehouses["first"]))
    first = _check(_project(tmp_path / "a" / "project", log), "runs-top-to-bottom")
    assert first.status == "pass" and _runs(log) == 1

    monkeypatch.setenv("PAIRLAB_WAREHOUSE_PATH", str(warehouses["again"]))
    moved = _check(_project(tmp_path / "b" / "project", log), "runs-top-to-bottom")
    assert (moved.status, moved.message) == (first.status, first.message)
    assert _runs(log) == 1  # same files (each naming its own folder), same rows: nothing ran

    monkeypatch.setenv("PAIRLAB_WAREHOUSE_PATH", str(warehouses["other"]))
    _check(_project(tmp_path / "c" / "project", log), "runs-top-to-bottom")
    assert _runs(log) == 2  # other rows in the warehouse: run again


def test_a_project_under_another_name_runs_again(cache, warehouses, tmp_path, monkeypatch):
    log = tmp_path / "runs.log"
    monkeypatch.setenv("PAIRLAB_WAREHOUSE_PATH", str(warehouses["first"]))
    _check(_project(tmp_path / "a" / "project", log), "runs-top-to-bottom")
    _check(_project(tmp_path / "a" / "renamed", log), "runs-top-to-bottom")
    assert _runs(log) == 2  # a cell may read its folder's name: Path.cwd().name


LESSON = [
    # What a lesson's cells do to their folder: write text naming it, bytes, a script,
    # folders (one left empty, as `git init` leaves some), and remove a file.
    "import os, pathlib, stat\n"
    "here = pathlib.Path.cwd()\n"
    "pathlib.Path('report.md').write_text(f'made in {here}\\n')\n"
    "pathlib.Path('data.bin').write_bytes(bytes(range(256)))\n"
    "pathlib.Path('tool.sh').write_text('#!/bin/sh\\necho hi\\n')\n"
    "os.chmod('tool.sh', 0o755)\n"
    "pathlib.Path('out/deep').mkdir(parents=True)\n"
    "pathlib.Path('out/deep/table.csv').write_text('a\\n1\\n')\n"
    "pathlib.Path('empty').mkdir()\n"
    "pathlib.Path('old.txt').unlink()\n"
    "print('ran in', here)",
]


def _lesson(folder: Path, log: Path, sources: list[str]) -> Path:
    """Write a lesson folder: a notebook that logs each real run, and a file it removes."""
    folder.mkdir(parents=True)
    (folder / "old.txt").write_text("to remove\n", encoding="utf-8")
    return _notebook(folder / "lesson.ipynb", [*sources, f"open({str(log)!r}, 'a').write('x\\n')"])


def _files(folder: Path) -> dict[str, tuple[bytes, int] | None]:
    """Return each file's bytes (its own folder's path written as ROOT) and mode; None for a dir."""
    found: dict[str, tuple[bytes, int] | None] = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_dir():
            found[rel] = None
        else:
            data = path.read_bytes().replace(str(folder).encode(), b"ROOT")
            found[rel] = (data, path.stat().st_mode & 0o777)
    return found


def _order(folder: Path) -> dict[tuple[str, str], int]:
    """Return, for each two files the run wrote, which was written later (-1, 0 or 1)."""
    names = ["report.md", "data.bin", "tool.sh", "out/deep/table.csv", "lesson.ipynb"]
    times = {name: (folder / name).stat().st_mtime_ns for name in names}
    return {(a, b): (times[a] > times[b]) - (times[a] < times[b]) for a in names for b in names}


def test_a_lessons_run_in_place_is_replayed_with_every_file_it_wrote(
    cache, warehouses, tmp_path, monkeypatch
):
    log = tmp_path / "runs.log"
    monkeypatch.setenv("PAIRLAB_WAREHOUSE_PATH", str(warehouses["first"]))
    first = _lesson(tmp_path / "a" / "lesson", log, LESSON)
    assert run_in_place(first, "python3", 60).ok and _runs(log) == 1

    monkeypatch.setenv("PAIRLAB_WAREHOUSE_PATH", str(warehouses["again"]))
    second = _lesson(tmp_path / "b" / "lesson", log, LESSON)
    assert run_in_place(second, "python3", 60).ok
    assert _runs(log) == 1  # replayed, not run
    assert _files(second.parent) == _files(first.parent)
    assert "empty" in _files(second.parent) and not (second.parent / "old.txt").exists()
    assert _order(second.parent) == _order(first.parent)  # jupytext and make compare times
    outputs = nbformat.read(second, as_version=4).cells[0].outputs
    assert outputs[0].text == f"ran in {second.parent}\n"  # the replay names its own folder


def test_a_run_that_writes_its_folder_into_a_binary_file_is_never_replayed(
    cache, warehouses, tmp_path, monkeypatch
):
    log = tmp_path / "runs.log"
    monkeypatch.setenv("PAIRLAB_WAREHOUSE_PATH", str(warehouses["first"]))
    binary = [
        "import pathlib\npathlib.Path('f.bin').write_bytes(b'\\xff' + bytes(pathlib.Path.cwd()))"
    ]
    for name in ("a", "b"):
        assert run_in_place(_lesson(tmp_path / name / "lesson", log, binary), "python3", 60).ok
    assert _runs(log) == 2  # a placeholder cannot stand in bytes nobody can read as text


def test_a_changed_cell_or_a_pool_run_runs_again(cache, warehouses, tmp_path, monkeypatch):
    log = tmp_path / "runs.log"
    monkeypatch.setenv("PAIRLAB_WAREHOUSE_PATH", str(warehouses["first"]))
    run_in_place(_lesson(tmp_path / "a" / "lesson", log, LESSON), "python3", 60)
    changed = [LESSON[0].replace("made in", "written in")]
    run_in_place(_lesson(tmp_path / "b" / "lesson", log, changed), "python3", 60)
    assert _runs(log) == 2
    monkeypatch.setenv("PAIRLAB_CHECK_RUNS", "pool")
    run_in_place(_lesson(tmp_path / "c" / "lesson", log, LESSON), "python3", 60)
    assert _runs(log) == 3
    shutil.rmtree(tmp_path / "c")


def test_a_changed_kit_or_a_new_day_runs_again(cache, warehouses, tmp_path, monkeypatch):
    log = tmp_path / "runs.log"
    monkeypatch.setenv("PAIRLAB_WAREHOUSE_PATH", str(warehouses["first"]))
    kits = Path(shutil.copytree(resources.kits_dir(), tmp_path / "kits"))
    monkeypatch.setattr(resources, "kits_dir", lambda: kits)  # an editable install's kits
    nb = _project(tmp_path / "a" / "project", log)
    for _ in range(2):
        _check(nb, "runs-top-to-bottom")
    assert _runs(log) == 1
    readme = next(p for p in sorted(kits.rglob("*")) if p.is_file())
    readme.write_text(readme.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    _check(nb, "runs-top-to-bottom")
    assert _runs(log) == 2  # a cell may copy a kit: pairlab's shipped files are in the key

    class Tomorrow(date):
        @classmethod
        def today(cls) -> date:
            return date.today() + timedelta(days=1)

    monkeypatch.setattr(_run_cache, "date", Tomorrow)
    _check(nb, "runs-top-to-bottom")
    assert _runs(log) == 3  # a cell may compute with today's date
