"""The pairing-session and ambassador kits render with copier into what a facilitator needs."""

from __future__ import annotations

import csv
import json

import nbformat
import pytest

from pairlab.cli import main
from pairlab.lessons import load_lessons


def run(*args: str) -> int:
    """Run the CLI and return its exit code."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    return exit_info.value.code


def test_a_pairing_session_renders_for_a_named_pair(tmp_path):
    dest = tmp_path / "session"
    pairs = ["--pair", "Ana:analyst", "--pair", "Eli:engineer", "--pair", "Bo:analyst"]
    code = run(
        "new",
        "pairing-session",
        str(dest),
        *pairs,
        "--product",
        "Claims frequency",
        "--rotation",
        "20",
        "--date",
        "2026-02-03",
    )
    assert code in (0, None)
    readme = (dest / "README.md").read_text()
    assert (
        "# Pairing session: Claims frequency" in readme
        and "**Ana** (analyst): drives first" in readme
    )
    agenda = (dest / "agenda.md").read_text()
    assert (
        "| 09:30 | `00-welcome.ipynb` | 15 |" in agenda and "| 09:55 | `01-explore.ipynb`" in agenda
    )
    rotation = (dest / "rotation-plan.md").read_text().splitlines()
    slots = [line for line in rotation if line.startswith("| ") and line[2].isdigit()]
    assert len(slots) == 9  # 165 minutes of lessons in 20-minute slots
    assert slots[0].endswith("| Ana | Eli |") and slots[3].endswith("| Ana | Eli |")
    assert "Eli (engineer): bring the practice" in (dest / "role-cards.md").read_text()
    retro = nbformat.read(dest / "retro.ipynb", as_version=4)
    nbformat.validate(retro)
    assert retro.cells[0].source == "# Retro: Claims frequency (2026-02-03)"
    assert json.loads(retro.cells[2].source.split(" = ", 1)[1])[2] == {
        "name": "Bo",
        "role": "analyst",
    }
    assert (dest / ".copier-answers.yml").is_file() and (dest / ".git").is_dir()


def test_the_retro_notebook_runs_and_is_ruff_clean(tmp_path):
    import subprocess
    import sys

    dest = tmp_path / "session"
    assert run(
        "new", "pairing-session", str(dest), "--pair", "A:analyst", "--pair", "B:engineer"
    ) in (0, None)
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", str(dest / "retro.ipynb")],
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout
    namespace: dict[str, object] = {}
    for cell in nbformat.read(dest / "retro.ipynb", as_version=4).cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, "retro", "exec"), namespace)  # noqa: S102 - our own template
    assert namespace["participants"] == [
        {"name": "A", "role": "analyst"},
        {"name": "B", "role": "engineer"},
    ]


@pytest.mark.parametrize(
    ("pairs", "problem"),
    [
        (["--pair", "Ana:analyst"], "needs 2 to 4 people; got 1"),
        (["--pair", "Ana:analyst", "--pair", "Eli:manager"], "is not NAME:ROLE"),
        ([f"--pair=P{i}:analyst" for i in range(5)], "got 5"),
    ],
)
def test_bad_pairs_are_one_line_and_exit_2(tmp_path, capsys, pairs, problem):
    assert run("new", "pairing-session", str(tmp_path / "s"), *pairs) == 2
    err = capsys.readouterr().err
    assert problem in err and err.count("\n") == 1 and not (tmp_path / "s").exists()


def test_an_ambassador_kit_renders_with_the_curriculums_sheets(tmp_path):
    dest = tmp_path / "ambassador"
    code = run(
        "new",
        "ambassador",
        str(dest),
        "--name",
        "Ana",
        "--team",
        "motor pricing",
        "--teammate",
        "Sam",
        "--teammate",
        "Kim",
    )
    assert code in (0, None)
    lessons = load_lessons()
    mistakes = (dest / "common-mistakes.md").read_text()
    assert all(f"## {lesson.notebook[:2]}. {lesson.title}" in mistakes for lesson in lessons)
    assert "no code cell is tagged `parameters`" in mistakes
    sheet = (dest / "run-sheet.md").read_text()
    assert all(step.goal in sheet for lesson in lessons for step in lesson.steps)
    rows = list(csv.reader((dest / "cohort.csv").read_text().splitlines()))
    assert rows[0] == ["teammate", "team", "date", "export"]
    assert rows[1:] == [["Sam", "motor pricing", "", ""], ["Kim", "motor pricing", "", ""]]
    assert "| Kim | |" in (dest / "teach-back-plan.md").read_text()
    assert '--pair "Sam:analyst"' in (dest / "README.md").read_text()


def test_an_ambassador_without_teammates_is_refused(tmp_path, capsys):
    assert run("new", "ambassador", str(tmp_path / "a"), "--name", "Ana", "--team", "t") == 2
    assert "--teammate" in capsys.readouterr().err
