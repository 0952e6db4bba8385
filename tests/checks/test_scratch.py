"""A check's kernel run happens in a scratch copy of the project: the pair's folder stays."""

from __future__ import annotations

import os
import subprocess

import nbformat
import pytest

from pairlab.checks import _scratch


def _notebook(folder, *sources):
    """Write a python3 notebook of code cells into `folder` and return its path."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    path = folder / "analysis.ipynb"
    nbformat.write(nb, path)
    return path


def _snapshot(folder):
    """Return every file under `folder` (outside .git) with its bytes, and the git log."""
    files = {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(folder).parts
    }
    log = subprocess.run(["git", "-C", str(folder), "log", "--format=%H"], capture_output=True)
    return files, log.stdout


@pytest.mark.slow
@pytest.mark.kernel
def test_a_run_that_writes_and_commits_leaves_the_folder_as_it_was(check, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "data.csv").write_text("region,n\nNorth,3\n")
    git = ["git", "-C", str(tmp_path), "-c", "user.name=a", "-c", "user.email=a@b.c"]
    subprocess.run([*git[:3], "init", "-q"], check=True)
    path = _notebook(
        tmp_path,
        "rows = open('data.csv').read().splitlines()\nassert rows[1] == 'North,3'",
        "import os\nos.makedirs('reports', exist_ok=True)\n"
        "open('reports/out.csv', 'w').write('x')\nopen('data.csv', 'a').write('South,1\\n')",
        "import subprocess\n"
        "git = ['git', '-c', 'user.name=a', '-c', 'user.email=a@b.c']\n"
        "subprocess.run([*git, 'add', '-A'], check=True)\n"
        "subprocess.run([*git, 'commit', '-qm', 'from the check'], check=True)",
    )
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "the pair's work"], check=True)
    before = _snapshot(tmp_path)
    result = check(path, "runs-top-to-bottom")
    assert result.status == "pass", result.message  # it read data.csv and committed, in a copy
    assert _snapshot(tmp_path) == before


def test_a_file_that_cannot_be_copied_is_an_error_naming_it(check, tmp_path):
    path = _notebook(tmp_path, "print('hello')")
    os.mkfifo(tmp_path / "pipe")  # a named pipe: copying it would block, so shutil refuses
    result = check(path, "runs-top-to-bottom")
    assert result.status == "error"
    assert str(tmp_path / "pipe") in result.message and "scratch folder" in result.message


def test_a_project_too_large_to_copy_is_an_error_naming_it(check, tmp_path, monkeypatch):
    monkeypatch.setattr(_scratch, "MAX_BYTES", 1000)
    path = _notebook(tmp_path, "print('hello')")
    (tmp_path / "big.parquet").write_bytes(b"0" * 2000)
    result = check(path, "answers-match", expect={"1": "1"})
    assert result.status == "error"
    assert "more than" in result.message and "move large data files out" in result.message


def test_the_copy_keeps_what_promote_recorded_and_leaves_caches_and_the_server_db(tmp_path):
    from pairlab.checks._model import Context

    path = _notebook(tmp_path, "print('hello')")
    for name in ("product/.pairlab/promote.json", ".pairlab/pairlab.db", ".pairlab/pairlab.db-wal"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / "__pycache__").mkdir()
    copy = _scratch.scratch_copy(Context(path, tmp_path), tmp_path.parent / "scratch-copy")
    assert (copy / "product/.pairlab/promote.json").is_file()  # promote needs it to run again
    assert (copy / "analysis.ipynb").is_file() and (copy / ".pairlab").is_dir()
    assert not (copy / ".pairlab/pairlab.db").exists()
    assert not (copy / ".pairlab/pairlab.db-wal").exists()
    assert not (copy / ".venv").exists() and not (copy / "__pycache__").exists()
