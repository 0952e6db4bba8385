"""Read lesson packs: their descriptors, lessons and step definitions (see docs/steps.md).

A pack is a folder holding `pack.toml`, `steps/*.toml` (one lesson each), lesson sources and
the notebooks built from them. The core curriculum is the built-in pack; others come from
installed distributions (entry-point group `pairlab.curricula`) or from $PAIRLAB_PACKS (a path
list, which `pairlab lab --pack` and `pairlab curriculum run --pack` set). This module reads
definitions only: the checks a step names are validated where checks run (pairlab.checks).
"""

from __future__ import annotations

import contextlib
import os
import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from importlib.metadata import entry_points
from pathlib import Path, PurePosixPath
from typing import Any

from pairlab.errors import BadInput, NotFound
from pairlab.resources import curriculum_dir

STEPS_FOLDER = "steps"
PACK_FILE = "pack.toml"
ENTRY_POINT_GROUP = "pairlab.curricula"
PACKS_ENV = "PAIRLAB_PACKS"
CORE = "pairlab"  # the built-in pack's name
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


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
    pack: str = ""  # the pack's name; its notebooks sit in a workspace folder of that name
    file: str = field(default="", compare=False)  # the step definition's file name, for errors

    def to_json(self) -> dict[str, Any]:
        """Return the lesson as plain JSON-ready data."""
        data = asdict(self)
        del data["file"]
        return data


def lesson_number(lesson: Lesson, position: int) -> int:
    """Return the lesson's number as its notebook says it (0 for 00-welcome.ipynb), else its place.

    The guide shows "Lesson N" as the notebooks count, from this number; it never works it out.
    """
    found = re.match(r"\d+", PurePosixPath(lesson.notebook).name)
    return int(found.group()) if found else position


def lessons_json(lessons: Sequence[Lesson]) -> list[dict[str, Any]]:
    """Return the lessons as JSON-ready data, each with its number."""
    return [{**x.to_json(), "number": lesson_number(x, i)} for i, x in enumerate(lessons)]


def _require(table: dict[str, Any], key: str, where: str) -> str:
    """Return the non-empty string `table[key]` or explain which field is missing."""
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{where}: field '{key}' must be a non-empty string", "add it to the file")
    return value


def _parse_check(raw: Any, where: str) -> CheckRef:
    """Parse `{id = "...", args = {...}}` or a bare check id (pairlab.checks validates it)."""
    if isinstance(raw, str):
        return CheckRef(id=raw)
    if not isinstance(raw, dict):
        raise BadInput(f"{where}: a check must be an id or a table", 'write {id = "in-order"}')
    args = raw.get("args", {})
    if not isinstance(args, dict):
        raise BadInput(f"{where}: check 'args' must be a table", "write args = {name = value}")
    stray = sorted(set(raw) - {"id", "args"})
    if stray:
        raise BadInput(f"{where}: a check has no field '{stray[0]}'", "use only id and args")
    return CheckRef(id=_require(raw, "id", where), args=args)


def split_step(step: str) -> tuple[str, str]:
    """Split 'lesson/step' into its two ids."""
    lesson_id, sep, step_id = step.partition("/")
    if not sep or not lesson_id or not step_id or "/" in step_id:
        raise BadInput(f"step '{step}' is not LESSON/STEP", "e.g. welcome/run-in-order")
    return lesson_id, step_id


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
        file=where,
    )


def read_lessons(root: Path) -> list[Lesson]:
    """Return the lessons in `root`/steps, in file-name order, notebooks relative to root."""
    folder = root / STEPS_FOLDER
    lessons = [parse_lesson(p) for p in sorted(folder.glob("*.toml"))]
    _unique([lesson.id for lesson in lessons], folder)
    return lessons


def _unique(ids: list[str], where: Path | str) -> None:
    """Refuse lesson ids that repeat."""
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise BadInput(
            f"{where}: lesson ids repeat ({repeated[0]})", "give every lesson its own id"
        )


def load_lessons(root: Path | None = None) -> list[Lesson]:
    """Return the lessons of the folder `root`, or (None) of every known pack.

    A workspace holds the core's notebooks at its top and each other pack's in a folder named
    after the pack; the lessons of all packs are listed with notebook paths relative to it.
    """
    if root is not None:
        return read_lessons(root)
    lessons = [lesson for pack in known_packs() for lesson in pack.lessons(in_workspace=True)]
    _unique([lesson.id for lesson in lessons], "the known packs")
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


@dataclass(frozen=True)
class Pack:
    """A lesson pack: a folder of lessons with a descriptor (pack.toml)."""

    name: str
    title: str
    root: Path
    domain: str = ""
    owner: str = ""
    warehouse_url_variable: str = "PAIRLAB_WAREHOUSE_URL"

    @property
    def is_core(self) -> bool:
        """Return whether this is the built-in curriculum (the top of a workspace)."""
        return self.name == CORE

    @property
    def folder(self) -> str:
        """Return where the pack's notebooks sit in a workspace: '' (its top) or a folder."""
        return "" if self.is_core else self.name

    def lessons(self, in_workspace: bool = False) -> list[Lesson]:
        """Return the pack's lessons; `in_workspace` makes notebook paths workspace-relative."""
        prefix = f"{self.folder}/" if in_workspace and self.folder else ""
        return [
            replace(lesson, notebook=prefix + lesson.notebook, pack=self.name)
            for lesson in read_lessons(self.root)
        ]


def read_pack(root: Path) -> Pack:
    """Read the pack descriptor in `root`, naming the field on any error."""
    path = root / PACK_FILE
    if not path.is_file():
        raise BadInput(f"{root} holds no {PACK_FILE}", "make a pack with `pairlab lesson new`")
    where = f"{root.name}/{PACK_FILE}"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8")).get("pack", {})
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{where}: not valid TOML ({exc})", "fix the syntax") from None
    name = _require(data, "name", f"{where} [pack]")
    if not _NAME.match(name):
        raise BadInput(f"{where}: name '{name}' is not lower-case-with-dashes", "rename it")
    return Pack(
        name=name,
        title=_require(data, "title", f"{where} [pack]"),
        root=root.resolve(),
        domain=data.get("domain", ""),
        owner=data.get("owner", ""),
        warehouse_url_variable=data.get("warehouse_url_variable", "PAIRLAB_WAREHOUSE_URL"),
    )


def core_pack() -> Pack:
    """Return the built-in curriculum as a pack."""
    return read_pack(curriculum_dir())


def installed_packs() -> list[Pack]:
    """Return the packs installed distributions declare in the `pairlab.curricula` group.

    An entry point's value is a package (its folder holds pack.toml) or a path to the pack.
    """
    packs = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        target = ep.load()
        file = getattr(target, "__file__", None)
        root = Path(file).parent if file else Path(str(target))
        packs.append(read_pack(root))
    return packs


def listed_packs() -> list[Pack]:
    """Return the packs $PAIRLAB_PACKS names (a path list)."""
    listed = os.environ.get(PACKS_ENV, "").split(os.pathsep)
    return [read_pack(Path(p)) for p in listed if p.strip()]


def use_pack(root: Path) -> Pack:
    """Make the pack at `root` known to this process and the processes it starts."""
    pack = read_pack(root)
    listed = [p for p in os.environ.get(PACKS_ENV, "").split(os.pathsep) if p.strip()]
    if str(pack.root) not in listed:
        os.environ[PACKS_ENV] = os.pathsep.join([*listed, str(pack.root)])
    return pack


@contextlib.contextmanager
def using_pack(root: Path) -> Iterator[Pack]:
    """Make the pack at `root` known while the block runs, then forget it again."""
    before = os.environ.get(PACKS_ENV)
    try:
        yield use_pack(root)
    finally:
        if before is None:
            os.environ.pop(PACKS_ENV, None)
        else:
            os.environ[PACKS_ENV] = before


def known_packs() -> list[Pack]:
    """Return the core pack, then installed packs, then listed ones; each pack once."""
    packs: dict[str, Pack] = {}
    for pack in (core_pack(), *installed_packs(), *listed_packs()):
        seen = packs.setdefault(pack.name, pack)
        if seen.root != pack.root:
            raise BadInput(
                f"two packs are named '{pack.name}': {seen.root} and {pack.root}",
                "rename one in its pack.toml",
            )
    return list(packs.values())
