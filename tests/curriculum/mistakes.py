"""The mistakes corpus engine: plant a mistake in a lesson's solution, run it, judge the step.

Each solution entry of mistake-corpus/*.toml (format: mistake-corpus/README.md) is
applied to a copy of the staged solution notebook, executed cell by cell in a real kernel as the
pair ran it (errors land in the outputs and the run goes on), saved, and then the step is
checked with the one library call every face uses. `problems()` lists every way the outcome
differs from what the entry promises; the corpus test asserts that list is empty.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

from pairlab.checks import StepResult, run_step
from pairlab.checks._kernels import close_client
from pairlab.checks.execution import kernel_in
from pairlab.curriculum._sheets import load_mistakes
from pairlab.lessons import Lesson, get_lesson

CELL_TIMEOUT = 300
EDIT_KINDS = ("replace", "append", "source", "insert_after", "delete", "untag", "tag")
ENTRY_KEYS = {"step", "check", "message", "mistake", "from", "verdict", "edit", "run", "after"}
CORPUS_DIR = Path(__file__).resolve().parent / "mistake-corpus"  # beside this engine
ENTRY_KEYS |= {"file"}  # added by load_mistakes: where the entry lives
RUN_KEYS = {"skip", "first", "twice", "none"}
AFTER_KEYS = {"file", "replace", "with"}
NAMES_A_CELL = re.compile(r"\bcell \d+")


class CorpusError(Exception):
    """An entry no longer fits its lesson (a cell or a text it names is gone): update it."""


@dataclass(frozen=True)
class Mistake:
    """One corpus entry: the step it turns red, how, and what the pair did."""

    step: str
    check: str
    message: str
    where: str  # "mistakes/01-explore.toml #2": the file and the entry's position in it
    verdict: str = "fail"
    edits: tuple[dict[str, Any], ...] = ()
    run: dict[str, Any] = field(default_factory=dict)
    after: tuple[dict[str, Any], ...] = ()

    @property
    def lesson(self) -> Lesson:
        """Return the lesson the step belongs to."""
        return get_lesson(self.step.split("/")[0])

    @property
    def id(self) -> str:
        """Return a short test id: the step and the entry's position in its file."""
        return f"{self.step}#{self.where.rsplit('#', 1)[1]}"


def _validated(entry: dict[str, Any], where: str) -> Mistake:
    """Return the entry as a Mistake; raise CorpusError on a key the format does not know."""
    stray = set(entry) - ENTRY_KEYS
    stray |= {k for k in entry.get("run", {}) if k not in RUN_KEYS}
    for edit in entry.get("edit", []):
        kinds = [k for k in edit if k in EDIT_KINDS]
        if len(kinds) != 1:
            raise CorpusError(f"{where}: an edit needs exactly one of {EDIT_KINDS}, got {kinds}")
        stray |= set(edit) - {"cell", "with", *EDIT_KINDS}
    for after in entry.get("after", []):
        stray |= set(after) - AFTER_KEYS
    if stray:
        raise CorpusError(f"{where}: unknown keys {sorted(stray)}")
    for key in ("check", "message"):
        if not entry.get(key):
            raise CorpusError(f"{where}: `{key}` is missing")
    return Mistake(
        step=entry["step"],
        check=entry["check"],
        message=entry["message"],
        where=where,
        verdict=entry.get("verdict", "fail"),
        edits=tuple(entry.get("edit", [])),
        run=dict(entry.get("run", {})),
        after=tuple(entry.get("after", [])),
    )


def corpus(root: Path) -> list[Mistake]:
    """Return the corpus's solution entries, in file order."""
    found, seen = [], {}
    for entry in load_mistakes(root, CORPUS_DIR):
        seen[entry["file"]] = seen.get(entry["file"], 0) + 1
        if entry["from"] == "solution":
            found.append(_validated(entry, f"{entry['file']} #{seen[entry['file']]}"))
    return found


def find_cell(nb: Any, ref: str) -> int:
    """Return the index of the cell `ref` names: a tag ("step:x", "step:x#2") or a cell id."""
    tag, _, nth = ref.partition("#")
    tagged = [i for i, c in enumerate(nb.cells) if tag in c.metadata.get("tags", [])]
    if tagged:
        number = int(nth or 1)
        if number > len(tagged):
            raise CorpusError(f"only {len(tagged)} cells carry the tag {tag!r}, not {number}")
        return tagged[number - 1]
    by_id = [i for i, c in enumerate(nb.cells) if c.get("id") == ref]
    if not by_id:
        raise CorpusError(f"no cell carries the tag or id {ref!r}")
    return by_id[0]


def _replace(text: str, old: str, new: str, where: str) -> str:
    """Return text with the first `old` replaced; raise CorpusError when `old` is not there."""
    if old not in text:
        raise CorpusError(f"{where} does not contain {old!r}: the corpus is out of date")
    return text.replace(old, new, 1)


def apply_edit(nb: Any, edit: dict[str, Any], inserted: list[int]) -> None:
    """Apply one [[mistake.edit]] to the notebook in memory."""
    index = find_cell(nb, edit["cell"])
    cell = nb.cells[index]
    where = f"cell {index + 1} ({edit['cell']})"
    tags = cell.metadata.setdefault("tags", [])
    if "replace" in edit:
        cell.source = _replace(cell.source, edit["replace"], edit.get("with", ""), where)
    elif "append" in edit:
        cell.source += edit["append"]
    elif "source" in edit:
        cell.source = edit["source"]
    elif "insert_after" in edit:
        inserted.append(len(inserted) + 1)
        new = nbformat.v4.new_code_cell(edit["insert_after"], id=f"inserted-{len(inserted)}")
        nb.cells.insert(index + 1, new)
    elif edit.get("delete"):
        del nb.cells[index]
    elif "untag" in edit:
        if edit["untag"] not in tags:
            raise CorpusError(f"{where} has no tag {edit['untag']!r}")
        tags.remove(edit["untag"])
    elif "tag" in edit:
        tags.append(edit["tag"])
    if not tags:
        del cell.metadata["tags"]


def run_order(nb: Any, run: dict[str, Any]) -> list[int]:
    """Return the indices of the code cells to execute, in the order the pair ran them."""
    if run.get("none"):
        return []
    skip = {find_cell(nb, ref) for ref in run.get("skip", [])}
    first = [find_cell(nb, ref) for ref in run.get("first", [])]
    rest = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and i not in skip and i not in first
    ]
    return [*first, *rest, *(find_cell(nb, ref) for ref in run.get("twice", []))]


def execute(nb: Any, folder: Path, order: list[int]) -> None:
    """Run the cells `order` lists in one fresh kernel started in `folder`, keeping errors."""
    from jupyter_core.utils import ensure_event_loop

    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    if not order:
        return
    try:
        # A pooled kernel, as a check's run gets one: no kernel start or heavy imports to wait for.
        with kernel_in(folder) as km:
            client = NotebookClient(
                nb,
                km=km,
                timeout=CELL_TIMEOUT,
                kernel_name="python3",
                allow_errors=True,
                resources={"metadata": {"path": str(folder)}},
            )
            try:
                with client.setup_kernel():
                    for index in order:
                        client.execute_cell(nb.cells[index], index)
            finally:
                if km is not None and client.kc is not None:  # nbclient leaves a lent km's client
                    close_client(client.kc)
    finally:
        # nbclient ran on this thread's event loop; close it or each worker leaves one open.
        ensure_event_loop().close()


def apply_after(folder: Path, after: dict[str, Any]) -> None:
    """Edit a file of the lesson's folder after the run (the notebook saved, its .py not)."""
    path = folder / after["file"]
    text = _replace(path.read_text(encoding="utf-8"), after["replace"], after["with"], str(path))
    path.write_text(text, encoding="utf-8")


@dataclass
class Outcome:
    """What the planted mistake produced: the step's result and the other steps' static ones."""

    step: StepResult
    others: dict[str, StepResult]


def plant_and_check(mistake: Mistake, pristine: Path, work: Path) -> Outcome:
    """Copy the lesson's staged solution folder, plant the mistake, run it and check the step."""
    lesson = mistake.lesson
    folder = work / Path(lesson.notebook).stem
    shutil.copytree(pristine / folder.name, folder)
    notebook = folder / lesson.notebook
    nb = nbformat.read(notebook, as_version=4)
    inserted: list[int] = []
    for edit in mistake.edits:
        apply_edit(nb, edit, inserted)
    execute(nb, folder, run_order(nb, mistake.run))
    nbformat.write(nb, notebook)
    for after in mistake.after:
        apply_after(folder, after)
    result = run_step(notebook, mistake.step)
    others = {
        f"{lesson.id}/{step.id}": run_step(notebook, f"{lesson.id}/{step.id}", include_runs=False)
        for step in lesson.steps
        if f"{lesson.id}/{step.id}" != mistake.step
        and mistake.check not in {ref.id for ref in step.checks}
    }
    return Outcome(result, others)


def problems(mistake: Mistake, outcome: Outcome) -> list[str]:
    """Return how the outcome differs from what the entry promises (nothing when it keeps it)."""
    found = []
    result = outcome.step
    if result.verdict != mistake.verdict:
        found.append(f"verdict {result.verdict}, not {mistake.verdict}: {result.message}")
    failing = {r.id: r for r in result.results if r.status != "pass"}
    if set(failing) != {mistake.check}:
        said = {i: r.message for i, r in failing.items()}
        found.append(f"the failing checks are {said or 'none'}, not only {mistake.check}")
    ours = failing.get(mistake.check)
    if ours is not None:
        if mistake.message not in ours.message:
            found.append(f"{mistake.check} says {ours.message!r}, without {mistake.message!r}")
        if ours.cells and not NAMES_A_CELL.search(ours.message):
            found.append(
                f"{mistake.check} reports cells {ours.cells} but names none: {ours.message!r}"
            )
    for step, other in outcome.others.items():
        if other.verdict not in ("pass", "pending"):
            found.append(f"step {step} turned {other.verdict} too: {other.message}")
    return found
