"""The cohort service's Program view over its store, on SQLite and on a real PostgreSQL.

Sessions are recorded by the real session store and forwarded into the cohort store as a
pair's server forwards them; the program is held in the cohort database.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from pairlab.errors import BadInput
from pairlab.hub._program import program_page, program_store, status_json
from pairlab.hub._store import CohortStore
from pairlab.lessons import load_lessons
from pairlab.program import SCAFFOLD
from pairlab.sessions import Participant, SessionStore


def _forwarding(tmp_path, cohort: CohortStore, user: str) -> SessionStore:
    """Return a user's session store whose every event goes to the cohort, as the forwarder's."""
    return SessionStore(tmp_path / user, on_event=lambda item: cohort.add(user, **item))


def _teach(store: SessionStore, people, **place) -> str:
    """Run a short session: the first person drives and completes one step."""
    session = store.start(tuple(Participant(n, r) for n, r in people), 15, None, place)
    checked = {"path": "01-explore.ipynb", "lesson": "explore", "step": "connect",
               "driver": people[0][0], "status": "pass", "results": []}  # fmt: skip
    store.record_step(session.id, checked, True)
    return session.id


@pytest.fixture
def cohort(cohort_url):
    """Return a cohort store on a fresh database (SQLite, then PostgreSQL)."""
    store = CohortStore(cohort_url)
    yield store
    store.close()


def test_no_program_yet_says_so_and_offers_the_scaffold(cohort):
    data = status_json(cohort)
    assert data["status"] is None and data["notice"].startswith("no program yet")
    page = program_page(cohort, "xsrf")
    assert "no program yet" in page and "central = &quot;enablement&quot;" in page


def test_the_view_follows_the_chain_as_events_arrive(cohort, tmp_path):
    program_store(cohort).put(SCAFFOLD, "fran")
    ana = _forwarding(tmp_path, cohort, "ana")
    first = _teach(ana, [("Ana Lima", "analyst"), ("Eli Novak", "engineer")],
                   team="claims", facilitator="Eli Novak")  # fmt: skip
    data = status_json(cohort)
    assert data["updated_by"] == "fran" and data["notice"] == ""
    claims = data["status"]["teams"]["claims"]
    assert (claims["state"], claims["members_reached"]) == ("pairing", 1)
    assert data["status"]["unreached"] == ["pricing"]
    before = data["version"]
    _teach(ana, [("Ben Okafor", "analyst"), ("Ana Lima", "analyst")],
           team="claims", facilitator="Ana Lima", trained_in=first)  # fmt: skip
    data = status_json(cohort)
    assert data["version"] > before  # what the live page polls
    claims = data["status"]["teams"]["claims"]
    assert (claims["state"], claims["ambassadors"]) == ("teaching", ["Ana Lima"])
    assert data["status"]["people"]["Ben Okafor"]["generation"] == 2
    page = program_page(cohort, "xsrf")
    assert re.search(r'data-team="claims" data-state="teaching"', page)
    assert "Ben Okafor <small>(claims, generation 2)" in page
    ana.close()


def test_a_broken_program_is_refused_and_the_old_one_kept(cohort):
    program_store(cohort).put(SCAFFOLD, "fran")
    twice = SCAFFOLD.replace('id = "pricing"', 'id = "claims"')
    with pytest.raises(BadInput, match="two teams have the id 'claims'"):
        program_store(cohort).put(twice, "fran")
    assert program_store(cohort).get()["text"] == SCAFFOLD  # type: ignore[index]


def test_a_session_the_program_does_not_know_is_a_notice_not_a_count(cohort, tmp_path):
    program_store(cohort).put(SCAFFOLD, "fran")
    ana = _forwarding(tmp_path, cohort, "ana")
    _teach(ana, [("Zed Unknown", "analyst"), ("Eli Novak", "engineer")])
    data = status_json(cohort)
    assert data["status"] is None
    assert "'Zed Unknown' is not a member of any team" in data["notice"]
    assert "&#x27;Zed Unknown&#x27; is not a member" in program_page(cohort, "xsrf")
    ana.close()


def test_the_services_catalog_counts_a_published_product(cohort, tmp_path, monkeypatch):
    sample = Path(__file__).resolve().parents[2] / "samples" / "catalog"
    product = tmp_path / "catalog" / "claims-kpis"
    shutil.copytree(sample / "claims-frequency-by-region", product)
    doc = yaml.safe_load((product / "dataproduct.yaml").read_text())
    doc["id"], doc["team"]["name"] = "claims-kpis", "claims"
    doc["outputPorts"][0]["customProperties"].append({"property": "server", "value": "duckdb:x"})
    (product / "dataproduct.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    program_store(cohort).put(SCAFFOLD, "fran")

    def published() -> dict:
        team = status_json(cohort)["status"]["teams"]["claims"]
        return next(c for c in team["capable"]["criteria"] if c["name"] == "published-product")

    assert not published()["ok"]
    monkeypatch.setenv("PAIRLAB_CATALOG", str(tmp_path / "catalog"))
    assert published()["ok"] and published()["evidence"] == ["claims-kpis"]


def test_a_session_that_goes_on_is_read_again(cohort, tmp_path):
    program_store(cohort).put(SCAFFOLD, "fran")
    ana = _forwarding(tmp_path, cohort, "ana")
    first = _teach(ana, [("Ana Lima", "analyst"), ("Eli Novak", "engineer")], team="claims")
    pair = (Participant("Ben Okafor", "analyst"), Participant("Ana Lima", "analyst"))
    back = ana.start(pair, 15, None, {"team": "claims", "facilitator": "Ana Lima",
                                      "trained_in": first}).id  # fmt: skip
    lessons = load_lessons()

    def drive(numbers: range) -> dict:
        for lesson in lessons[numbers.start : numbers.stop]:
            for step in lesson.steps:
                done = {"path": "x.ipynb", "lesson": lesson.id, "step": step.id,
                        "driver": "Ben Okafor", "status": "pass", "results": []}  # fmt: skip
                ana.record_step(back, done, True)
        team = status_json(cohort)["status"]["teams"]["claims"]
        return next(c for c in team["capable"]["criteria"] if c["name"] == "teach-back")

    assert drive(range(1, 5))["next"].endswith("Ben Okafor drives lesson 5 to completion")
    assert drive(range(5, 6))["ok"]
    ana.close()


def test_a_cell_run_judges_nothing_again_and_a_new_pairs_session_does(cohort, tmp_path):
    from pairlab.hub._program import current_status

    program_store(cohort).put(SCAFFOLD, "fran")
    ana = _forwarding(tmp_path, cohort, "ana")
    sid = _teach(ana, [("Ana Lima", "analyst"), ("Eli Novak", "engineer")], team="claims")
    judged, _ = current_status(cohort)
    ana.record(
        sid, "cell-executed", {"path": "01-explore.ipynb", "user": "Ana Lima", "success": True}
    )
    ana.rotate(sid)  # the session's head changes, but nothing the program reads
    assert status_json(cohort)["version"] > 0 and current_status(cohort)[0] is judged
    # Ben is reached by a session of his own: read at the next poll, never a stale count.
    _teach(ana, [("Ben Okafor", "analyst"), ("Eli Novak", "engineer")], team="claims")
    now = status_json(cohort)["status"]
    assert now["teams"]["claims"]["members_reached"] == 2
    assert now["people"]["Ben Okafor"]["trained_by"] == "Eli Novak"
    ana.close()


def test_the_view_shows_each_teams_request_state(cohort):
    from pairlab.hub._intake import intake_of

    program_store(cohort).put(SCAFFOLD, "fran")
    intake = intake_of(cohort)
    asked = intake.submit({"team": "claims", "idea": "Fraud flags on new claims",
                           "consumer": "SIU", "tables": ["claims"], "analysts": ["Ana Lima"]},
                          by="ana")  # fmt: skip
    teams = status_json(cohort)["status"]["teams"]
    assert (teams["claims"]["requests"], teams["pricing"]["requests"]) == ({"waiting": 1}, {})
    intake.start(asked["id"], "fran")
    page = program_page(cohort, "xsrf")
    assert re.search(r'data-team="claims"><td>[^<]+</td><td>1 active</td>', page)
    assert re.search(r'data-team="pricing"><td>Pricing</td><td>no request</td>', page)


def test_the_service_judges_the_held_program_at_start(cohort, tmp_path, caplog):
    from pairlab.hub import _warm_up
    from pairlab.hub._program import current_status

    program_store(cohort).put(SCAFFOLD, "fran")
    ana = _forwarding(tmp_path, cohort, "ana")
    _teach(ana, [("Ana Lima", "analyst"), ("Eli Novak", "engineer")], team="claims")
    with caplog.at_level("INFO", logger="pairlab.hub"):
        _warm_up(cohort)  # what the service runs in a worker thread as it starts
    assert "program judged at start" in caplog.text and "(2 teams)" in caplog.text
    judged, _ = current_status(cohort)
    assert current_status(cohort)[0] is judged  # the first visit is served what was judged
    assert judged is not None and judged.team("claims").state == "pairing"
    ana.close()
