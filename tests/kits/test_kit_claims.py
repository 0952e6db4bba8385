"""What the kits' READMEs tell a facilitator or an ambassador to run, run as they say it.

The ambassador kit documents two commands: render a session kit for a teach-back, and make
the cohort report from cohort.csv. Both are read from the rendered README and run; the session
exports are what the guide's Export session saves (the export of a real session store).
"""

from __future__ import annotations

import csv
import datetime
import json
import re
import shlex
from pathlib import Path

import pytest

from pairlab.cli import main
from pairlab.sessions import SessionStore, export
from pairlab.sessions.model import Participant


def run(*args: str) -> int:
    """Run the CLI and return its exit code (0 for a clean return)."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    return exit_info.value.code or 0


def documented(readme: str, command: str) -> list[str]:
    """Return the arguments of the `pairlab COMMAND ...` the README shows (the same each time)."""
    (line,) = set(re.findall(rf"`pairlab ({command} [^`]+)`", readme))
    return shlex.split(line)


def session_export(store: SessionStore, people: list[tuple[str, str]], steps: list[str]) -> dict:
    """Run a short session in a real store and return its export, as the guide downloads it."""
    session = store.start(tuple(Participant(n, r) for n, r in people), 15, "welcome")
    store.record(session.id, "cell-executed", {"user": people[0][0], "success": True})
    for step in steps:
        checked = {"path": "00-welcome.ipynb", "lesson": "welcome", "step": step}
        store.record_step(session.id, checked | {"status": "pass", "results": [],
                                                 "driver": people[0][0]}, True)  # fmt: skip
    store.rotate(session.id)
    store.end(session.id)
    return export(store.get(session.id), store.events(session.id))


@pytest.fixture
def kit(tmp_path: Path) -> Path:
    """Render the ambassador kit for Ana of motor pricing, teaching Sam and Kim."""
    dest = tmp_path / "ambassador"
    args = ["--name", "Ana", "--team", "motor pricing", "--teammate", "Sam", "--teammate", "Kim"]
    assert run("new", "ambassador", str(dest), *args) == 0
    return dest


def test_the_session_kit_the_ambassador_readme_renders_has_the_answers_given(kit, monkeypatch):
    readme = (kit / "README.md").read_text()
    args = documented(readme, "new pairing-session")
    monkeypatch.chdir(kit)
    assert run(*args) == 0
    session = kit / args[2]
    text = (session / "README.md").read_text()
    today = datetime.date.today().isoformat()
    assert f"{today} from 09:30, facilitated by Ana." in text
    assert "open `01-explore.ipynb`" in text  # the plan's first lesson, not lesson 0
    agenda = (session / "agenda.md").read_text()
    assert "| 09:30 | `01-explore.ipynb` | 45 |" in agenda and "00-welcome" not in agenda
    assert f"({today})" in agenda.splitlines()[0]
    plan = (kit / "teach-back-plan.md").read_text()
    assert "First lesson: `01-explore.ipynb`" in plan


def test_session_kit_defaults_follow_the_answers(tmp_path):
    dest = tmp_path / "s"
    pairs = ["--pair", "Bo:analyst", "--pair", "Eva:engineer"]
    assert run("new", "pairing-session", str(dest), *pairs, "--first-lesson", "5",
               "--facilitator", "Kim", "--date", "2027-02-01") == 0  # fmt: skip
    text = (dest / "README.md").read_text()
    assert "2027-02-01 from 09:30, facilitated by Kim." in text
    agenda = (dest / "agenda.md").read_text()
    assert [line.split("`")[1] for line in agenda.splitlines() if "`" in line][:5] == [
        "05-tests.ipynb", "06-lint-and-diffs.ipynb", "07-pair-and-version.ipynb",
        "08-parameterize.ipynb", "09-promote.ipynb",
    ]  # fmt: skip
    late = tmp_path / "late"
    assert run("new", "pairing-session", str(late), *pairs, "--first-lesson", "12") == 0
    assert "`12-teach-back.ipynb`" in (late / "agenda.md").read_text()


def test_an_unknown_first_lesson_is_one_line_and_exit_2(tmp_path, capsys):
    pairs = ["--pair", "Bo:analyst", "--pair", "Eva:engineer"]
    assert run("new", "pairing-session", str(tmp_path / "s"), *pairs, "--first-lesson", "13") == 2
    err = capsys.readouterr().err
    assert "--first-lesson '13' is not a lesson" in err and err.count("\n") == 1


def test_the_cohort_report_is_made_from_cohort_csv_as_the_readme_says(
    kit, tmp_path, monkeypatch, capsys
):
    readme = (kit / "README.md").read_text()
    store = SessionStore(tmp_path / "server")
    sessions = kit / "sessions"
    sessions.mkdir()
    saved = {}
    for teammate, steps in (("Sam", ["meet", "run-in-order"]), ("Kim", ["meet"])):
        doc = session_export(store, [(teammate, "analyst"), ("Ana", "analyst")], steps)
        saved[teammate] = f"sessions/pairlab-session-{doc['session']['id']}.json"
        (kit / saved[teammate]).write_text(json.dumps(doc))
    store.close()
    sheet = kit / "cohort.csv"
    rows = list(csv.DictReader(sheet.read_text().splitlines()))
    monkeypatch.chdir(kit)
    # Before any session: one line naming the problem and the fix, exit 2.
    assert run(*documented(readme, "report")) == 2
    assert "names no session export yet" in capsys.readouterr().err

    for row in rows:  # the ambassador fills in Sam's row and leaves Kim's for later
        if row["teammate"] == "Sam":
            row |= {"date": "2027-03-01", "export": saved["Sam"]}
    rows.append({"teammate": "Kim", "team": "claims", "date": "2027-03-08",
                 "export": saved["Kim"]})  # fmt: skip
    with sheet.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["teammate", "team", "date", "export"])
        writer.writeheader()
        writer.writerows(rows)

    args = documented(readme, "report")
    assert args == ["report", "cohort.csv", "--out", "cohort.html"]
    assert run(*args) == 0
    assert "(2 sessions, 3 people)" in capsys.readouterr().out
    page = (kit / "cohort.html").read_text()
    teams = dict(re.findall(r"<tr><td>(motor pricing|claims)</td>.*?<td>(\d+)</td>", page))
    assert teams == {"claims": "1", "motor pricing": "1"}  # the CSV's teams, one session each
    people = page.split("<th>cells run</th>", 1)[1]  # the people table (who did what is above)
    sam = re.search(r"<tr><td>Sam</td>.*?</tr>", people).group(0)
    assert "<td>0 welcome</td>" in sam  # both steps of lesson 0: completed


def test_the_retro_reads_the_session_export_saved_beside_it(tmp_path, monkeypatch):
    import nbformat

    dest = tmp_path / "session"
    assert (
        run("new", "pairing-session", str(dest), "--pair", "Bo:analyst", "--pair", "Eva:engineer")
        == 0
    )
    agenda = (dest / "agenda.md").read_text()
    assert "**Export session**" in agenda and "`session-export.json`" in agenda
    store = SessionStore(tmp_path / "server")
    doc = session_export(store, [("Bo", "analyst"), ("Eva", "engineer")], ["meet"])
    store.close()
    (dest / "session-export.json").write_text(json.dumps(doc))
    monkeypatch.chdir(dest)
    namespace: dict[str, object] = {}
    cells = [c for c in nbformat.read(dest / "retro.ipynb", as_version=4).cells]
    code = [c.source for c in cells if c.cell_type == "code"]
    for source in code[:2]:  # the participants, then what happened
        exec(compile(source, "retro", "exec"), namespace)  # noqa: S102 - our own template
    kinds = eval(code[1].splitlines()[-1], namespace)  # noqa: S307 - the cell's last expression
    assert kinds["rotated"] == 1 and kinds["step-completed"] == 1 and kinds["cell-executed"] == 1


def test_first_lesson_by_id(tmp_path):
    pairs = ["--pair", "Bo:analyst", "--pair", "Eva:engineer"]
    dest = tmp_path / "s"
    assert run("new", "pairing-session", str(dest), *pairs, "--first-lesson", "reuse") == 0
    assert "| 09:30 | `02-reuse.ipynb` | 30 |" in (dest / "agenda.md").read_text()


@pytest.mark.parametrize(
    ("sheet", "words"),
    [
        ("teammate,team\nSam,claims\n", "has no 'export' column"),
        ("teammate,team,date,export\nSam,claims,,\n", "names no session export yet"),
        ("export,team\nsessions/missing.json,claims\n", "no file"),
    ],
)
def test_a_cohort_csv_without_exports_is_one_line_and_exit_2(tmp_path, capsys, sheet, words):
    path = tmp_path / "cohort.csv"
    path.write_text(sheet)
    assert run("report", str(path), "--out", str(tmp_path / "r.html")) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and not (tmp_path / "r.html").exists()
