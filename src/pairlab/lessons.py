"""Read the curriculum's lesson and step definitions (curriculum/steps/*.toml; see docs/steps.md).

Every check a step names is validated here against the check registry (its id exists, its
arguments are accepted), so a typo in the curriculum fails when it is read, naming the file,
the step and the field, instead of when a learner presses Check.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pairlab.checks import registry, split_step
from pairlab.errors import BadInput, NotFound
from pairlab.resources import curriculum_dir

STEPS_FOLDER = "steps"


@dataclass(frozen=True)
class CheckRef:
    """One check a step runs: a registered check id and its arguments."""

    id: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """One step of a lesson: what to do, a hint, and the checks that prove it done."""

    id: str
    title: str
    goal: str
    hint: str = ""
    checks: tuple[CheckRef, ...] = ()


@dataclass(frozen=True)
class Lesson:
    """One lesson: a notebook in the curriculum plus its ordered steps."""

    id: str
    title: str
    notebook: str
    summary: str = ""
    facilitator_notes: str = ""
    steps: tuple[Step, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Return the lesson as plain JSON-ready data."""
        return asdict(self)


def _require(table: dict[str, Any], key: str, where: str) -> str:
    """Return the non-empty string `table[key]` or explain which field is missing."""
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{where}: field '{key}' must be a non-empty string", "add it to the file")
    return value


def _parse_check(raw: Any, where: str) -> CheckRef:
    """Parse `{id = "...", args = {...}}` or a bare check id."""
    if isinstance(raw, str):
        return _validated(CheckRef(id=raw), where)
    if not isinstance(raw, dict):
        raise BadInput(f"{where}: a check must be an id or a table", 'write {id = "in-order"}')
    args = raw.get("args", {})
    if not isinstance(args, dict):
        raise BadInput(f"{where}: check 'args' must be a table", "write args = {name = value}")
    stray = sorted(set(raw) - {"id", "args"})
    if stray:
        raise BadInput(f"{where}: a check has no field '{stray[0]}'", "use only id and args")
    return _validated(CheckRef(id=_require(raw, "id", where), args=args), where)


def _validated(ref: CheckRef, where: str) -> CheckRef:
    """Return `ref` if the registry knows its id and accepts its args; else name the field."""
    if ref.id not in registry:
        known = ", ".join(c.id for c in registry)
        raise BadInput(f"{where}: field 'checks' names unknown check '{ref.id}'", f"known: {known}")
    try:
        registry.get(ref.id).validate_args(ref.args)
    except BadInput as exc:
        raise BadInput(f"{where}: field 'checks.args': {exc.problem}", exc.fix) from None
    return ref


def _parse_step(raw: dict[str, Any], where: str, every: tuple[CheckRef, ...] = ()) -> Step:
    """Parse one [[steps]] table; the lesson's `every_step` checks follow the step's own."""
    step_id = _require(raw, "id", where)
    here = f"{where} step '{step_id}'"
    own = tuple(_parse_check(c, here) for c in raw.get("checks", []))
    if not own:
        raise BadInput(f"{here}: field 'checks' is empty", "name the checks that prove the step")
    ids = {ref.id for ref in own}
    checks = own + tuple(ref for ref in every if ref.id not in ids)
    return Step(
        id=step_id,
        title=_require(raw, "title", here),
        goal=_require(raw, "goal", here),
        hint=raw.get("hint", ""),
        checks=checks,
    )


def parse_lesson(path: Path) -> Lesson:
    """Read one lesson definition file, naming the file and field on any error."""
    where = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{where}: not valid TOML ({exc})", "fix the syntax") from None
    raw_every = data.get("every_step", [])
    if not isinstance(raw_every, list):
        raise BadInput(f"{where}: field 'every_step' must be a list", 'write ["no-secrets"]')
    every = tuple(_parse_check(c, f"{where} every_step") for c in raw_every)
    steps = tuple(_parse_step(s, where, every) for s in data.get("steps", []))
    ids = [s.id for s in steps]
    if len(ids) != len(set(ids)):
        raise BadInput(f"{where}: step ids repeat", "give every step its own id")
    return Lesson(
        id=_require(data, "id", where),
        title=_require(data, "title", where),
        notebook=_require(data, "notebook", where),
        summary=data.get("summary", ""),
        facilitator_notes=data.get("facilitator_notes", ""),
        steps=steps,
    )


def load_lessons(root: Path | None = None) -> list[Lesson]:
    """Return every lesson of the curriculum at `root`, in file-name order."""
    folder = (root or curriculum_dir()) / STEPS_FOLDER
    lessons = [parse_lesson(p) for p in sorted(folder.glob("*.toml"))]
    ids = [lesson.id for lesson in lessons]
    if len(ids) != len(set(ids)):
        raise BadInput(f"{folder}: lesson ids repeat", "give every lesson its own id")
    return lessons


def get_lesson(lesson_id: str, root: Path | None = None) -> Lesson:
    """Return the lesson with id `lesson_id`."""
    for lesson in load_lessons(root):
        if lesson.id == lesson_id:
            return lesson
    raise NotFound(f"no lesson '{lesson_id}'", "run `pairlab lessons` to list them")


def get_step(ref: str, root: Path | None = None) -> tuple[Lesson, Step]:
    """Return the lesson and step that 'lesson/step' names."""
    lesson_id, step_id = split_step(ref)
    lesson = get_lesson(lesson_id, root)
    for step in lesson.steps:
        if step.id == step_id:
            return lesson, step
    known = ", ".join(s.id for s in lesson.steps)
    raise NotFound(f"lesson '{lesson_id}' has no step '{step_id}'", f"its steps: {known}")
