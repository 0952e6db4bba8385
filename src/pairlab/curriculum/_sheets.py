"""Write the run-sheet and common mistakes of a pack from its own files (the core's: the kit's)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pairlab.errors import BadInput
from pairlab.lessons import Lesson, Pack, read_lessons

SOURCES = ("solution", "learner-shipped", "learner-executed")
HEADER = "<!-- Written by `pairlab curriculum build` from {where}; edit those, not this. -->\n"


def load_mistakes(root: Path, corpus: Path) -> list[dict[str, Any]]:
    """Return the mistakes corpus, lesson file by lesson file, each naming a step that exists."""
    steps = {f"{lesson.id}/{step.id}" for lesson in read_lessons(root) for step in lesson.steps}
    entries = []
    for path in sorted(corpus.glob("*.toml")):
        where = f"{corpus.name}/{path.name}"
        for entry in tomllib.loads(path.read_text(encoding="utf-8")).get("mistake", []):
            if entry.get("step") not in steps:
                raise BadInput(f"{where}: no step '{entry.get('step')}'", "use LESSON/STEP ids")
            entry.setdefault("from", "solution")
            if entry["from"] not in SOURCES:
                raise BadInput(f"{where}: from = '{entry['from']}'", f"use one of {SOURCES}")
            entry["file"] = where
            entries.append(entry)
    return entries


def common_mistakes(root: Path, corpus: Path) -> str:
    """Return common-mistakes.md: per lesson, what goes wrong and what the check then says."""
    # Only entries with words for people; the message is the fragment the tests prove it shows.
    mistakes = [m for m in load_mistakes(root, corpus) if m.get("mistake")]
    lines = [HEADER.format(where="curriculum/"), "# Common mistakes, lesson by lesson", ""]
    lines += [
        "Each is what a pair does that makes a step's check fail, and the words the guide shows",
        "then. Watch for them as navigator; let the check fail before you explain.",
    ]
    for lesson in read_lessons(root):
        order = [f"{lesson.id}/{step.id}" for step in lesson.steps]
        found = [m for m in mistakes if m["step"] in order]
        if not found:
            continue
        lines += ["", f"## {lesson.notebook[:2]}. {lesson.title}", ""]
        for m in sorted(found, key=lambda m: order.index(m["step"])):  # stable: file order
            step = m["step"].split("/")[1]
            said = f"`{m['check']}` says: *...{m['message']}...*"
            lines.append(f"- **{step}**: {m['mistake']} The guide's {said}")
    return "\n".join(lines) + "\n"


def _lesson_block(lesson: Lesson) -> list[str]:
    """Return one lesson's part of the run-sheet."""
    lines = ["", f"## {lesson.notebook[:2]}. {lesson.title} (`{lesson.notebook}`)", ""]
    lines += [lesson.summary, ""]
    lines += [
        f"{n}. **{s.title}**: {s.goal} *Hint*: {s.hint}" for n, s in enumerate(lesson.steps, 1)
    ]
    notes = " ".join(lesson.facilitator_notes.split())
    return [*lines, "", f"> Facilitator: {notes}"] if notes else lines


def run_sheet(root: Path, pack: Pack | None = None) -> str:
    """Return run-sheet.md: a pack condensed to steps, goals, hints and notes."""
    if pack is None:
        lines = [HEADER.format(where="curriculum/"), "# Run-sheet: the pairlab path, condensed", ""]
    else:
        lines = [HEADER.format(where="the pack's steps/"), f"# Run-sheet: {pack.title}", ""]
    lines += [
        "Start from your own product: `pairlab lesson new my-pack --from PRODUCT_DIR` writes a",
        "lesson pack from it; `pairlab curriculum run --pack my-pack --solutions` proves its",
        "steps; `pairlab lab --pack my-pack` opens it beside the core lessons. Then, per session:",
        "",
    ]
    lines += [
        "One page per session: open the lesson's notebook, start a pairing session in the guide,",
        "rotate at every heading, and press Check after each step.",
    ]
    for lesson in read_lessons(root):
        lines += _lesson_block(lesson)
    return "\n".join(lines) + "\n"
