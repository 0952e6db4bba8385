"""Who did what, told the same way by the export, the facilitator summary and the cohort report.

Every verdict comes from the real check route on real notebooks, every run through the events
route the guide posts to; the export is then read event by event and compared with the rest.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from pairlab_routes import call as fetch
from pairlab_routes import call_ok as call
from tornado.httpclient import HTTPClientError

from pairlab.cli import main
from pairlab.report import build_cohort, cohort_page, lesson_steps, read_export

PAIR = [{"name": "Ana", "role": "analyst"}, {"name": "Eli", "role": "engineer"}]


@pytest.fixture
def root(welcome_root: Path) -> Path:
    """Serve lesson 0 shipped and, in done/, finished (the shared welcome_root)."""
    return welcome_root


async def run_cell(jp_fetch, sid: str, **claims) -> dict:
    """Post a cell run as the guide does, with what the browser claims; return the logged data."""
    data = {"path": "nb.ipynb", "cell": "c1", "success": claims.pop("success", True), **claims}
    event = await call(
        jp_fetch, "sessions", sid, "events", body={"kind": "cell-executed", "data": data}
    )
    return event["data"]


async def check(jp_fetch, sid: str, step: str, done: bool) -> str:
    """Press Check on a lesson 0 step; return the verdict the server decided."""
    path = "done/00-welcome.ipynb" if done else "00-welcome.ipynb"
    body = {"path": path, "step": f"welcome/{step}", "session": sid}
    return (await call(jp_fetch, "check", body=body))["verdict"]


async def test_a_run_is_credited_to_the_driver_then_to_the_browsers_own_person(jp_fetch, root):
    sid = (await call(jp_fetch, "sessions", body={"participants": PAIR}))["id"]
    # One shared keyboard: whoever drives now, whatever name the client sends.
    ran = await run_cell(jp_fetch, sid, user="Anonymous Io", identity="Anonymous Io")
    assert (ran["user"], ran["driver"], ran["identity"]) == ("Ana", "Ana", "Anonymous Io")
    await call(jp_fetch, "sessions", sid, "rotate", body={})
    assert (await run_cell(jp_fetch, sid, participant="Ana", shared=False))["user"] == "Eli"
    # Several browsers in the notebook: each browser's own person ("this is me").
    assert (await run_cell(jp_fetch, sid, participant="Ana", shared=True))["user"] == "Ana"
    # A browser that has not said who it is, or names no participant: the driver, never
    # the anonymous collaboration identity.
    for claim in ({"shared": True}, {"participant": "Anonymous Io", "shared": True}):
        ran = await run_cell(jp_fetch, sid, identity="Anonymous Io", **claim)
        assert (ran["user"], ran["driver"]) == ("Eli", "Eli")


async def make_session(jp_fetch) -> str:
    """A session on lesson 0 with runs, two rotations, failed and passed checks, a re-check."""
    sid = (await call(jp_fetch, "sessions", body={"participants": PAIR, "lesson": "welcome"}))["id"]
    await run_cell(jp_fetch, sid)
    assert await check(jp_fetch, sid, "meet", done=False) == "fail"
    await run_cell(jp_fetch, sid, success=False)
    await call(jp_fetch, "sessions", sid, "rotate", body={})
    await run_cell(jp_fetch, sid)
    assert await check(jp_fetch, sid, "meet", done=True) == "pass"
    assert await check(jp_fetch, sid, "meet", done=True) == "pass"  # completes once only
    await run_cell(jp_fetch, sid, participant="Ana", shared=True)
    await call(jp_fetch, "sessions", sid, "rotate", body={})
    assert await check(jp_fetch, sid, "run-in-order", done=True) == "pass"
    await call(jp_fetch, "sessions", sid, "end", body={})
    return sid


async def test_summary_and_report_agree_with_the_export_event_by_event(jp_fetch, root, tmp_path):
    sid = await make_session(jp_fetch)
    export = await call(jp_fetch, "sessions", sid, "export")
    summary = await call(jp_fetch, "sessions", sid, "summary")
    events = export["events"]

    # What the export says, read here by hand, event by event.
    runs, errors, failed, completed, drivers = Counter(), Counter(), Counter(), [], []
    for event in events:
        data = event["data"]
        if event["kind"] == "cell-executed":
            runs[data["user"]] += 1
            errors[data["user"]] += not data["success"]
        elif event["kind"] == "step-checked":
            failed.update(r["id"] for r in data["results"] if r["status"] == "fail")
        elif event["kind"] == "step-completed":
            completed.append(f"{data['lesson']}/{data['step']}")
        elif event["kind"] == "rotated":
            drivers.append(data["driver"])
    assert runs == Counter({"Ana": 3, "Eli": 1})
    assert (errors["Ana"], drivers, completed) == (
        1,
        ["Eli", "Ana"],
        ["welcome/meet", "welcome/run-in-order"],
    )
    assert failed and sum(failed.values()) >= 1

    # The facilitator summary: the same numbers, the same order.
    assert summary == export["summary"] and summary["lesson"] == "welcome"
    assert [s["step"] for s in summary["steps"]] == completed
    assert [r["driver"] for r in summary["rotations"]] == drivers
    assert {c["check"]: c["failures"] for c in summary["failed_checks"]} == failed
    assert {e["user"]: (e["runs"], e["errors"]) for e in summary["executions"]} == {
        u: (n, errors[u]) for u, n in runs.items()
    }
    # Time per step runs from the start to the last completion, step by step.
    last = max(e["at"] for e in events if e["kind"] == "step-completed")
    assert sum(s["seconds"] for s in summary["steps"]) == pytest.approx(
        last - export["session"]["started_at"], abs=0.2
    )

    # The cohort report, from the file the guide downloads.
    saved = tmp_path / "export.json"
    saved.write_text(json.dumps(export))
    cohort = build_cohort([read_export(saved)], lesson_steps())
    (row,) = cohort.sessions
    assert row.cell_runs == runs and row.cell_errors == errors
    assert row.failed_checks == failed and row.rotations == len(drivers)
    assert {f"{lesson}/{step}" for lesson, step in row.completed} == set(completed)
    assert row.seconds_per_lesson["welcome"] == pytest.approx(
        sum(s["seconds"] for s in summary["steps"])
    )
    people = {g.name: g for g in cohort.people}
    assert (people["Ana"].cell_runs, people["Eli"].cell_runs) == (runs["Ana"], runs["Eli"])
    assert people["Ana"].lessons_completed == ["welcome"]


async def test_the_report_route_serves_the_page_pairlab_report_writes(
    jp_fetch, root, tmp_path, capsys
):
    with pytest.raises(HTTPClientError) as none_yet:
        await jp_fetch("pairlab", "report")
    assert none_yet.value.code == 404
    assert "no pairing session" in json.loads(none_yet.value.response.body)["error"]

    exports = []
    for _ in range(2):
        sid = await make_session(jp_fetch)
        exports.append(tmp_path / f"{sid}.json")
        exports[-1].write_text(json.dumps(await call(jp_fetch, "sessions", sid, "export")))
    response = await jp_fetch("pairlab", "report")
    assert response.headers["Content-Type"].startswith("text/html")
    assert "attachment" in response.headers["Content-Disposition"]
    out = tmp_path / "report.html"
    with pytest.raises(SystemExit) as done:
        main(["report", *map(str, exports), "--out", str(out)])
    assert done.value.code == 0 and "(2 sessions, 2 people)" in capsys.readouterr().out
    assert response.body.decode() == out.read_text()
    page, _ = cohort_page([read_export(p) for p in exports])
    assert page == out.read_text()
    # Lessons by number, as the notebooks count them, and the session's lesson shown.
    # Lesson 0 completed by Ana, by Eli and by their team; each session on lesson 0.
    assert page.count("<td>0 welcome</td>") == 3 + 2


async def test_the_report_route_needs_the_token(jp_fetch):
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("pairlab", "report", headers={"Authorization": ""})
    assert info.value.code == 403


async def test_a_run_claiming_a_person_that_is_not_a_name_is_refused(jp_fetch, root):
    sid = (await call(jp_fetch, "sessions", body={"participants": PAIR}))["id"]
    data = {
        "path": "nb.ipynb",
        "cell": "c1",
        "success": True,
        "participant": ["Ana"],
        "shared": True,
    }
    code, reply = await fetch(
        jp_fetch, "sessions", sid, "events", body={"kind": "cell-executed", "data": data}
    )
    assert code == 400
    assert "'participant' must be a string" in reply["error"]
