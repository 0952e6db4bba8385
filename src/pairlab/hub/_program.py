"""The cohort service's Program view: the program file it holds, and the view of every team.

Facilitators upload or edit program.toml here; it is kept in the cohort database (its own
table, same engine) and judged against every stored session, live as events arrive.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import tornado.web

from pairlab._body import parse_json_body
from pairlab.errors import BadInput, NotFound, PairlabError
from pairlab.hub._handlers import ApiHandler, CohortHandler, RequesterApiHandler
from pairlab.hub._store import CohortStore, events, sessions
from pairlab.hub._views import poll_script
from pairlab.program import (
    SCAFFOLD,
    Program,
    ProgramStatus,
    catalog_products,
    lesson_numbers,
    parse_program_text,
    program_status,
)
from pairlab.report.program import notice_section, program_section

CATALOG_ENV = "PAIRLAB_CATALOG"
MAX_PROGRAM_BYTES = 500_000
metadata = sa.MetaData()
programs = sa.Table(
    "cohort_program",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),  # one row: the cohort's program
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("updated_by", sa.String(255), nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)


# The program reads only who drove which completed step: an index keeps that a small read among
# a million cell runs. Created beside the cohort's own tables, if missing.
by_kind = sa.Index("cohort_events_by_kind", events.c.kind, events.c.user, events.c.session_id)
NEEDED = ("step-completed",)


Key = tuple[str, str]  # (hub user, session id)
# What the program reads of a session's head; the rest (rotations, the lesson) changes often
# and never moves a count, so a change there judges nothing again.
HEAD_FIELDS = ("started_at", "participants", "team", "facilitator", "trained_in")
# Rows read again each time, in case a write committed after a newer id was read.
OVERLAP = 100


def _completions(db: sa.Connection, keys: set[Key] | None) -> dict[Key, list[dict[str, Any]]]:
    """Read the step completions of these sessions (None: of every session), oldest first."""
    query = sa.select(events.c.user, events.c.session_id, events.c.kind, events.c.data).where(
        events.c.kind.in_(NEEDED)
    )
    if keys is not None:
        query = query.where(*_among(events, keys))
    found: dict[Key, list[dict[str, Any]]] = {}
    for user, sid, kind, data in db.execute(query.order_by(events.c.event_id)):
        if keys is None or (user, sid) in keys:
            found.setdefault((user, sid), []).append({"kind": kind, "data": json.loads(data)})
    return found


def _among(table: sa.Table, keys: set[Key]) -> tuple[Any, Any]:
    """Return conditions an index on (user, session_id) answers (a row-value IN scans in SQLite).

    They admit every pair of a user and a session id named; the caller keeps only `keys`.
    """
    users, ids = {u for u, _ in keys}, {s for _, s in keys}
    return table.c.user.in_(sorted(users)), table.c.session_id.in_(sorted(ids))


def _heads(db: sa.Connection, keys: set[Key] | None) -> dict[Key, dict[str, Any]]:
    """Read the heads of these sessions (None: of every session), as the program reads them."""
    query = sa.select(sessions.c.user, sessions.c.session_id, sessions.c.doc)
    if keys is not None:
        query = query.where(*_among(sessions, keys))
    found = {}
    for user, sid, doc in db.execute(query):
        if keys is not None and (user, sid) not in keys:
            continue
        head = json.loads(doc)
        kept = {k: head[k] for k in HEAD_FIELDS if k in head}
        found[(user, sid)] = kept | {"id": f"{user}/{sid}"}
    return found


class SessionReader:
    """Every stored session as the program reads it, kept current from the rows added since.

    The first read takes every head and step completion; later ones read only the sessions
    that rows newer than the last read touched (the primary key answers which), so a poll
    after a cell run costs a few small queries. `changes` grows only when what the program
    reads changed: a cell run or a rotation judges nothing again.
    """

    def __init__(self) -> None:
        self.mark = 0  # the newest event row read
        self.changes = 0
        self.docs: dict[Key, dict[str, Any]] = {}

    def refresh(self, store: CohortStore) -> int:
        """Read what changed since the last call; return `changes`."""
        with store.engine.connect() as db:
            top = int(db.execute(sa.select(sa.func.max(events.c.id))).scalar() or 0)
            if top == self.mark:
                return self.changes
            keys: set[Key] | None = None
            if 0 < self.mark < top:
                since = sa.select(events.c.user, events.c.session_id).where(
                    events.c.id > self.mark - OVERLAP
                )
                keys = {(u, s) for u, s in db.execute(since)}  # DISTINCT would scan an index
            else:  # the first read, or a database replaced under the service: read it all
                self.docs = {}
            heads, done = _heads(db, keys), _completions(db, keys)
        self.mark = top
        changed = False
        for key, head in heads.items():
            old = self.docs.get(key)
            steps = done.get(key, [])
            if old is None or old["session"] != head or old["events"] != steps:
                self.docs[key] = {"format": "pairlab-session/1", "user": key[0], "session": head,
                                  "stamp": self.changes + 1, "events": steps}  # fmt: skip
                changed = True
        self.changes += changed
        return self.changes


_READERS: weakref.WeakKeyDictionary[CohortStore, SessionReader] = weakref.WeakKeyDictionary()


def session_reader(store: CohortStore) -> SessionReader:
    """Return the store's session reader (one per store, kept across requests)."""
    if store not in _READERS:
        _READERS[store] = SessionReader()
    return _READERS[store]


def program_docs(store: CohortStore) -> list[dict[str, Any]]:
    """Return every stored session as an export holding only what the program reads."""
    reader = session_reader(store)
    reader.refresh(store)
    return list(reader.docs.values())


class ProgramStore:
    """The program.toml the cohort service holds, in the cohort database."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        metadata.create_all(engine)
        by_kind.create(engine, checkfirst=True)

    def get(self) -> dict[str, Any] | None:
        """Return {"text", "updated_by", "updated_at"}, or None before the first upload."""
        with self.engine.connect() as db:
            row = db.execute(sa.select(programs).where(programs.c.id == 1)).mappings().first()
        return dict(row) if row else None

    def put(self, text: str, user: str) -> None:
        """Validate and keep a new program text; a broken one is refused and the old one kept."""
        if len(text.encode()) > MAX_PROGRAM_BYTES:
            raise BadInput("the program is too large", f"keep it under {MAX_PROGRAM_BYTES} bytes")
        parse_program_text(text, "the uploaded program.toml")
        values = {"text": text, "updated_by": user, "updated_at": time.time()}
        with self.engine.begin() as db:
            if db.execute(sa.select(programs.c.id).where(programs.c.id == 1)).first():
                db.execute(programs.update().where(programs.c.id == 1).values(**values))
            else:
                db.execute(programs.insert().values(id=1, **values))


_STORES: weakref.WeakKeyDictionary[CohortStore, ProgramStore] = weakref.WeakKeyDictionary()


def program_store(store: CohortStore) -> ProgramStore:
    """Return the program store on the cohort store's engine (its table made once)."""
    if store not in _STORES:
        _STORES[store] = ProgramStore(store.engine)
    return _STORES[store]


@dataclass
class _Judged:
    """A store's last judgement, and what it was judged from."""

    key: Any = None
    result: tuple[ProgramStatus | None, str] = (None, "")
    program_at: float | None = None
    program: Program | None = None
    memo: dict[Any, Any] = field(default_factory=dict)  # readings of this program's version


_JUDGED: weakref.WeakKeyDictionary[CohortStore, _Judged] = weakref.WeakKeyDictionary()


@functools.cache
def _lessons() -> dict[int, set[tuple[str, str]]]:
    """Return the curriculum's steps by lesson number, read once per service."""
    return lesson_numbers()


def current_status(store: CohortStore) -> tuple[ProgramStatus | None, str]:
    """Return the program's status over every stored session, or None and a one-line notice.

    Judged again only when what the program reads changed (a step completed, a session's people,
    team or facilitator), or the program did: polls and cell runs between are free.
    """
    held = program_store(store).get()
    if held is None:
        return None, "no program yet: paste program.toml below and save it"
    with _JUDGING:
        judged = _JUDGED.setdefault(store, _Judged())
        changes = session_reader(store).refresh(store)
        key = (changes, held["updated_at"], os.environ.get(CATALOG_ENV))
        if judged.key != key:
            judged.result = _judge(store, held, judged)
            judged.key = key
        return judged.result


# The views judge in a worker thread (the first judgement reads every session: seconds at a
# million events), so posted events keep arriving meanwhile; one judgement at a time.
_JUDGING = threading.Lock()


async def off_loop(job: Any, *args: Any) -> Any:
    """Run a judging call in a worker thread, leaving the event loop to take posts meanwhile."""
    return await asyncio.get_running_loop().run_in_executor(None, job, *args)


def _judge(
    store: CohortStore, held: dict[str, Any], judged: _Judged
) -> tuple[ProgramStatus | None, str]:
    """Judge the held program against every stored session."""
    try:
        if judged.program_at != held["updated_at"] or judged.program is None:
            program = parse_program_text(held["text"], "the cohort's program.toml")
            judged.program, judged.program_at, judged.memo = program, held["updated_at"], {}
        roots = [os.environ[CATALOG_ENV]] if os.environ.get(CATALOG_ENV) else []
        products = catalog_products(roots) if roots else []
        docs = list(session_reader(store).docs.values())
        status = program_status(judged.program, docs, None, products, _lessons(), judged.memo)
        return status, ""
    except PairlabError as exc:  # a session the program does not know: say so, count nothing
        return None, str(exc)


USAGE_ENV = "PAIRLAB_USAGE_DB"  # the usage reads, for reuse per team (pairlab.usage)


def team_reuse(status: ProgramStatus, store: CohortStore) -> dict[str, Any]:
    """Return each team's reuse from the reads at $PAIRLAB_USAGE_DB, else those posted here."""
    from pairlab import usage

    url = os.environ.get(USAGE_ENV, "").strip()
    reads = usage.Store(url) if url else usage.Store(engine=store.engine)  # hub/_usage.py's
    roots = [os.environ[CATALOG_ENV]] if os.environ.get(CATALOG_ENV) else []
    products = catalog_products(roots) if roots else []
    found = usage.reuse_by_team(reads.list(), status.program, products)
    return {team_id: reuse.to_json() for team_id, reuse in found.items()}


_INTAKE: weakref.WeakKeyDictionary[CohortStore, Any] = weakref.WeakKeyDictionary()


def team_requests(store: CohortStore) -> dict[str, dict[str, int]]:
    """Return each team's intake requests by state (the Intake view's queue, same database)."""
    from pairlab.intake import IntakeStore

    if store not in _INTAKE:
        _INTAKE[store] = IntakeStore(engine=store.engine)  # its tables made once
    found: dict[str, dict[str, int]] = {}
    for row in _INTAKE[store].all():
        states = found.setdefault(row["team"], {})
        states[row["state"]] = states.get(row["state"], 0) + 1
    return found


def _states(counts: dict[str, int]) -> str:
    """Return "1 active, 2 waiting", or "no request"."""
    return ", ".join(f"{n} {state}" for state, n in sorted(counts.items())) or "no request"


def requests_section(status: ProgramStatus, requests: dict[str, dict[str, int]]) -> str:
    """Return each team's request state as an HTML table (every team, none as "no request")."""
    from html import escape

    rows = "".join(
        f'<tr data-team="{escape(t.team.id)}"><td>{escape(t.team.label)}</td>'
        f"<td>{escape(_states(requests.get(t.team.id, {})))}</td></tr>"
        for t in status.teams
    )
    return ('<section id="pairlab-requests"><h2>Pairing requests by team</h2><p><a href="intake">'
            "Intake queue</a></p><table><thead><tr><th>team</th><th>requests</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></section>")  # fmt: skip


def _with_reuse(status: ProgramStatus, store: CohortStore) -> dict[str, Any]:
    """Return the status JSON with `teams.<id>.reuse` and `teams.<id>.requests` (by state)."""
    data = status.to_json()
    reuse, asked = team_reuse(status, store), team_requests(store)
    data["teams"] = {i: {**t, "reuse": reuse.get(i), "requests": asked.get(i, {})}
                     for i, t in data["teams"].items()}  # fmt: skip
    return data


def status_json(store: CohortStore) -> dict[str, Any]:
    """Return {"version", "notice", "updated_by", "status"} (status null with a notice)."""
    version = store.version()
    status, notice = current_status(store)
    held = program_store(store).get() or {}
    return {
        "version": version,
        "notice": notice,
        "updated_by": held.get("updated_by"),
        "status": _with_reuse(status, store) if status else None,
    }


_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Program (live)</title><style>
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:0 20px;color:#222}
table{border-collapse:collapse}th,td{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}
textarea{width:100%%;height:18em;font:13px monospace}</style></head><body>
<h1>Enablement program (live)</h1><p><a href="./">Cohort report</a></p>%s
<h2>Edit the program</h2><form id="pl-edit"><textarea id="pl-text" aria-label="program.toml">%s
</textarea><p><button type="submit">Save program</button> <span id="pl-said" role="status"></span>
</p></form>%s<script>
document.getElementById("pl-edit").addEventListener("submit", async (event) => {
  event.preventDefault();
  const live = window.pairlabLive;
  const text = document.getElementById("pl-text").value;
  const reply = await fetch("api/program", {...live.ask, method: "PUT",
    headers: {...live.ask.headers, "Content-Type": "application/json"},
    body: JSON.stringify({text})});
  const said = document.getElementById("pl-said");
  if (reply.ok) { live.stale(); said.textContent = "Saved."; }
  else { const e = await reply.json(); said.textContent = e.error + "; " + e.fix; }
});
</script></body></html>"""
# A new event is in view within a poll plus one judgement (0.3-0.5 s at a million events,
# docs/performance.md): polling each second keeps that under the 2 s the issue asks.
POLL_MS = 1000


def program_page(store: CohortStore, xsrf: str) -> str:
    """Return the live Program view with its editor (the section alone refreshes)."""
    from html import escape

    version = store.version()
    status, notice = current_status(store)
    reuse = team_reuse(status, store) if status else None
    section = program_section(status, reuse) if status else notice_section(notice)
    if status:
        section += requests_section(status, team_requests(store))
    text = (program_store(store).get() or {}).get("text", SCAFFOLD)
    live = poll_script(version, xsrf, POLL_MS, ["pairlab-program", "pairlab-requests"])
    return _PAGE % (section, escape(text), live)


class ProgramPageHandler(CohortHandler):
    """The Program view: every team coloured by state, the spread tree, next actions."""

    @tornado.web.authenticated
    async def get(self) -> None:
        """Return the page (a browser without a hub login is sent to log in first)."""
        self.set_header("Cache-Control", "no-store")
        self.finish(await off_loop(program_page, self.store, self.xsrf_token.decode()))


class ProgramApiHandler(ApiHandler):
    """The program's status as JSON; PUT a new program.toml text."""

    @tornado.web.authenticated
    async def get(self) -> None:
        """Return {"version", "notice", "updated_by", "status"}."""
        self.finish(await off_loop(status_json, self.store))

    @tornado.web.authenticated
    async def put(self) -> None:
        """Keep {"text": program.toml} after validating it; answer with the new status."""
        body = parse_json_body(self.request.body)
        text = body.get("text")
        if not isinstance(text, str):
            raise BadInput("'text' is missing", 'send {"text": "<program.toml>"}')
        program_store(self.store).put(text, str(self.current_user.get("name", "")))
        self.finish(await off_loop(status_json, self.store))


def place_of(store: CohortStore, user: str) -> dict[str, Any]:
    """Return a hub user's place in the program, as the guide's start form is prefilled.

    Her name and role; the team she pairs for (none for the central team, who serve every
    team); and, when she can lead (central, or reached and so able to teach back), herself as
    facilitator and, for a teach-back, the session she learned in.
    """
    status, notice = current_status(store)
    if status is None:
        raise NotFound(
            f"the cohort has no usable program: {notice}",
            "a facilitator saves program.toml on the Program view",
        )
    found = status.program.member(user)
    if found is None:
        raise NotFound(
            f"hub user {user} is in no team of the program",
            "ask a facilitator to add `user = ...` to your entry in program.toml",
        )
    team, member = found
    central = team is status.program.central
    person = status.spread.people.get(member.name)
    learned = None if central or person is None else person.learned_in
    leads = central or learned is not None
    return {"user": user, "name": member.name, "role": member.role,
            "team": None if central else team.id,
            "facilitator": member.name if leads else None, "trained_in": learned}  # fmt: skip


class PlaceHandler(RequesterApiHandler):
    """Any logged-in user's own place in the program (the guide's start form asks on the hub)."""

    @tornado.web.authenticated
    async def get(self) -> None:
        """Return {"user", "name", "role", "team", "facilitator", "trained_in"}."""
        self.finish(await off_loop(place_of, self.store, str(self.current_user["name"])))


ROUTES: list[tuple[str, type[tornado.web.RequestHandler]]] = [
    ("program", ProgramPageHandler),
    ("api/program", ProgramApiHandler),
    ("api/program/me", PlaceHandler),
]
