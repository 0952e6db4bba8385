"""User text is data on the server too (issue 25): GET report shows any name as typed.

A participant named `$\\foo$` once made GET /pairlab/report answer 500 for every session.
"""

from __future__ import annotations

import json
import sqlite3
from html import escape

from hypothesis import given, settings
from hypothesis import strategies as st
from tornado.httpclient import HTTPClientError

TEX = r"$\foo$"  # once a 500 for every session on the server
NASTY = [
    r"$\foo$", "$x$ and $y$", r"\frac{1}{0}", "<script>alert(1)</script>", "a & b", "\"'`",
    "\x00nul", "\x1b[31mred", "line\nbreak", "\u202eevil", "😀 漢字", "_hidden",
]  # fmt: skip
texts = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30),
)
names = texts.map(str.strip).filter(lambda s: 0 < len(s) <= 80)
pairs = st.tuples(names, names).filter(lambda p: p[0].casefold() != p[1].casefold())


def examples(strategy: st.SearchStrategy, count: int) -> list:
    """Draw `count` examples with Hypothesis (the server is async; the draws are not)."""
    drawn: list = []

    @settings(max_examples=count, database=None, deadline=None)
    @given(strategy)
    def collect(value) -> None:
        drawn.append(value)

    collect()
    return drawn


async def fetch(jp_fetch, *path: str, body: dict | None = None) -> tuple[int, str]:
    """Call a pairlab route; return (status, body text) whatever the status."""
    data = None if body is None else json.dumps(body)
    try:
        reply = await jp_fetch(
            "pairlab", *path, method="GET" if body is None else "POST", body=data
        )
    except HTTPClientError as error:
        assert error.response is not None
        return error.code, error.response.body.decode()
    return reply.code, reply.body.decode()


async def pair(jp_fetch, people: tuple[str, str], lesson: str = "welcome") -> str:
    """Start a session for two people and log a failed cell run; return its id."""
    who = [{"name": people[0], "role": "analyst"}, {"name": people[1], "role": "engineer"}]
    code, text = await fetch(jp_fetch, "sessions", body={"participants": who, "lesson": lesson})
    assert code == 201, text
    sid = json.loads(text)["id"]
    run = {"kind": "cell-executed", "data": {"path": "x.ipynb", "cell": "c", "success": False}}
    code, text = await fetch(jp_fetch, "sessions", sid, "events", body=run)
    assert code == 201, text
    return str(sid)


async def test_any_names_come_back_unchanged_in_get_report(jp_fetch):
    drawn = examples(pairs, 10)
    for people in [(TEX, "Eli"), *drawn]:
        await pair(jp_fetch, people)
    code, page = await fetch(jp_fetch, "report")
    assert code == 200, page[:300]
    for people in drawn:
        assert f"<td>{escape(people[0])}</td>" in page and f"<td>{escape(people[1])}</td>" in page
    assert "<td>" + escape(TEX) + "</td>" in page


async def test_one_unreadable_session_is_left_out_of_get_report(jp_fetch, jp_root_dir):
    await pair(jp_fetch, ("Ana", "Eli"))
    broken = await pair(jp_fetch, ("Bo", "Eva"))
    with sqlite3.connect(jp_root_dir / ".pairlab" / "pairlab.db") as db:
        db.execute("UPDATE events SET at = 'now' WHERE session_id = ?", (broken,))
    code, page = await fetch(jp_fetch, "report")
    assert code == 200
    assert "<td>Ana</td>" in page and "<td>Bo</td>" not in page
    assert f"session {broken} is left out: events[0].at is not a time" in page
