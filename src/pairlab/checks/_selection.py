"""Which checks a run needs: a step's declaration, a named set, or checks named by id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pairlab.checks._model import Check
from pairlab.checks._registry import registry
from pairlab.errors import BadInput
from pairlab.lessons import CheckRef, Lesson, get_step

# Named sets of checks, declared once: the guide's practice checks for any notebook (they read
# the file only, so they are cheap on every save) and what a promoted product must pass.
CHECK_SETS: dict[str, tuple[str, ...]] = {
    "practice": (
        "in-order",
        "lint-clean",
        "has-parameters",
        "uses-functions",
        "pure-functions",
        "no-secrets",
        "no-absolute-paths",
    ),
    "product": (
        "tests-pass",
        "lint-clean",
        "paired",
        "no-secrets",
        "product-descriptor",
        "contract-pass",
        "package-builds",
        "ci-configured",
    ),
}


@dataclass(frozen=True)
class Selected:
    """A check chosen for a run, with its validated arguments."""

    check: Check
    args: dict[str, Any]
    explicit: bool  # asked for by name (--only, a step): runs even where it does not apply


def validated(ref: CheckRef, where: str) -> Selected:
    """Return the check `ref` names with its arguments; else say which file and field is wrong."""
    if ref.id not in registry:
        known = ", ".join(c.id for c in registry)
        raise BadInput(f"{where}: field 'checks' names unknown check '{ref.id}'", f"known: {known}")
    try:
        args = registry.get(ref.id).validate_args(ref.args)
    except BadInput as exc:
        raise BadInput(f"{where}: field 'checks.args': {exc.problem}", exc.fix) from None
    return Selected(registry.get(ref.id), args, True)


def validate_lessons(lessons: Sequence[Lesson]) -> None:
    """Refuse any step that names an unknown check or arguments its check does not accept."""
    for lesson in lessons:
        for step in lesson.steps:
            for ref in step.checks:
                validated(ref, f"{lesson.file or lesson.id} step '{step.id}'")


def _step_checks(step: str) -> list[Selected]:
    """Return the checks a curriculum step declares, with their arguments."""
    lesson, found = get_step(step)
    where = f"{lesson.file or lesson.id} step '{found.id}'"
    return [validated(ref, where) for ref in found.checks]


def by_id(check_id: str) -> Selected:
    """Return the check `check_id` with its default arguments, asked for by name."""
    check = registry.get(check_id)
    return Selected(check, check.validate_args({}), True)


def select(step: str | None = None, only: Sequence[str] | None = None) -> list[Selected]:
    """Return the checks to run: a step's, narrowed by `only`; or `only`; or every check."""
    if step:
        chosen = _step_checks(step)
        if only:
            ids = [s.check.id for s in chosen]
            stray = [i for i in only if i not in ids]
            if stray:
                raise BadInput(
                    f"check '{stray[0]}' is not part of step '{step}'", f"its checks: {ids}"
                )
            chosen = [s for s in chosen if s.check.id in only]
        return chosen
    if only:
        return [by_id(i) for i in only]
    return [Selected(c, c.validate_args({}), False) for c in registry]
