"""Turn each lesson source of a pack (`source/NN-slug.py`, py:percent) into two notebooks.

The source is the one text a reviewer reads. In a code cell, lines between `### BEGIN SOLUTION`
and `### END SOLUTION` are the exercise's answer; lines starting `#> ` are what the learner
starts from instead; a cell's `learner_tags` replace its tags in the learner version. Cells
tagged `facilitator` are notes for the facilitator. The learner version
(NN-slug.ipynb in the pack) keeps the starting lines and drops the notes; the solution version
(solutions/NN-slug.ipynb) keeps the answers and the notes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pairlab._files import write_text_atomic
from pairlab.checks import validate_lessons
from pairlab.curriculum._sheets import common_mistakes, run_sheet
from pairlab.errors import BadInput
from pairlab.lessons import Lesson, read_lessons, read_pack
from pairlab.resources import curriculum_dir, kits_dir, mistakes_dir

SOURCE_FOLDER = "source"
SOLUTIONS_FOLDER = "solutions"
BEGIN, END, LEARNER = "### BEGIN SOLUTION", "### END SOLUTION", "#> "
FACILITATOR = "facilitator"
KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}
Version = Literal["learner", "solution"]
# Cell metadata that describes the source text, not the notebook: jupytext's layout hints.
_SOURCE_ONLY = ("cell_id", "learner_tags", "lines_to_next_cell", "lines_to_end_of_cell_marker")


@dataclass
class BuildResult:
    """What a build wrote (or, with check=True, would have written)."""

    changed: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)


def _split(source: str, version: Version, where: str) -> str:
    """Return the cell's code for one version: the answer, or the learner's starting lines."""
    out: list[str] = []
    in_solution = False
    for number, line in enumerate(source.splitlines(), start=1):
        marker = line.strip()
        if marker in (BEGIN, END):
            if (marker == BEGIN) == in_solution:
                raise BadInput(f"{where} line {number}: unbalanced {marker}", f"pair it with {END}")
            in_solution = marker == BEGIN
        elif marker.startswith(LEARNER.strip()):
            if version == "learner":
                indent = line[: len(line) - len(line.lstrip())]
                out.append(indent + marker[len(LEARNER) :] if marker != "#>" else "")
        elif not in_solution or version == "solution":
            out.append(line)
    if in_solution:
        raise BadInput(f"{where}: {BEGIN} is never closed", f"add {END}")
    return "\n".join(out).strip("\n")


def _lines(text: str) -> list[str]:
    """Return text as nbformat stores it on disk: a list of lines keeping their newlines."""
    return text.splitlines(keepends=True)


def _cell(raw: dict[str, Any], version: Version, stem: str, index: int) -> dict[str, Any] | None:
    """Return one cell of the version, or None when the version leaves it out."""
    meta = {k: v for k, v in raw.get("metadata", {}).items() if k not in _SOURCE_ONLY}
    tags = meta.get("tags", [])
    if FACILITATOR in tags and version == "learner":
        return None
    if version == "learner" and "learner_tags" in raw.get("metadata", {}):
        # The exercise is the tag itself (lesson 8's `parameters`): the learner starts without.
        meta["tags"] = raw["metadata"]["learner_tags"]
    # Stable ids: the guide targets cells by id and tag, and diffs stay readable.
    cell_id = raw.get("metadata", {}).get("cell_id") or f"{stem[:2]}-{index:02d}"
    where = f"{stem}.py cell {index}"
    source = (
        raw["source"] if raw["cell_type"] == "markdown" else _split(raw["source"], version, where)
    )
    cell: dict[str, Any] = {"cell_type": raw["cell_type"], "id": cell_id, "metadata": meta}
    if raw["cell_type"] == "code":
        cell |= {"execution_count": None, "outputs": []}
    cell["source"] = _lines(source)
    return cell


def notebook_for(text: str, version: Version, stem: str) -> dict[str, Any]:
    """Return the learner or solution notebook of one lesson source, as JSON-ready data."""
    import jupytext  # costs seconds to import: only the build pays for it

    parsed = jupytext.reads(text, fmt="py:percent")
    cells = [_cell(c, version, stem, i) for i, c in enumerate(parsed["cells"], start=1)]
    metadata: dict[str, Any] = {"kernelspec": KERNEL, "language_info": {"name": "python"}}
    pairing = parsed["metadata"].get("pairlab", {}).get("solution_formats")
    if pairing and version == "solution":
        metadata["jupytext"] = {"formats": pairing}
    return {
        "cells": [c for c in cells if c is not None],
        "metadata": metadata,
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _dump(nb: dict[str, Any]) -> str:
    """Serialize like nbformat does, so saving in JupyterLab leaves a clean diff."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _paired_script(nb: dict[str, Any]) -> str:
    """Return the py:percent script jupytext writes for a paired notebook."""
    import jupytext

    text = jupytext.writes(jupytext.reads(_dump(nb), fmt="ipynb"), fmt="py:percent")
    # The header names the jupytext version that wrote it; leave it out so builds repeat exactly.
    return "".join(line for line in text.splitlines(True) if "jupytext_version:" not in line)


def _write(path: Path, text: str, check: bool, result: BuildResult) -> None:
    """Write `text` atomically when it differs; with check, only record that it would."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        result.unchanged.append(path)
        return
    result.changed.append(path)
    if check:
        return
    write_text_atomic(path, text, check=False)


def _refuse_core_names(root: Path, lessons: list[Lesson]) -> None:
    """Refuse a pack notebook named as a core lesson's: the guide tells lessons apart by name."""
    core = {lesson.notebook for lesson in read_lessons(curriculum_dir())}
    clash = [lesson.notebook for lesson in lessons if Path(lesson.notebook).name in core]
    if clash:
        raise BadInput(
            f"{root.name}: lesson notebook {clash[0]} has a core lesson's name",
            "name the pack's lessons NN-PACK-SLUG (its steps file and source)",
        )


def build(
    root: Path | None = None,
    check: bool = False,
    kits: Path | None = None,
    mistakes: Path | None = None,
) -> BuildResult:
    """Write every lesson's learner and solution notebook of the pack at `root` (the core's).

    The core pack also derives the ambassador kit's run-sheet and (where the mistakes corpus
    is, in a source checkout) its common mistakes; another pack writes its own run-sheet.
    """
    root = root or curriculum_dir()
    pack = read_pack(root)
    lessons = read_lessons(root)
    validate_lessons(lessons)  # a typo in a step fails the build, not a learner
    if not pack.is_core:
        _refuse_core_names(root, lessons)
    sources = sorted((root / SOURCE_FOLDER).glob("[0-9][0-9]-*.py"))
    if not sources:
        raise BadInput(f"no lesson sources in {root / SOURCE_FOLDER}", "add NN-slug.py files")
    result = BuildResult()
    versions: tuple[tuple[Version, Path], ...] = (
        ("learner", root),
        ("solution", root / SOLUTIONS_FOLDER),
    )
    for source in sources:
        text = source.read_text(encoding="utf-8")
        for version, folder in versions:
            nb = notebook_for(text, version, source.stem)
            target = folder / f"{source.stem}.ipynb"
            _write(target, _dump(nb), check, result)
            if "jupytext" in nb["metadata"]:
                _write(target.with_suffix(".py"), _paired_script(nb), check, result)
    if not pack.is_core:
        _write(root / "run-sheet.md", run_sheet(root, pack), check, result)
        return result
    ambassador = (kits or kits_dir()) / "ambassador" / "template"
    corpus = mistakes or mistakes_dir()
    if corpus is not None:  # an installed pairlab ships the sheet, not the corpus it comes from
        _write(ambassador / "common-mistakes.md", common_mistakes(root, corpus), check, result)
    _write(ambassador / "run-sheet.md", run_sheet(root), check, result)
    return result
