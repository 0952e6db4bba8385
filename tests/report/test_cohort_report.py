"""`pairlab report` on session exports made through the real server routes the guide calls."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from pairlab_routes import call_ok as call

from pairlab.cli import main
from pairlab.report import build_cohort, read_export

ANA_ELI = [{"name": "Ana", "role": "analyst"}, {"name": "Eli", "role": "engineer"}]
BO_EVA = [{"name": "Bo", "role": "analyst"}, {"name": "Eva", "role": "engineer"}]


@pytest.fixture
def jp_server_config():
    """Load pairlab's server extension, as an installed jupyter-config does."""
    return {"ServerApp": {"jpserver_extensions": {"pairlab": True}}}


@pytest.fixture
def root(welcome_root: Path) -> Path:
    """Serve lesson 0 shipped and, in done/, finished (the shared welcome_root)."""
    return welcome_root


async def checked(jp_fetch, sid: str, step: str, done: bool) -> list[str]:
    """Press Check on a welcome step as the guide does; return the ids of the failing checks."""
    path = "done/00-welcome.ipynb" if done else "00-welcome.ipynb"
    body = {"path": path, "step": f"welcome/{step}", "session": sid}
    reply = await call(jp_fetch, "check", body=body)
    assert reply["verdict"] == ("pass" if done else "fail"), reply
    return [r["id"] for r in reply["results"] if r["status"] == "fail"]


async def ran(jp_fetch, sid: str, user: str, success: bool = True) -> None:
    """Record a cell execution attributed to `user`."""
    data = {"path": "x.ipynb", "cell": "c1", "success": success, "user": user, "driver": user}
    await call(jp_fetch, "sessions", sid, "events", body={"kind": "cell-executed", "data": data})


async def export(jp_fetch, out: Path, sid: str) -> Path:
    """Save the session's export as the guide's download does."""
    out.write_text(json.dumps(await call(jp_fetch, "sessions", sid, "export")))
    return out


async def make_exports(jp_fetch, tmp_path: Path) -> tuple[list[Path], dict[str, Counter]]:
    """Two pairs on lesson 0: Ana and Eli finish it; Bo and Eva struggle with `meet`.

    Every verdict comes from the real check route on real notebooks; the second value holds
    the checks that failed for each pair, as the server reported them.
    """
    failed: dict[str, Counter] = {"Ana & Eli": Counter(), "Bo & Eva": Counter()}
    one = (await call(jp_fetch, "sessions", body={"participants": ANA_ELI, "lesson": "welcome"}))[
        "id"
    ]
    await ran(jp_fetch, one, "Ana")
    await checked(jp_fetch, one, "meet", done=True)
    await call(jp_fetch, "sessions", one, "rotate", body={})
    await ran(jp_fetch, one, "Eli", success=False)
    failed["Ana & Eli"].update(await checked(jp_fetch, one, "run-in-order", done=False))
    await checked(jp_fetch, one, "run-in-order", done=True)
    await call(jp_fetch, "sessions", one, "end", body={})

    two = (await call(jp_fetch, "sessions", body={"participants": BO_EVA, "lesson": "welcome"}))[
        "id"
    ]
    for _ in range(2):
        failed["Bo & Eva"].update(await checked(jp_fetch, two, "meet", done=False))
        await call(jp_fetch, "sessions", two, "rotate", body={})
    await checked(jp_fetch, two, "meet", done=True)
    await ran(jp_fetch, two, "Bo")
    exports = [
        await export(jp_fetch, tmp_path / "one.json", one),
        await export(jp_fetch, tmp_path / "two.json", two),
    ]
    return exports, failed


@pytest.mark.slow
async def test_the_cohort_adds_up_per_person_and_team(jp_fetch, root, tmp_path: Path) -> None:
    exports, failed = await make_exports(jp_fetch, tmp_path)
    docs = [read_export(p) for p in exports]
    steps = {"welcome": {"meet", "run-in-order"}, "reuse": {"inventory", "reuse-existing", "gap"}}
    cohort = build_cohort(docs, steps)
    people = {g.name: g for g in cohort.people}
    assert list(people) == ["Ana", "Bo", "Eli", "Eva"]
    assert people["Ana"].lessons_completed == ["welcome"] and people["Ana"].roles == {"analyst"}
    assert (people["Ana"].cell_runs, people["Eli"].cell_runs, people["Eli"].cell_errors) == (
        1,
        1,
        1,
    )
    assert people["Bo"].lessons_completed == [] and people["Bo"].lessons_started == ["welcome"]
    assert (people["Bo"].rotations, people["Ana"].rotations) == (2, 1)
    teams = {g.name: g for g in cohort.teams}
    assert list(teams) == ["Ana & Eli", "Bo & Eva"]
    # Example names kept, twice: the names check fails each time (the practice, not a cell run).
    assert failed["Bo & Eva"]["names-changed"] == 2
    assert teams["Bo & Eva"].failed_checks == failed["Bo & Eva"]
    assert teams["Ana & Eli"].failed_checks == failed["Ana & Eli"] and failed["Ana & Eli"]
    assert cohort.failed_checks == failed["Bo & Eva"] + failed["Ana & Eli"]
    assert set(cohort.seconds_per_lesson) == {"welcome"}
    by_team = build_cohort(docs, steps, {"Ana": "claims", "Eli": "enablement", "Bo": "claims"})
    assert [g.name for g in by_team.teams] == ["(no team)", "claims", "enablement"]
    assert teams["Ana & Eli"].roles == {"analyst", "engineer"}
    assert {g.name: g.roles for g in by_team.teams}["claims"] == {"analyst"}


@pytest.mark.slow
async def test_pairlab_report_writes_one_self_contained_page(
    jp_fetch, root, tmp_path, capsys
) -> None:
    exports, _ = await make_exports(jp_fetch, tmp_path)
    out = tmp_path / "site" / "report.html"
    with pytest.raises(SystemExit) as done:
        main(["report", *map(str, exports), str(exports[0]), "--out", str(out)])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"pairlab: wrote {out} (2 sessions, 4 people)\n"
    page = out.read_text()
    rows = {m.group(1): m.group(0) for m in re.finditer(r"<tr><td>([^<]+)</td>.*?</tr>", page)}
    assert "<td>0 welcome</td>" in rows["Ana"] and "<td>none yet</td>" in rows["Bo"]
    assert "names-changed (2)" in rows["Bo &amp; Eva"]
    assert "<h2>Checks that failed most</h2>" in page
    assert page.count("<svg") == 2 and "Time per lesson" in page and "names-changed" in page
    assert "<metadata>" not in page and "src=" not in page  # nothing to fetch: works offline
    assert "http" not in re.sub(r'xmlns(:\w+)?="[^"]+"', "", page)


@pytest.mark.slow
async def test_teams_come_from_a_file(jp_fetch, root, tmp_path: Path, capsys) -> None:
    exports, _ = await make_exports(jp_fetch, tmp_path)
    teams = tmp_path / "teams.json"
    teams.write_text(json.dumps({"claims team": ["Ana", "Bo"], "enablement": ["Eli", "Eva"]}))
    out = tmp_path / "report.html"
    with pytest.raises(SystemExit):
        main(["report", *map(str, exports), "--out", str(out), "--teams", str(teams)])
    page = out.read_text()
    assert "<tr><td>claims team</td>" in page and "<tr><td>enablement</td>" in page


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "no file"),
        ("not json", "is not JSON"),
        ('{"format": "something/2"}', "is not a session export (format 'something/2'"),
        ("[1, 2]", "is not a session export (format 'list'"),
        ('{"format": "pairlab-session/1", "session": {}, "events": []}', "session.participants"),
        ('{"format": "pairlab-session/1", "events": []}', "has no 'session' object"),
    ],
)
def test_bad_exports_are_one_line_and_exit_2(tmp_path: Path, capsys, content, words) -> None:
    path = tmp_path / "export.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(SystemExit) as done:
        main(["report", str(path), "--out", str(tmp_path / "r.html")])
    err = capsys.readouterr().err
    assert done.value.code == 2 and len(err.splitlines()) == 1
    assert err.startswith("pairlab: error: ") and words in err
    assert not (tmp_path / "r.html").exists()


def test_lessons_are_numbered_and_ordered_as_the_notebooks_say() -> None:
    from pairlab.report import cohort_page

    def completed(at: float, lesson: str, step: str) -> dict:
        return {"at": at, "kind": "step-completed", "data": {"lesson": lesson, "step": step}}

    session = {"id": "s1", "started_at": 0.0, "lesson": None, "participants": ANA_ELI}
    events = [completed(60, "tests", "first-test"), completed(120, "explore", "connect")]
    page, cohort = cohort_page([{"format": "pairlab-session/1", "session": session,
                                 "events": events}])  # fmt: skip
    # A session started without a lesson shows the lessons it completed steps in, by number.
    assert "<td>s1</td><td>Ana &amp; Eli</td><td>1 explore, 5 tests</td>" in page
    assert "<td>1 explore 1 min; 5 tests 1 min</td>" in page
    assert cohort.in_order(["tests", "welcome", "explore"]) == ["welcome", "explore", "tests"]
