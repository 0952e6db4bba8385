"""The Intake view's roles through the cohort service's real handlers and JupyterHub's auth.

The service runs as on a hub (make_app, HubOAuth, the cohort store in SQLite); the hub's
token API it asks (`GET /hub/api/user`, answering each token's user and scopes as JupyterHub
does) is a small loopback app, so each role is a token: a facilitator's holds the service's
access scope, a learner's does not.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cohort_service import ACCESS, PREFIX, running_cohort_service
from intake_scenario import PROGRAM, REQUESTS

from pairlab.errors import PairlabError
from pairlab.hub._program import program_store
from pairlab.hub._store import CohortStore, default_url
from pairlab.lab import free_port

FACILITATE = "custom:pairlab-cohort:facilitate"
TOKENS = {  # token -> the user model JupyterHub answers for it
    "fran-token": {"kind": "user", "name": "fran", "scopes": [ACCESS, "read:users:name!user=fran"]},
    "ana-token": {"kind": "user", "name": "ana", "scopes": ["access:servers!user=ana"]},
    "dara-token": {"kind": "user", "name": "dara", "scopes": ["access:servers!user=dara"]},
    "svc-token": {"kind": "service", "name": "other-service", "scopes": []},
    # On a hub that lets every user reach the service, facilitators hold a scope of their own.
    "ana-open-token": {"kind": "user", "name": "ana", "scopes": [ACCESS]},
    "fran-open-token": {"kind": "user", "name": "fran", "scopes": [ACCESS, FACILITATE]},
    # A hub admin outside the facilitators' group: JupyterHub's admin role, no custom scope.
    "root-token": {"kind": "user", "name": "root", "scopes": ["admin:users", "access:services"]},
    "eli-token": {"kind": "user", "name": "eli", "scopes": ["access:servers!user=eli"]},
}


@dataclass
class Service:
    """The running cohort service: its URL and store."""

    port: int
    store: CohortStore

    def call(self, method: str, path: str, token: str | None, body: Any = None) -> tuple[int, Any]:
        """Send a request with a hub token; return the status and the JSON (or HTML) reply."""
        headers = {"Authorization": f"token {token}"} if token else {}
        data = json.dumps(body).encode() if body is not None else None
        if method == "POST" and data is None:
            data = b"{}"
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{PREFIX}{path}", data=data, method=method,
            headers=headers | {"Content-Type": "application/json"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                status, text = reply.status, reply.read().decode()
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode()
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    """Run the cohort service and the hub's user API on loopback."""
    store = CohortStore(default_url(tmp_path))
    program_store(store).put(PROGRAM, "fran")
    try:
        with running_cohort_service(store, TOKENS) as port:
            yield Service(port, store)
    finally:
        store.close()


def test_a_learner_requests_for_her_team_and_sees_only_hers(service: Service):
    status, mine = service.call("POST", "api/intake/requests", "ana-token", REQUESTS["A"])
    assert status == 201 and (mine["state"], mine["by"]) == ("waiting", "ana")
    assert service.call("POST", "api/intake/requests", "ana-token", REQUESTS["A"])[0] == 200
    status, refused = service.call("POST", "api/intake/requests", "ana-token", REQUESTS["C"])
    assert (status, refused["error"]) == (
        403,
        "ana may request only for their own team (claims), not 'marketing'",
    )
    assert service.call("POST", "api/intake/requests", "dara-token", REQUESTS["B"])[0] == 201

    status, seen = service.call("GET", "api/intake/requests", "ana-token")
    assert status == 200 and seen["team"] == "claims"
    assert [r["idea"] for r in seen["requests"]] == ["Fraud flags on new claims"]
    assert "Monthly claims frequency" not in json.dumps(seen)  # nobody else's request
    status, page = service.call("GET", "intake", "ana-token")
    assert status == 200 and "Fraud flags on new claims" in page and "Monthly" not in page
    assert 'data-action="' not in page and 'id="intake-form"' in page  # no buttons

    for method, path in (("GET", "api/intake/queue"),
                         ("POST", f"api/intake/requests/{mine['id']}/start")):  # fmt: skip
        status, reply = service.call(method, path, "ana-token")
        assert (status, reply["error"]) == (403, "ana may not see the cohort")
    status, reply = service.call("GET", "api/intake/requests", None)
    assert (status, reply["fix"]) == (401, "log in to the hub")
    assert service.call("GET", "api/intake/requests", "svc-token")[0] == 403

    status, bad = service.call("POST", "api/intake/requests", "ana-token",
                               REQUESTS["A"] | {"hypothesis": {"threshold": "lots"}})  # fmt: skip
    assert status == 400 and bad["error"].startswith("the hypothesis 'threshold' must be a number")
    assert bad["fix"]


def test_a_facilitator_starts_and_declines_with_a_reason(service: Service):
    ids = {}
    for name, user in (("A", "ana"), ("B", "dara")):
        ids[name] = service.call("POST", "api/intake/requests", f"{user}-token", REQUESTS[name])[1]
    assert ids["B"]["state"] == "answered"  # the sample catalog covers it: reuse first
    status, queue = service.call("GET", "api/intake/queue", "fran-token")
    assert status == 200 and len(queue["requests"]) == 2 and queue["limit"] == 2

    status, started = service.call("POST", f"api/intake/requests/{ids['A']['id']}/start",
                                   "fran-token")  # fmt: skip
    assert status == 200 and started["state"] == "active" and started["expected_end"]
    path = f"api/intake/requests/{ids['B']['id']}/decline"
    status, said = service.call("POST", path, "fran-token", {"reason": ""})
    assert (status, said["error"]) == (400, "a decline needs a written reason")
    status, declined = service.call(
        "POST", path, "fran-token", {"reason": "reuse it: ask actuarial"}
    )
    assert status == 200 and declined["decisions"][-1] | {"at": None} == {
        "who": "fran",
        "action": "declined",
        "reason": "reuse it: ask actuarial",
        "at": None,
    }

    status, page = service.call("GET", "intake", "fran-token")
    assert status == 200 and 'data-action="decline"' in page and "Monthly claims frequency" in page

    # A facilitator may request for any team (analysts as the form sends them) and move it.
    body = REQUESTS["C"] | {"analysts": "Mo Chen, Ana Lima"}
    status, c = service.call("POST", "api/intake/requests", "fran-token", body)
    assert status == 201 and (c["team"], c["analysts"]) == ("marketing", ["Mo Chen", "Ana Lima"])
    status, moved = service.call("POST", f"api/intake/requests/{c['id']}/override", "fran-token",
                                 {"position": 1, "reason": "CRM renews in May"})  # fmt: skip
    assert status == 200 and moved["decisions"][-1]["reason"] == "CRM renews in May"
    status, everything = service.call("GET", "api/intake/requests", "fran-token")
    assert {r["team"] for r in everything["requests"]} == {"claims", "pricing", "marketing"}
    done = {"reason": "claims runs lesson 6 alone"}
    path = f"api/intake/requests/{ids['A']['id']}/done"
    status, ended = service.call("POST", path, "fran-token", done)
    assert status == 200 and ended["state"] == "done"
    status, seen = service.call("GET", "api/intake/requests", "ana-token")
    assert [(r["state"], r["expected_end"]) for r in seen["requests"]] == [
        ("done", started["expected_end"])
    ]
    # The decisions are in the cohort's own database, beside its events.
    with service.store.engine.connect() as db:
        kept = db.execute(sa.text("SELECT action, reason FROM intake_decisions")).all()
    assert ("declined", "reuse it: ask actuarial") in kept
    assert service.call("GET", "api/intake/requests/99/start", "fran-token")[0] == 405
    status, missing = service.call("POST", "api/intake/requests/99/start", "fran-token")
    assert (status, missing["error"]) == (404, "no request 99")


def test_the_hubs_intake_toml_sets_the_limit(service: Service, tmp_path: Path, monkeypatch):
    (tmp_path / "intake.toml").write_text("wip_limit = 1\n")
    monkeypatch.setenv("PAIRLAB_INTAKE", str(tmp_path / "intake.toml"))
    ids = [service.call("POST", "api/intake/requests", "fran-token", REQUESTS[n])[1]["id"]
           for n in "AC"]  # fmt: skip
    assert service.call("POST", f"api/intake/requests/{ids[0]}/start", "fran-token")[0] == 200
    status, refused = service.call("POST", f"api/intake/requests/{ids[1]}/start", "fran-token")
    assert status == 400 and "the limit is 1" in refused["error"]


def test_a_hub_open_to_every_user_names_the_facilitators_scope(service: Service, monkeypatch):
    monkeypatch.setenv("PAIRLAB_FACILITATOR_SCOPE", FACILITATE)
    status, mine = service.call("POST", "api/intake/requests", "ana-open-token", REQUESTS["A"])
    assert status == 201
    for path in ("api/intake/queue", "api/cohort"):  # the access scope alone: a requester
        status, reply = service.call("GET", path, "ana-open-token")
        assert (status, reply["error"]) == (403, "ana may not see the cohort")
    status, reply = service.call("GET", "", "ana-open-token")  # nor the cohort page
    assert (status, reply["error"]) == (403, "only facilitators may see the cohort")
    assert service.call("GET", "api/intake/queue", "fran-token")[0] == 403
    status, queue = service.call("GET", "api/intake/queue", "fran-open-token")
    assert status == 200 and [r["id"] for r in queue["requests"]] == [mine["id"]]
    assert service.call("GET", "api/cohort", "fran-open-token")[0] == 200


def test_a_hub_admin_sees_the_cohort_only_where_the_access_scope_makes_a_facilitator(
    service: Service, monkeypatch
):
    # The README's claim: without PAIRLAB_FACILITATOR_SCOPE an admin (who holds every
    # service's access scope) is a facilitator; with it, only as a holder of that scope.
    for path in ("api/cohort", "api/program", "api/intake/queue"):
        assert service.call("GET", path, "root-token")[0] == 200
    monkeypatch.setenv("PAIRLAB_FACILITATOR_SCOPE", FACILITATE)
    for path in ("api/cohort", "api/program", "api/intake/queue"):
        status, reply = service.call("GET", path, "root-token")
        assert (status, reply["error"]) == (403, "root may not see the cohort")
    assert service.call("GET", "api/program", "fran-open-token")[0] == 200


def test_the_guides_request_goes_in_as_the_servers_user(service: Service):
    from pairlab.errors import NotFound
    from pairlab.hub import ask_intake

    # What /pairlab/intake/requests asks with: this server's hub token and the service's URL.
    ana = {"PAIRLAB_COHORT_URL": f"http://127.0.0.1:{service.port}{PREFIX}",
           "JUPYTERHUB_API_TOKEN": "ana-token"}  # fmt: skip
    view = ask_intake(REQUESTS["A"], ana)
    assert (view["state"], view["by"], view["position"]) == ("waiting", "ana", 1)
    assert ask_intake(REQUESTS["A"], ana)["duplicate"]  # filed twice: one request
    with pytest.raises(PairlabError) as refused:  # another team: the service's 403, passed on
        ask_intake(REQUESTS["C"], ana)
    assert refused.value.status == 403 and "own team (claims)" in refused.value.problem
    with pytest.raises(PairlabError) as bad:
        ask_intake(REQUESTS["A"] | {"hypothesis": {"threshold": "lots"}}, ana)
    assert bad.value.status == 400 and "'threshold' must be a number" in bad.value.problem
    seen = ask_intake(None, ana)
    assert seen["team"] == "claims" and [r["id"] for r in seen["requests"]] == [view["id"]]
    with pytest.raises(NotFound, match="needs JupyterHub's pairlab-cohort"):
        ask_intake(None, {})
    down = ana | {"PAIRLAB_COHORT_URL": f"http://127.0.0.1:{free_port()}/"}
    with pytest.raises(PairlabError, match="cannot be reached now") as gone:
        ask_intake(REQUESTS["A"], down)
    assert gone.value.status == 502 and "nothing was filed" in gone.value.fix


def test_a_pricing_idea_a_product_covers_is_answered_by_reuse_through_the_guide(service: Service):
    from pairlab.hub import ask_intake

    dara = {"PAIRLAB_COHORT_URL": f"http://127.0.0.1:{service.port}{PREFIX}",
            "JUPYTERHUB_API_TOKEN": "dara-token"}  # fmt: skip
    view = ask_intake(REQUESTS["B"], dara)
    assert view["state"] == "answered" and view["position"] is None
    assert view["answer"]["product"] == "claims-frequency-by-region"
    assert any("not queued" in note for note in view["notes"])


def test_the_start_form_is_prefilled_from_the_program_and_the_hub_user(service: Service, tmp_path):
    from pairlab.hub import ask_place
    from pairlab.sessions import Participant, SessionStore

    def place(token: str) -> dict[str, Any]:
        env = {"PAIRLAB_COHORT_URL": f"http://127.0.0.1:{service.port}{PREFIX}",
               "JUPYTERHUB_API_TOKEN": token}  # fmt: skip
        return ask_place(env)

    # Ana, not reached yet: her name, role and team; nobody she could lead yet.
    ana_at_first = {"user": "ana", "name": "Ana Lima", "role": "analyst", "team": "claims",
                    "facilitator": None, "trained_in": None}  # fmt: skip
    assert place("ana-token") == ana_at_first
    # Eli of the central team leads, for whichever team he pairs with.
    eli = {"user": "eli", "name": "Eli Novak", "role": "engineer", "team": None,
           "facilitator": "Eli Novak", "trained_in": None}  # fmt: skip
    assert place("eli-token") == eli
    # Once Eli paired with her, Ana can teach back: she leads, trained in that session.
    ana = SessionStore(tmp_path / "ana", on_event=lambda item: service.store.add("ana", **item))
    pair = (Participant("Ana Lima", "analyst"), Participant("Eli Novak", "engineer"))
    sid = ana.start(pair, 15, None, {"team": "claims", "facilitator": "Eli Novak"}).id
    ana.close()
    now = place("ana-token")
    assert (now["facilitator"], now["trained_in"]) == ("Ana Lima", f"ana/{sid}")
    with pytest.raises(PairlabError, match="hub user fran is in no team of the program") as no:
        place("fran-token")
    assert no.value.status == 404
    assert service.call("GET", "api/program/me", None)[0] == 401
