"""User text is data (issue 25): names, lessons and check ids are shown as typed, never parsed.

A participant named `$\\foo$` once made matplotlib's mathtext raise, and every report with it
answered a traceback; bad exports tracebacked too.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairlab.cli import main
from pairlab.report import cohort_page
from pairlab.sessions import Participant, SessionStore
from pairlab.sessions.summary import attribute_run, export

# Text people type and renderers once read as markup: TeX, HTML, control characters.
NASTY = [
    r"$\foo$", "$x$ and $y$", r"\frac{1}{0}", "$", "<script>alert(1)</script>", "a & b <i>",
    "\"'`", "_hidden", "cr\rlf\r\n", "\x00nul", "\x1b[31mred", "tab\there", "line\nbreak",
    "\u202eevil",
    "😀 ünïcødé 漢字", "{{ x }}", "%s %(x)s", "${jndi}",
]  # fmt: skip
texts = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40),
    st.lists(st.sampled_from(NASTY), min_size=1, max_size=3).map("".join),
)
names = texts.map(str.strip).filter(lambda s: 0 < len(s) <= 80)


def make_export(folder: Path, people: tuple[str, str], lesson: str, check: str) -> dict[str, Any]:
    """Record a session as the server does (real SQLite store) and return its export."""
    store = SessionStore(folder)
    pair = (Participant(people[0], "analyst"), Participant(people[1], "engineer"))
    sid = store.start(pair, 15, lesson).id
    store.record(sid, "cell-executed", attribute_run(store.get(sid), {"success": False}))
    checked = {"path": "nb.ipynb", "lesson": lesson, "step": check, "driver": people[0]}
    store.record_step(
        sid, checked | {"status": "fail", "results": [{"id": check, "status": "fail"}]}, False
    )
    store.record_step(sid, checked | {"status": "pass", "results": []}, True)
    doc = export(store.get(sid), store.events(sid))
    store.close()
    return doc


def shows(page: str, text: str) -> bool:
    """Return whether the page shows `text` as a whole table cell, escaped."""
    return f"<td>{escape(text)}</td>" in page


def test_a_participant_named_like_tex_is_shown_as_typed(tmp_path: Path, capsys) -> None:
    doc = make_export(tmp_path, (r"$\foo$", "Eli"), "welcome", r"$\bar$")
    path = tmp_path / "export.json"
    path.write_text(json.dumps(doc))
    out = tmp_path / "report.html"
    with pytest.raises(SystemExit) as done:
        main(["report", str(path), "--out", str(out)])
    assert done.value.code == 0, capsys.readouterr().err
    page = out.read_text()
    assert shows(page, r"$\foo$") and shows(page, r"$\bar$")
    # The plots keep the text too: SVG text, not a mathtext rendering of it.
    assert r"$\foo$ &amp; Eli" in page.split("<svg", 1)[1]
    assert r"$\bar$" in page.split("<svg", 2)[2]


def edit(doc: dict[str, Any], where: str, value: Any) -> dict[str, Any]:
    """Return a copy of the export with one field replaced (a dotted path, numbers index)."""
    copy = json.loads(json.dumps(doc))
    *parents, last = where.split(".")
    holder: Any = copy
    for key in parents:
        holder = holder[int(key)] if key.isdigit() else holder[key]
    holder[int(last) if last.isdigit() else last] = value
    return copy


@pytest.mark.parametrize(
    ("where", "value", "field"),
    [
        ("events.0.at", "now", "events[0].at is not a time"),
        ("events.2.data.results", 5, "events[2].data: event data 'results' must be a list"),
        ("events.1.data", [], "events[1].data: event 'data' must be an object"),
        ("events.1.data.success", {"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}, "events[1].data"),
        ("session.ended_at", "later", "session.ended_at is not a time"),
        ("session.lesson", ["welcome"], "session.lesson is not a lesson id"),
        ("session.participants.0.role", {"r": 1}, "session.participants"),
        ("events", {"0": 1}, "'events' is not a list"),
    ],
)
def test_a_bad_export_is_refused_naming_the_file_and_the_field(
    tmp_path: Path, capsys, where: str, value: Any, field: str
) -> None:
    doc = edit(make_export(tmp_path, ("Ana", "Eli"), "welcome", "meet"), where, value)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(SystemExit) as done:
        main(["report", str(path), "--out", str(tmp_path / "r.html")])
    err = capsys.readouterr().err
    assert done.value.code == 2 and len(err.splitlines()) == 1, err
    assert f"{path}: {field}" in err or (field in err and str(path) in err), err
    assert "Traceback" not in err and not (tmp_path / "r.html").exists()


def test_deeply_nested_json_is_refused_in_one_line(tmp_path: Path, capsys) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"format": "pairlab-session/1", "session": ' + "[" * 100_000 + "]" * 100_000)
    with pytest.raises(SystemExit) as done:
        main(["report", str(path), "--out", str(tmp_path / "r.html")])
    err = capsys.readouterr().err
    assert done.value.code == 2 and len(err.splitlines()) == 1 and str(path) in err


def test_one_unreadable_session_is_left_out_with_a_notice(tmp_path: Path) -> None:
    good = make_export(tmp_path / "a", ("Ana", "Eli"), "welcome", "meet")
    bad = edit(make_export(tmp_path / "b", ("Bo", "Eva"), "welcome", "meet"), "events.0.at", "x")
    page, cohort = cohort_page([good, bad])
    assert [s.people for s in cohort.sessions] == [("Ana", "Eli")]
    assert f"session {bad['session']['id']} is left out: events[0].at is not a time" in page


@settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.tuples(names, names).filter(lambda p: p[0].casefold() != p[1].casefold()),
    lesson=texts,
    check=texts,
)
def test_any_text_goes_through_store_export_and_report_unchanged(
    tmp_path_factory: pytest.TempPathFactory, people: tuple[str, str], lesson: str, check: str
) -> None:
    folder = tmp_path_factory.mktemp("text")
    doc = make_export(folder, people, lesson, check)
    assert [p["name"] for p in doc["session"]["participants"]] == list(people)
    path = folder / "export.json"
    path.write_text(json.dumps(doc))
    out = folder / "report.html"
    with pytest.raises(SystemExit) as done:
        main(["report", str(path), "--out", str(out)])
    assert done.value.code == 0
    page = out.read_bytes().decode()  # read_text would turn a "\r" in a name into "\n"
    assert shows(page, people[0]) and shows(page, people[1]) and shows(page, check)
    assert escape(lesson) in page
