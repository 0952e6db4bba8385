"""Closed by default (issue 14): no file outside the root, no 5xx, nothing invalid stored."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

FIXTURES = Path(__file__).resolve().parent.parent / "checks" / "fixtures"
MARKER = "TOPSECRET-outside-the-root"
PAIR = [{"name": "Ana", "role": "analyst"}, {"name": "Eli", "role": "engineer"}]


async def call(jp_fetch, *path: str, body=None, method=None, **kwargs) -> tuple[int, dict | str]:
    """Fetch a pairlab route; return (status, JSON body), error statuses included."""
    method = method or ("POST" if body is not None else "GET")
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body))
    try:
        response = await jp_fetch("pairlab", *path, method=method, body=data, **kwargs)
    except HTTPClientError as error:
        assert error.response is not None
        code, text = error.code, error.response.body.decode()
    else:
        code, text = response.code, response.body.decode()
    assert MARKER not in text
    return code, json.loads(text)  # strict: NaN or Infinity would not be JSON


def secret_notebook() -> str:
    """Return a notebook whose only cell holds the marker (it must never reach a reply)."""
    nb = json.loads((FIXTURES / "lint/pass.ipynb").read_text())
    nb["cells"][0]["source"] = f"# {MARKER}\nimport os\npassword = 'hunter2-{MARKER}'"
    nb["cells"][0]["id"] = MARKER
    return json.dumps(nb)


@pytest.fixture
def root(jp_root_dir: Path) -> Path:
    """A root with folders whose members are symlinks leading out of it."""
    outside = jp_root_dir.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.ipynb").write_text(secret_notebook())
    (outside / "00-welcome.ipynb").write_text(secret_notebook())
    (outside / f"{MARKER}.py").write_text(f'con.table("claims")  # {MARKER}\n')
    proj = jp_root_dir / "proj"
    proj.mkdir()
    shutil.copy(FIXTURES / "in_order/pass.ipynb", proj / "ok.ipynb")
    (proj / "evil.ipynb").symlink_to(outside / "secret.ipynb")
    lesson = jp_root_dir / "lesson"
    lesson.mkdir()
    (lesson / "00-welcome.ipynb").symlink_to(outside / "00-welcome.ipynb")
    mods = jp_root_dir / "mods"
    mods.mkdir()
    cell = {"cell_type": "code", "execution_count": None, "id": "c1", "metadata": {},
            "outputs": [], "source": f"import leak\nfrom {MARKER} import x"}  # fmt: skip
    nb = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (mods / "uses.ipynb").write_text(json.dumps(nb))
    (mods / "leak.py").symlink_to(outside / f"{MARKER}.py")
    (jp_root_dir / "dir.py").mkdir()
    return jp_root_dir


# 1. Outside the root --------------------------------------------------------------------------


async def test_a_folder_member_leading_outside_is_not_read(jp_fetch, root):
    code, reply = await call(jp_fetch, "check", body={"path": "proj", "only": ["no-secrets"]})
    assert code == 200
    assert [r["notebook"] for r in reply["results"]] == ["ok.ipynb"]
    refused = reply["skipped"][0]
    assert refused["notebook"] == "evil.ipynb" and "outside the server root" in refused["reason"]


async def test_a_step_whose_lesson_notebook_leads_outside_is_not_run(jp_fetch, root):
    code, reply = await call(jp_fetch, "check", body={"path": "lesson", "step": "welcome/meet"})
    assert code == 403 and "outside the server root" in reply["error"]


async def test_a_module_beside_the_notebook_leading_outside_is_not_read(jp_fetch, root):
    code, reply = await call(jp_fetch, "catalog", "similar", params={"path": "mods/uses.ipynb"})
    assert (code, reply["tables"]) == (200, [])


def test_the_library_guard_refuses_members_that_leave_the_ceiling(root):
    from pairlab.checks import run_checks, select

    report = run_checks(root / "proj", select(only=["no-secrets"]), ceiling=root)
    assert [r.notebook for r in report.results] == ["ok.ipynb"]
    report = run_checks(root / "proj", select(only=["no-secrets"]))  # the CLI: no ceiling
    assert sorted(r.notebook for r in report.results) == ["evil.ipynb", "ok.ipynb"]


# 2. No 5xx: every bad body, query and path is a JSON 4xx -------------------------------------

DEEP = b'{"path": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
ROUTES_WITH_BODIES = [("check",), ("sessions",)]


@pytest.mark.parametrize("route", ROUTES_WITH_BODIES, ids=lambda r: "/".join(r))
@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (DEEP, 400, "nested deeper"),
        (b'{"a": ' + b"[" * 40 + b"]" * 40 + b"}", 400, "nested deeper"),
        (b'{"path": "\\ud800.ipynb"}', 400, "lone surrogate"),
        (b'{"path": NaN}', 400, "NaN"),
        (b'{"x": Infinity}', 400, "Infinity"),
        (b'{"path": "\xff\xfe"}', 400, "not valid JSON"),
        (b'{"x": "' + b"a" * 1_100_000 + b'"}', 413, "bytes"),
    ],
    ids=["deep", "depth-40", "surrogate", "nan", "infinity", "not-utf8", "too-large"],
)
async def test_every_post_body_goes_through_one_parser(jp_fetch, root, route, body, status, words):
    code, reply = await call(jp_fetch, *route, body=body)
    assert code == status and words in reply["error"] and reply["fix"]


async def test_session_events_post_shares_the_parser(jp_fetch, root):
    code, session = await call(jp_fetch, "sessions", body={"participants": PAIR})
    code, reply = await call(jp_fetch, "sessions", session["id"], "events", body=DEEP)
    assert code == 400 and "nested deeper" in reply["error"]


@pytest.mark.parametrize("lesson", [[], {}, 3, True])
async def test_a_lesson_that_is_not_a_string_is_refused(jp_fetch, root, lesson):
    code, reply = await call(jp_fetch, "sessions", body={"participants": PAIR, "lesson": lesson})
    assert code == 400 and "'lesson' must be" in reply["error"]


@pytest.mark.parametrize("since", ["99999999999999999999", str(2**63)])
async def test_a_huge_since_is_refused(jp_fetch, root, since):
    code, session = await call(jp_fetch, "sessions", body={"participants": PAIR})
    code, reply = await call(jp_fetch, "sessions", session["id"], "events", params={"since": since})
    assert code == 400 and "larger than any event id" in reply["error"]


BAD_DATA = [
    ({"extra": {"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}}, "nested deeper"),
    ({"results": 5}, "'results' must be a list"),
    ({"results": [1, 2]}, "'results' must be a list of objects"),
    ({"path": 3}, "'path' must be a string"),
    ({"success": "yes"}, "'success' must be a boolean"),
    ({"note": "x" * 70_000}, "too large"),
]


@pytest.mark.parametrize(("data", "words"), BAD_DATA, ids=[w for _, w in BAD_DATA])
async def test_invalid_event_data_is_never_stored(jp_fetch, root, data, words):
    code, session = await call(jp_fetch, "sessions", body={"participants": PAIR})
    sid = session["id"]
    event = {"kind": "rotation-prompted", "data": data}
    code, reply = await call(jp_fetch, "sessions", sid, "events", body=event)
    assert code == 400 and words in reply["error"]
    for route in ("events", "export", "summary"):
        code, reply = await call(jp_fetch, "sessions", sid, route)
        assert code == 200
    assert [e["kind"] for e in reply_events(await call(jp_fetch, "sessions", sid, "events"))] == [
        "session-started"
    ]


def reply_events(answer: tuple[int, dict]) -> list[dict]:
    """Return the events of an events reply."""
    return answer[1]["events"]


def test_the_store_refuses_nan_from_library_callers_too(tmp_path):
    from pairlab.errors import BadInput
    from pairlab.sessions import SessionStore
    from pairlab.sessions.model import Participant

    store = SessionStore(tmp_path)
    session = store.start((Participant("Ana", "analyst"), Participant("Eli", "engineer")), 15, None)
    with pytest.raises(BadInput, match="NaN"):
        store.record(session.id, "rotation-prompted", {"x": float("nan")})
    assert [e.kind for e in store.events(session.id)] == ["session-started"]
    store.close()


LONG = "a" * 300 + ".ipynb"


@pytest.mark.parametrize(
    ("route", "kwargs"),
    [
        (("check",), {"body": {"path": LONG, "only": ["in-order"]}}),
        (("check",), {"body": {"path": f"proj/{LONG}", "only": ["in-order"]}}),
        (("catalog", "similar"), {"params": {"path": LONG}}),
    ],
    ids=["check", "check-in-folder", "catalog"],
)
async def test_a_file_name_too_long_is_a_4xx(jp_fetch, root, route, kwargs):
    code, reply = await call(jp_fetch, *route, **kwargs)
    assert code == 400 and "too long" in reply["error"]


async def test_a_folder_where_a_file_is_expected_is_a_4xx(jp_fetch, root):
    code, reply = await call(jp_fetch, "catalog", "similar", params={"path": "dir.py"})
    assert code == 400 and "is a folder" in reply["error"]


async def test_an_emptied_session_database_is_moved_aside_with_a_notice(jp_fetch, jp_root_dir):
    state = jp_root_dir / ".pairlab"
    state.mkdir()
    (state / "pairlab.db").write_bytes(b"")
    code, reply = await call(jp_fetch, "sessions")
    assert code == 200 and "empty (0 bytes)" in reply["notice"]
    assert [p.name.startswith("pairlab.db.corrupt-") for p in state.iterdir()].count(True) == 1


async def test_a_reply_that_would_hold_nan_is_a_4xx_not_invalid_json(jp_fetch, root, monkeypatch):
    from pairlab.server.service import PairlabService

    code, session = await call(jp_fetch, "sessions", body={"participants": PAIR})
    monkeypatch.setattr(PairlabService, "summary", lambda self, sid: {"ratio": float("nan")})
    code, reply = await call(jp_fetch, "sessions", session["id"], "summary")
    assert code == 400 and "NaN or Infinity" in reply["error"]
