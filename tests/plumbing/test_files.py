"""The one writer: a file is replaced whole or not at all, and no scratch file is left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairlab._files import replacing, scratch_folder, write_bytes_atomic, write_text_atomic
from pairlab.errors import BadInput


def leftovers(folder: Path) -> list[str]:
    """Return the hidden scratch files in `folder`."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_text_and_bytes_replace_the_whole_file(tmp_path):
    out = tmp_path / "sub" / "page.html"
    write_text_atomic(out, "old")
    write_text_atomic(out, "né")
    assert out.read_bytes() == "né".encode()
    write_bytes_atomic(out, b"\x00\x01")
    assert out.read_bytes() == b"\x00\x01" and leftovers(out.parent) == []


def test_a_writer_that_fails_leaves_the_old_file_and_no_scratch(tmp_path):
    out = tmp_path / "index.npz"
    out.write_text("kept")
    with pytest.raises(RuntimeError), replacing(out) as scratch:
        scratch.write_text("half")
        raise RuntimeError("the writer died")
    assert out.read_text() == "kept" and leftovers(tmp_path) == []


def test_a_rename_that_fails_leaves_no_scratch(tmp_path):
    out = tmp_path / "report.html"
    (out / "inside").mkdir(parents=True)  # a folder in the way: the rename itself fails
    with pytest.raises(OSError):
        write_text_atomic(out, "page", check=False)
    assert leftovers(tmp_path) == []


def test_a_folder_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(BadInput, match="is a folder"):
        write_text_atomic(tmp_path, "page")
    assert leftovers(tmp_path) == []


def test_a_scratch_folder_goes_on_every_exit():
    with pytest.raises(ValueError), scratch_folder("pairlab-test-") as folder:
        (folder / "f").write_text("x")
        raise ValueError
    assert not folder.exists()
