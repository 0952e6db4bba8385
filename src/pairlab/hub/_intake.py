"""The Intake view of the cohort service: facilitators run the queue, requesters their own.

Facilitators are who the other routes admit (the service's access scope); a requester is any
logged-in hub user, acting only for the team the program lists them in.
"""

from __future__ import annotations

import functools
import html
import json
import os
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tornado.web

from pairlab._body import parse_json_body
from pairlab.catalog.load import cached_catalog
from pairlab.errors import BadInput, NotFound
from pairlab.hub._handlers import ApiHandler, CohortHandler, Requester, RequesterApiHandler
from pairlab.hub._program import current_status, program_store
from pairlab.hub._store import CohortStore
from pairlab.intake import (
    Intake,
    IntakeStore,
    ProgramFacts,
    check_own_team,
    program_facts,
    read_settings,
)

_stores: weakref.WeakKeyDictionary[CohortStore, IntakeStore] = weakref.WeakKeyDictionary()
INTAKE_ENV = "PAIRLAB_INTAKE"  # an intake.toml for the hub's queue (limit, open); optional
_facts: dict[tuple[int, int, float, str], ProgramFacts] = {}


def hub_facts(store: CohortStore) -> ProgramFacts:
    """Return the facts of the program the cohort service holds, with its status."""
    held = program_store(store).get()
    settings = os.environ.get(INTAKE_ENV, "")
    changed = Path(settings).stat().st_mtime if settings and Path(settings).exists() else 0.0
    key = (id(store), store.version(), held["updated_at"] if held else 0.0, f"{settings}@{changed}")
    if key not in _facts:
        status, notice = current_status(store)
        if status is None:
            raise NotFound(
                f"the cohort has no usable program: {notice}",
                "a facilitator saves program.toml on the Program view",
            )
        _facts.clear()  # only the newest is ever asked for again
        _facts[key] = program_facts(
            status.program, status, read_settings(Path(settings)) if settings else {}
        )
    return _facts[key]


def signed_in(method: Callable[..., None]) -> Callable[..., None]:
    """Require a login as tornado's `authenticated` does, with ApiHandler's 401 and 403 words.

    Tornado answers a POST without a login with a bare 403; a GET goes to get_login_url.
    """

    @functools.wraps(method)
    def wrapper(self: ApiHandler, *args: Any) -> None:
        if not self.current_user:
            self.get_login_url()  # raises Unauthorized, or Forbidden for a refused user
        method(self, *args)

    return wrapper


def intake_of(store: CohortStore) -> Intake:
    """Return the queue kept in the cohort store's database (its own tables)."""
    if store not in _stores:
        _stores[store] = IntakeStore(engine=store.engine)
    return Intake(_stores[store], lambda: hub_facts(store), cached_catalog)


class RequestsHandler(RequesterApiHandler):
    """A requester's own requests (a facilitator's: all), and submitting one."""

    @signed_in
    def get(self) -> None:
        """Return the queue as this user may see it: their team's requests, or all."""
        intake = intake_of(self.store)
        if self.is_facilitator():
            self.finish(intake.queue())
            return
        team = intake.facts().users.get(self.current_user["name"])
        self.finish(intake.queue(team or "") | {"team": team})

    @signed_in
    def post(self) -> None:
        """Submit a request for the user's own team (a facilitator: for any team)."""
        body = parse_json_body(self.request.body)
        intake, user = intake_of(self.store), str(self.current_user["name"])
        if not self.is_facilitator():
            check_own_team(intake.facts(), user, str(body.get("team", "")))
        view = intake.submit(body, by=user)
        self.set_status(200 if view["duplicate"] else 201)
        self.finish(view)


class QueueHandler(ApiHandler):
    """The whole queue, every hypothesis: facilitators only."""

    @signed_in
    def get(self) -> None:
        """Return the queue with every request, its score parts and decisions."""
        self.finish(intake_of(self.store).queue())


class DecisionHandler(ApiHandler):
    """A facilitator's decision on a request: start, decline, done or override."""

    @signed_in
    def post(self, rid: str, action: str) -> None:
        """Apply the decision; a reason (and for override a position) comes in the body."""
        body = parse_json_body(self.request.body) if self.request.body else {}
        reason = body.get("reason", "")
        if not isinstance(reason, str):
            raise BadInput("'reason' must be text", 'send {"reason": "..."}')
        intake, who = intake_of(self.store), str(self.current_user["name"])
        if action == "start":
            view = intake.start(int(rid), who)
        elif action == "decline":
            view = intake.decline(int(rid), who, reason)
        elif action == "done":
            view = intake.done(int(rid), who, reason)
        else:
            view = intake.override(int(rid), who, body.get("position"), reason)  # type: ignore[arg-type]
        self.finish(view)


class IntakePageHandler(Requester, CohortHandler):
    """The Intake page: the queue and its actions for facilitators, a form for requesters."""

    @tornado.web.authenticated
    def get(self) -> None:
        """Return the page (a browser without a hub login is sent to log in first)."""
        intake, name = intake_of(self.store), str(self.current_user["name"])
        facilitator = self.is_facilitator()
        team = intake.facts().users.get(name)
        queue = intake.queue() if facilitator else intake.queue(team or "")
        self.set_header("Cache-Control", "no-store")
        self.finish(intake_page(queue, name, team, facilitator, self.xsrf_token.decode()))


ROUTES: list[tuple[str, type[tornado.web.RequestHandler]]] = [
    ("intake", IntakePageHandler),
    ("api/intake/requests", RequestsHandler),
    ("api/intake/queue", QueueHandler),
    ("api/intake/requests/([0-9]{1,9})/(start|decline|done|override)", DecisionHandler),
]


def _row(view: dict[str, Any], facilitator: bool) -> str:
    """Return one request as a table row (with the facilitator's buttons)."""
    e = html.escape
    parts = "; ".join(f"{p['part']} {p['points']:+d}" for p in view["score"]["parts"])
    hypothesis = view["hypothesis"]["statement"] or "(none: not measurable)"
    last = view["decisions"][-1]
    said = f"{last['action']} by {last['who']}: {last['reason']}" if last["reason"] else ""
    buttons = "".join(
        f'<button data-id="{view["id"]}" data-action="{a}">{a}</button>'
        for a in ("start", "decline", "override", "done")
        if facilitator
    )
    cells = (view["position"] or "", f"#{view['id']}", view["team"], view["idea"], hypothesis,
             view["state"], f"{view['score']['total']} ({parts})",
             view["expected_start"] or view["expected_end"] or "", said)  # fmt: skip
    return "<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in cells) + f"<td>{buttons}</td></tr>"


def intake_page(
    queue: dict[str, Any], user: str, team: str | None, facilitator: bool, xsrf: str
) -> str:
    """Return the Intake page for a facilitator or a requester."""
    e = html.escape
    rows = "".join(_row(v, facilitator) for v in queue["requests"])
    counts = queue["counts"]
    head = ("position", "id", "team", "idea", "hypothesis", "state", "score (parts)",
            "expected start / end", "last decision", "")  # fmt: skip
    form = "" if not (team or facilitator) else _FORM.format(team=e(team or ""))
    who = "facilitator" if facilitator else f"team {team}" if team else "no team in the program"
    return _PAGE.format(
        user=e(user), who=e(who), limit=queue["limit"], active=counts["active"],
        waiting=counts["waiting"], answered=counts["answered"],
        head="".join(f"<th>{h}</th>" for h in head), rows=rows, form=form,
        xsrf=json.dumps(xsrf).replace("</", "<\\/"),
    )  # fmt: skip


_FORM = """<h2>Request a pairing</h2><form id="intake-form">
<label>Team <input name="team" value="{team}" required></label>
<label>Product idea <input name="idea" required></label>
<label>Consumer <input name="consumer" required></label>
<label>Hypothesis <input name="statement"></label>
<label>Metric <input name="metric" placeholder="consumers"></label>
<label>Threshold <input name="threshold"></label>
<label>Window <input name="window" placeholder="30d"></label>
<label>Tables <input name="tables" placeholder="claims, policies"></label>
<label>Products <input name="products"></label>
<label>Analysts <input name="analysts" placeholder="two names, comma-separated" required></label>
<label>Free from <input name="free_from" type="date"></label>
<label>Why the offered product does not fit <input name="not_fit"></label>
<button type="submit">Submit</button></form><p id="intake-said" role="status"></p>"""

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Intake</title></head><body><main><h1>Intake</h1>
<p>{user} ({who}). Limit {limit} pairings at a time: {active} active, {waiting} waiting,
{answered} answered by reuse.</p>
<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{form}
<script>
(function () {{
  const headers = {{"X-XSRFToken": {xsrf}, "Content-Type": "application/json"}};
  async function send(url, body) {{
    const reply = await fetch(url, {{method: "POST", credentials: "same-origin", headers,
                                     body: JSON.stringify(body)}});
    const data = await reply.json();
    if (!reply.ok) {{ alert(data.error + (data.fix ? "; " + data.fix : "")); return null; }}
    return data;
  }}
  const form = document.getElementById("intake-form");
  if (form) form.addEventListener("submit", async (event) => {{
    event.preventDefault();
    const f = Object.fromEntries(new FormData(form));
    const hypothesis = {{statement: f.statement, metric: f.metric, threshold: f.threshold,
                         window: f.window}};
    for (const k of ["statement", "metric", "threshold", "window"]) delete f[k];
    const data = await send("api/intake/requests", {{...f, hypothesis}});
    if (data) location.reload();
  }});
  for (const button of document.querySelectorAll("button[data-action]")) {{
    button.addEventListener("click", async () => {{
      const body = {{}};
      const action = button.dataset.action;
      if (action === "override") body.position = Number(prompt("Move to position") || 0);
      if (action !== "start") body.reason = prompt("Reason") || "";
      if (await send(`api/intake/requests/${{button.dataset.id}}/${{action}}`, body)) {{
        location.reload();
      }}
    }});
  }}
}})();
</script></main></body></html>"""
