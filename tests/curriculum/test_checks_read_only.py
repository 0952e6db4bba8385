"""Pressing Check changes nothing the pair has: every step's Check of the solutions, kernel runs
included, leaves each lesson folder's files and git history exactly as they were.

Shares the session's executed solutions (conftest.py): the folders are read before and after
every step was checked there, so this costs only the reading.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from curriculum_steps import LESSONS
from folder_state import changes

pytestmark = [pytest.mark.slow, pytest.mark.kernel]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_checking_every_step_leaves_the_pairs_folder_unchanged(solutions, lesson):
    stem = Path(lesson.notebook).stem
    before, after = solutions.before[stem], solutions.after[stem]
    assert lesson.notebook in before  # the folder was read, with its notebook
    assert changes(before, after) == []


def test_the_lesson_folders_that_commit_are_read_with_their_git_history(solutions):
    # Lesson 7 commits in its folder: the comparison covers its history, not only its files.
    logs = [k for k in solutions.before["07-pair-and-version"] if k.startswith("git log")]
    assert logs and solutions.before["07-pair-and-version"][logs[0]].strip()
