"""The report a lead can act on: who did what, where pairs got stuck (and on what), what next;
a check that could not run is never the pair's mistake."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from pairlab_routes import call_ok as call

from pairlab.report import cohort_page, read_work, step_texts

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


async def check(jp_fetch, sid: str, step: str, done: bool) -> None:
    """Press Check on a lesson 0 step, on the finished notebook or the one never run."""
    path = "done/00-welcome.ipynb" if done else "00-welcome.ipynb"
    await call(jp_fetch, "check", body={"path": path, "step": f"welcome/{step}", "session": sid})


async def two_pairs(jp_fetch) -> list[dict]:
    """Ana & Eli finish lesson 0 in turns; Bo & Eva fail `meet` twice, then pass it."""
    one = await call(jp_fetch, "sessions", body={"participants": ANA_ELI, "lesson": "welcome"})
    await check(jp_fetch, one["id"], "meet", done=True)  # Ana drives
    await call(jp_fetch, "sessions", one["id"], "rotate", body={})
    await check(jp_fetch, one["id"], "run-in-order", done=True)  # Eli drives
    await call(jp_fetch, "sessions", one["id"], "end", body={})
    two = await call(jp_fetch, "sessions", body={"participants": BO_EVA, "lesson": "welcome"})
    for _ in range(2):
        await check(jp_fetch, two["id"], "meet", done=False)
        await call(jp_fetch, "sessions", two["id"], "rotate", body={})
    await check(jp_fetch, two["id"], "meet", done=True)
    return [await call(jp_fetch, "sessions", s["id"], "export") for s in (one, two)]


def text_of(page: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", page))


def row(page: str, first: str) -> list[str]:
    """Return the cells of the first table row starting with `first`."""
    for found in re.findall(r"<tr>(.*?)</tr>", page):
        cells = [unescape(c) for c in re.findall(r"<td>(.*?)</td>", found)]
        if cells and cells[0] == first:
            return cells
    raise AssertionError(f"no row {first!r}")


async def test_who_did_what_and_where_pairs_got_stuck(jp_fetch, root) -> None:
    docs = await two_pairs(jp_fetch)
    work = read_work(docs, list(step_texts()), step_texts())

    ana, eli = work.people["Ana"], work.people["Eli"]
    assert ana.done_driving == {("welcome", "meet")}
    assert ana.done_navigating == {("welcome", "run-in-order")}
    assert eli.done_driving == {("welcome", "run-in-order")}
    # Bo drove the first failed Check, Eva the second: each was stuck on it once.
    assert work.people["Bo"].stuck == {("welcome", "meet"): 1}
    assert work.people["Eva"].stuck == {("welcome", "meet"): 1}
    trouble = work.steps[("welcome", "meet")]
    assert trouble.pairs == {"Bo & Eva"}
    assert any("still has the example name" in problem for problem in trouble.problems)

    page, _ = cohort_page(docs)
    assert row(page, "Ana")[1:3] == ["1", "1"]  # done driving, done navigating
    # Steps by their titles, never a check id alone; the problem in the check's own words.
    stuck = row(page, "Lesson 0: Meet and agree roles")
    assert stuck[1] == "1" and "still has the example name" in stuck[2]
    assert row(page, "Bo")[4] == "Lesson 0: Meet and agree roles"
    # What next: Bo & Eva run lesson 0 top to bottom; Ana & Eli go on to lesson 1.
    bo_eva = row(page, "Bo & Eva")
    assert bo_eva[1] == "Lesson 0: Run the notebook top to bottom"
    assert bo_eva[2].startswith("Restart the kernel and run all cells")
    assert row(page, "Ana & Eli")[1].startswith("Lesson 1: ")
    # The lesson labels of the time chart are slanted, so long lesson ids do not overlap.
    assert "Time per lesson" in page and "rotate(-30" in page


def _export(sid: str, people: list[dict], events: list[dict]) -> dict:
    session = {"id": sid, "started_at": 1000.0, "ended_at": 1600.0, "lesson": "welcome",
               "participants": people}  # fmt: skip
    start = {"id": 1, "kind": "session-started", "at": 1000.0, "data": {"driver": "Ana"}}
    return {"format": "pairlab-session/1", "session": session, "events": [start, *events]}


def _checked(n: int, at: float, status: str, check: str = "paired") -> dict:
    results = [{"id": check, "status": status, "message": f"{check} said {status}"}]
    data = {"lesson": "welcome", "step": "meet", "status": status, "results": results,
            "driver": "Ana", "path": "00-welcome.ipynb"}  # fmt: skip
    return {"id": n, "kind": "step-checked", "at": at, "data": data}


def test_a_check_that_could_not_run_is_not_the_pairs_mistake() -> None:
    errors = [_checked(n, 1000.0 + n, "error") for n in range(2, 10)]
    doc = _export("a1", ANA_ELI, errors)
    work = read_work([doc], list(step_texts()), step_texts())
    assert work.people["Ana"].stuck == {}
    assert work.people["Ana"].check_errors == 8
    assert work.steps == {}
    page, _ = cohort_page([doc])
    assert row(page, "Ana")[5] == "8"  # counted apart, as the check's
    assert "paired said error" not in text_of(page)


def test_time_driving_follows_the_rotations() -> None:
    rotated = {"id": 2, "kind": "rotated", "at": 1200.0, "data": {"driver": "Eli"}}
    work = read_work([_export("a2", ANA_ELI, [rotated])], [], {})
    assert work.people["Ana"].seconds_driving == 200.0
    assert work.people["Eli"].seconds_driving == 400.0  # to the session's end


def test_a_cohort_without_completed_steps_draws_no_empty_chart() -> None:
    page, _ = cohort_page([_export("a3", ANA_ELI, [])])
    assert "Time per lesson" not in page
