"""The cohort service's Program view: the program file it holds, and the view of every team.

Facilitators upload or edit program.toml here; it is kept in the cohort database (its own
table, same engine) and judged against every stored session, live as events arrive.
"""

from __future__ import annotations

import json
import os
import time
import weakref
from typing import Any

import sqlalchemy as sa
import tornado.web

from pairlab._body import parse_json_body
from pairlab.errors import BadInput, PairlabError
from pairlab.hub._handlers import ApiHandler, CohortHandler
from pairlab.hub._store import CohortStore, events, sessions
from pairlab.program import (
    SCAFFOLD,
    ProgramStatus,
    catalog_products,
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
# Per store: each session's step completions as last read, and the newest row id they had.
_READ: weakref.WeakKeyDictionary[CohortStore, dict[Key, tuple[int, list[dict[str, Any]]]]] = (
    weakref.WeakKeyDictionary()
)


def _completions(db: sa.Connection, keys: list[Key] | None) -> dict[Key, list[dict[str, Any]]]:
    """Read the step completions of these sessions (None: of every session), oldest first."""
    query = sa.select(events.c.user, events.c.session_id, events.c.kind, events.c.data).where(
        events.c.kind.in_(NEEDED)
    )
    if keys is not None:
        query = query.where(sa.tuple_(events.c.user, events.c.session_id).in_(keys))
    found: dict[Key, list[dict[str, Any]]] = {}
    for user, sid, kind, data in db.execute(query.order_by(events.c.event_id)):
        found.setdefault((user, sid), []).append({"kind": kind, "data": json.loads(data)})
    return found


def program_docs(store: CohortStore) -> list[dict[str, Any]]:
    """Return every stored session as an export holding only the events the program reads.

    A session's completions are read again only when a newer one was stored (the index on the
    event kind answers which, without reading the million cell runs around them); each export
    is stamped with its newest rows, so the program reads a session again only when it changed.
    """
    kept = _READ.setdefault(store, {})
    newest = sa.func.max(events.c.id)
    columns = (sessions.c.user, sessions.c.session_id, sessions.c.last_event, sessions.c.doc)
    with store.engine.connect() as db:
        heads = db.execute(sa.select(*columns)).all()
        marks = {
            (u, s): int(m)
            for u, s, m in db.execute(
                sa.select(events.c.user, events.c.session_id, newest)
                .where(events.c.kind.in_(NEEDED))
                .group_by(events.c.user, events.c.session_id)
            )
        }
        stale = [k for k, m in marks.items() if kept.get(k, (None,))[0] != m]
        if stale:
            fresh = _completions(db, None if len(stale) > 200 else stale)
            kept.update({k: (marks[k], fresh.get(k, [])) for k in stale})
    return [
        {"format": "pairlab-session/1", "user": user, "stamp": (marks.get((user, sid)), last),
         "session": _head(store, (user, sid), last, doc),
         "events": kept[(user, sid)][1] if (user, sid) in marks else []}
        for user, sid, last, doc in heads
    ]  # fmt: skip


_HEADS: weakref.WeakKeyDictionary[CohortStore, dict[Key, tuple[int, dict[str, Any]]]] = (
    weakref.WeakKeyDictionary()
)


def _head(store: CohortStore, key: Key, last: int, doc: str) -> dict[str, Any]:
    """Return a session's stored head as JSON, decoded again only when a newer event changed it."""
    heads = _HEADS.setdefault(store, {})
    if heads.get(key, (None,))[0] != last:
        heads[key] = (last, json.loads(doc) | {"id": f"{key[0]}/{key[1]}"})
    return heads[key][1]


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


_LAST: weakref.WeakKeyDictionary[CohortStore, tuple[Any, tuple[ProgramStatus | None, str]]] = (
    weakref.WeakKeyDictionary()
)


def current_status(store: CohortStore) -> tuple[ProgramStatus | None, str]:
    """Return the program's status over every stored session, or None and a one-line notice.

    Judged again only when an event or the program changed: polls between events are free.
    """
    held = program_store(store).get()
    if held is None:
        return None, "no program yet: paste program.toml below and save it"
    key = (store.version(), held["updated_at"], os.environ.get(CATALOG_ENV))
    last = _LAST.get(store)
    if last is not None and last[0] == key:
        return last[1]
    _LAST[store] = (key, _judge(store, held))
    return _LAST[store][1]


_MEMOS: weakref.WeakKeyDictionary[CohortStore, tuple[float, dict[Any, Any]]] = (
    weakref.WeakKeyDictionary()
)


def _memo(store: CohortStore, program_at: float) -> dict[Any, Any]:
    """Return the sessions read against this version of the program (a new program: none)."""
    if _MEMOS.get(store, (None,))[0] != program_at:
        _MEMOS[store] = (program_at, {})
    return _MEMOS[store][1]


def _judge(store: CohortStore, held: dict[str, Any]) -> tuple[ProgramStatus | None, str]:
    """Judge the held program against every stored session."""
    try:
        program = parse_program_text(held["text"], "the cohort's program.toml")
        roots = [os.environ[CATALOG_ENV]] if os.environ.get(CATALOG_ENV) else []
        products = catalog_products(roots) if roots else []
        memo = _memo(store, held["updated_at"])
        return program_status(program, program_docs(store), None, products, memo=memo), ""
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


def _with_reuse(status: ProgramStatus, store: CohortStore) -> dict[str, Any]:
    """Return the status JSON with `teams.<id>.reuse`."""
    data = status.to_json()
    reuse = team_reuse(status, store)
    data["teams"] = {i: {**t, "reuse": reuse.get(i)} for i, t in data["teams"].items()}
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
</p></form><script>
(function () {
  const xsrf = %s;
  let version = %d;
  const ask = {credentials: "same-origin", cache: "no-store", headers: {"X-XSRFToken": xsrf}};
  document.getElementById("pl-edit").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = document.getElementById("pl-text").value;
    const reply = await fetch("api/program", {...ask, method: "PUT",
      headers: {...ask.headers, "Content-Type": "application/json"},
      body: JSON.stringify({text})});
    const said = document.getElementById("pl-said");
    if (reply.ok) { version = -1; said.textContent = "Saved."; }
    else { const e = await reply.json(); said.textContent = e.error + "; " + e.fix; }
  });
  async function poll() {
    try {
      const reply = await fetch("api/version", ask);
      const now = reply.ok ? (await reply.json()).version : version;
      if (now !== version) {
        const page = await fetch(location.pathname, ask);
        if (page.ok) {
          const doc = new DOMParser().parseFromString(await page.text(), "text/html");
          document.getElementById("pairlab-program").replaceWith(
            doc.getElementById("pairlab-program"));
          version = now;
        }
      }
    } catch (e) { /* the service restarts: try again next time */ }
    setTimeout(poll, %d);
  }
  setTimeout(poll, %d);
})();
</script></body></html>"""
POLL_MS = 2000


def program_page(store: CohortStore, xsrf: str) -> str:
    """Return the live Program view with its editor (the section alone refreshes)."""
    from html import escape

    version = store.version()
    status, notice = current_status(store)
    reuse = team_reuse(status, store) if status else None
    section = program_section(status, reuse) if status else notice_section(notice)
    text = (program_store(store).get() or {}).get("text", SCAFFOLD)
    token = json.dumps(xsrf).replace("</", "<\\/")
    return _PAGE % (section, escape(text), token, version, POLL_MS, POLL_MS)


class ProgramPageHandler(CohortHandler):
    """The Program view: every team coloured by state, the spread tree, next actions."""

    @tornado.web.authenticated
    def get(self) -> None:
        """Return the page (a browser without a hub login is sent to log in first)."""
        self.set_header("Cache-Control", "no-store")
        self.finish(program_page(self.store, self.xsrf_token.decode()))


class ProgramApiHandler(ApiHandler):
    """The program's status as JSON; PUT a new program.toml text."""

    @tornado.web.authenticated
    def get(self) -> None:
        """Return {"version", "notice", "updated_by", "status"}."""
        self.finish(status_json(self.store))

    @tornado.web.authenticated
    def put(self) -> None:
        """Keep {"text": program.toml} after validating it; answer with the new status."""
        body = parse_json_body(self.request.body)
        text = body.get("text")
        if not isinstance(text, str):
            raise BadInput("'text' is missing", 'send {"text": "<program.toml>"}')
        program_store(self.store).put(text, str(self.current_user.get("name", "")))
        self.finish(status_json(self.store))


ROUTES: list[tuple[str, type[tornado.web.RequestHandler]]] = [
    ("program", ProgramPageHandler),
    ("api/program", ProgramApiHandler),
]
