"""The curriculum's lessons and steps, as the curriculum tests enumerate them."""

from __future__ import annotations

from pairlab.lessons import Lesson, Step, load_lessons

LESSONS = load_lessons()
STEPS = [(lesson, step) for lesson in LESSONS for step in lesson.steps]


def step_id(item: tuple[Lesson, Step]) -> str:
    """Return `lesson/step`, the id the checks and the guide use."""
    lesson, step = item
    return f"{lesson.id}/{step.id}"
