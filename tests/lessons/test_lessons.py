"""Lesson definitions: the curriculum parses, and a broken file says which file and field."""

from pathlib import Path

import pytest

from pairlab.errors import BadInput, NotFound
from pairlab.lessons import get_lesson, load_lessons, parse_lesson
from pairlab.resources import curriculum_dir


def write(folder: Path, name: str, text: str) -> Path:
    """Write a lesson file under folder/steps and return its path."""
    steps = folder / "steps"
    steps.mkdir(parents=True, exist_ok=True)
    path = steps / name
    path.write_text(text)
    return path


GOOD = """
id = "explore"
title = "Explore"
notebook = "01-explore.ipynb"
[[steps]]
id = "connect"
title = "Connect"
goal = "Connect to the warehouse"
checks = ["in-order", {id = "runs-top-to-bottom", args = {timeout = 60}}]
"""


def test_every_lesson_notebook_exists():
    for lesson in load_lessons():
        assert (curriculum_dir() / lesson.notebook).is_file(), lesson.notebook


def test_parse_a_lesson(tmp_path):
    lesson = parse_lesson(write(tmp_path, "01.toml", GOOD))
    assert lesson.id == "explore"
    assert [c.id for c in lesson.steps[0].checks] == ["in-order", "runs-top-to-bottom"]
    assert lesson.steps[0].checks[1].args == {"timeout": 60}


def test_every_step_checks_follow_each_steps_own_once(tmp_path):
    text = 'every_step = ["no-secrets", {id = "in-order", args = {consecutive = true}}]\n' + GOOD
    lesson = parse_lesson(write(tmp_path, "01.toml", text))
    ids = [c.id for c in lesson.steps[0].checks]
    # The step's own in-order wins over the lesson-wide one; no-secrets is appended.
    assert ids == ["in-order", "runs-top-to-bottom", "no-secrets"]
    assert lesson.steps[0].checks[0].args == {}


def test_lessons_come_in_file_name_order(tmp_path):
    write(tmp_path, "02.toml", GOOD.replace('"explore"', '"second"', 1))
    write(tmp_path, "01.toml", GOOD)
    assert [x.id for x in load_lessons(tmp_path)] == ["explore", "second"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id = ", "not valid TOML"),
        ('title = "T"\nnotebook = "n.ipynb"', "field 'id'"),
        (GOOD.replace('goal = "Connect to the warehouse"', ""), "step 'connect': field 'goal'"),
        (
            GOOD + '[[steps]]\nid = "connect"\ntitle = "x"\ngoal = "y"\nchecks = ["in-order"]',
            "step ids repeat",
        ),
        (GOOD + '[[steps]]\nid = "more"\ntitle = "x"\ngoal = "y"', "'checks' is empty"),
        ('every_step = "no-secrets"\n' + GOOD, "'every_step' must be a list"),
        (GOOD.replace('"in-order", ', "42, "), "a check must be an id or a table"),
    ],
)
def test_broken_lesson_names_file_and_field(tmp_path, text, message):
    path = write(tmp_path, "01-broken.toml", text)
    with pytest.raises(BadInput) as info:
        parse_lesson(path)
    assert "01-broken.toml" in str(info.value)
    assert message in str(info.value)


def test_repeated_lesson_ids(tmp_path):
    write(tmp_path, "01.toml", GOOD)
    write(tmp_path, "02.toml", GOOD)
    with pytest.raises(BadInput, match="lesson ids repeat"):
        load_lessons(tmp_path)


def test_unknown_lesson():
    with pytest.raises(NotFound, match="no lesson 'nope'"):
        get_lesson("nope")
