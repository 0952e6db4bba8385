"""Seeded lessons carry the metadata their kernel reports, so opening one changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from pairlab._kernel_metadata import local_kernel_metadata, stamp_local_kernel
from pairlab.lab import seed_workspace


def test_seeded_lessons_carry_the_local_kernels_spec_and_language_info(tmp_path: Path) -> None:
    local = local_kernel_metadata()
    assert local is not None
    assert local["kernelspec"]["name"] == "python3"
    assert local["language_info"]["version"].count(".") == 2  # the interpreter's full version
    seed_workspace(tmp_path)
    lessons = sorted(tmp_path.glob("[0-9][0-9]-*.ipynb"))
    assert len(lessons) == 13
    for lesson in lessons:
        meta = json.loads(lesson.read_text(encoding="utf-8"))["metadata"]
        assert meta["kernelspec"] == local["kernelspec"], lesson.name
        assert meta["language_info"] == local["language_info"], lesson.name


def test_another_kernels_notebook_and_a_broken_file_are_left_as_they_were(tmp_path: Path) -> None:
    other = tmp_path / "r.ipynb"
    text = json.dumps({"cells": [], "metadata": {"kernelspec": {"name": "ir"}}, "nbformat": 4,
                       "nbformat_minor": 5})  # fmt: skip
    other.write_text(text, encoding="utf-8")
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json", encoding="utf-8")
    stamp_local_kernel(other)
    stamp_local_kernel(broken)
    assert other.read_text(encoding="utf-8") == text
    assert broken.read_text(encoding="utf-8") == "{not json"
