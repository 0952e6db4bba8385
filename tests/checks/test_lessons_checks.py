"""Step definitions name real checks with acceptable arguments, or say where they do not."""

from __future__ import annotations

import pytest

from pairlab.checks import validate_lessons
from pairlab.errors import BadInput
from pairlab.lessons import known_packs, load_lessons, parse_lesson

LESSON = """
id = "explore"
title = "Explore"
notebook = "01-explore.ipynb"
[[steps]]
id = "connect"
title = "Connect"
goal = "Connect to the warehouse"
checks = [{checks}]
"""


def write(tmp_path, checks: str):
    """Write a one-step lesson declaring `checks` and return its path."""
    path = tmp_path / "01-explore.toml"
    path.write_text(LESSON.format(checks=checks))
    return path


def test_the_curriculum_declares_real_checks():
    for lesson in load_lessons():
        assert any(step.checks for step in lesson.steps), lesson.id


def test_every_shipped_step_names_registered_checks():
    for pack in known_packs():
        validate_lessons(pack.lessons())  # raises naming the file, step and field


def test_valid_checks_and_args_parse(tmp_path):
    text = '"in-order", {id = "runs-top-to-bottom", args = {parameters = {region = "north"}}}'
    lesson = parse_lesson(write(tmp_path, text))
    assert lesson.steps[0].checks[1].args == {"parameters": {"region": "north"}}
    validate_lessons([lesson])


@pytest.mark.parametrize(
    ("checks", "words"),
    [
        ('"in-ordre"', "field 'checks' names unknown check 'in-ordre'"),
        ('{id = "in-order", args = {consecutive = "yes"}}', "'consecutive'"),
        ('{id = "lint-clean", args = {selct = ["F"]}}', "no argument 'selct'"),
        ('{id = "tests-pass", args = {timeout = 1.5}}', "whole number"),
        ('{id = "paired", arg = {}}', "a check has no field 'arg'"),
    ],
)
def test_bad_check_declarations_name_file_step_and_field(tmp_path, checks, words):
    with pytest.raises(BadInput) as info:
        validate_lessons([parse_lesson(write(tmp_path, checks))])
    message = str(info.value)
    assert message.startswith("01-explore.toml step 'connect'")
    assert words in message
