"""A step never depends on a later step's cells: a pair working in order can pass each step.

A step's fresh run (`answers-match` with `through`) keeps the cells up to the last one carrying
its tag; no cell of a later step may sit among them, or the step fails until the exercises after
it are done.
"""

from __future__ import annotations

import json

import pytest
from curriculum_steps import STEPS, step_id

from pairlab.curriculum._build import SOLUTIONS_FOLDER
from pairlab.resources import curriculum_dir


def _tags(lesson) -> list[set[str]]:
    """Return each cell's tags in the lesson's solution notebook."""
    nb = json.loads((curriculum_dir() / SOLUTIONS_FOLDER / lesson.notebook).read_text())
    return [set(c["metadata"].get("tags", [])) for c in nb["cells"]]


@pytest.mark.parametrize("item", STEPS, ids=step_id)
def test_a_steps_fresh_run_holds_no_cell_of_a_later_step(item):
    lesson, step = item
    tags = _tags(lesson)
    later = {f"step:{s.id}" for s in lesson.steps[lesson.steps.index(step) + 1 :]}
    for ref in step.checks:
        through = ref.args.get("through") if ref.id == "answers-match" else None
        if not through:
            continue
        last = max(i for i, t in enumerate(tags) if through in t)
        among = [i + 1 for i, t in enumerate(tags[: last + 1]) if t & later]
        assert not among, f"{step_id(item)} runs through cell {last + 1}: later cells {among}"
