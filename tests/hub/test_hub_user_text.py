"""The cohort page shows any name as typed and survives one unreadable session (issue 25).

One learner's session named `$\\foo$` once made the facilitators' cohort page 500 for good.
The page's renderer is called directly over a real SQLite cohort store.
"""

from __future__ import annotations

import sqlite3
from html import escape
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairlab.hub._store import CohortStore, default_url
from pairlab.hub._views import cohort_json, live_page
from pairlab.sessions import Participant, SessionStore
from pairlab.sessions.summary import attribute_run

TEX = r"$\foo$"
NASTY = [
    TEX, "$x$ and $y$", r"\frac{1}{0}", "<script>alert(1)</script>", "a & b", "\"'`",
    "\x00nul", "\x1b[31mred", "line\nbreak", "\u202eevil", "😀 漢字", "_hidden", "</p><p>",
]  # fmt: skip
texts = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30),
)
names = texts.map(str.strip).filter(lambda s: 0 < len(s) <= 80)


def forward(folder: Path, cohort: CohortStore, user: str, people: tuple[str, str], check: str):
    """Pair a little in a real session store whose events go to the cohort, as a server does."""
    store = SessionStore(folder, on_event=lambda item: cohort.add(user, **item))
    pair = (Participant(people[0], "analyst"), Participant(people[1], "engineer"))
    sid = store.start(pair, 15, "welcome").id
    store.record(sid, "cell-executed", attribute_run(store.get(sid), {"success": True}))
    checked = {"path": "00-welcome.ipynb", "lesson": "welcome", "step": "meet", "driver": people[0]}
    results = [{"id": check, "status": "fail"}]
    store.record_step(sid, checked | {"status": "fail", "results": results}, False)
    store.close()
    return sid


@settings(
    max_examples=6,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.tuples(names, names).filter(lambda p: p[0].casefold() != p[1].casefold()),
    check=texts,
)
def test_any_text_comes_back_unchanged_on_the_cohort_page(
    tmp_path_factory: pytest.TempPathFactory, people: tuple[str, str], check: str
) -> None:
    folder = tmp_path_factory.mktemp("hub")
    cohort = CohortStore(default_url(folder))
    forward(folder, cohort, "ana", people, check)
    page = live_page(cohort, "xsrf")
    assert f"<td>{escape(people[0])}</td>" in page and f"<td>{escape(people[1])}</td>" in page
    assert f"<td>{escape(check)}</td>" in page
    (row,) = cohort_json(cohort)["sessions"]
    assert row["people"] == list(people) and row["failed_checks"] == {check: 1}
    cohort.close()


def test_one_unreadable_session_never_takes_the_page_down(tmp_path: Path) -> None:
    cohort = CohortStore(default_url(tmp_path))
    forward(tmp_path / "ana", cohort, "ana", (TEX, "Eli"), "named")
    broken = forward(tmp_path / "bo", cohort, "bo", ("Bo", "Eva"), "named")
    with sqlite3.connect(tmp_path / "pairlab-cohort.sqlite") as db:
        db.execute("UPDATE cohort_events SET data = 'not json', at = 'now' WHERE user = 'bo'")
        db.execute("UPDATE cohort_sessions SET doc = '{\"oops' WHERE user = 'bo'")
    page = live_page(cohort, "xsrf")
    assert f"<td>{escape(TEX)}</td>" in page and "<td>Bo</td>" not in page
    assert f"session bo/{broken} is left out" in page
    reply = cohort_json(cohort)
    assert [s["people"] for s in reply["sessions"]] == [[TEX, "Eli"]]
    assert reply["skipped"] and reply["skipped"][0].startswith(f"session bo/{broken} is left out")
    cohort.close()
