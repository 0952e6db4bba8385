"""`pairlab program status --json` over a program of 25 teams and the exports of a chain."""

from __future__ import annotations

import json
import os

import pytest
from program_helpers import CLAIMS, PRICING, Chain, add_product, record_chain, steps_of

from pairlab.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    """Run `pairlab ARGS` in-process and return (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return info.value.code or 0, out, err


def status(capsys, chain: Chain, *exports: str, catalog: bool = True) -> dict:
    """Return the status JSON of the chain's program over `exports` (default: all four)."""
    files = [str(chain.exports[k]) for k in exports or chain.exports]
    more = ["--catalog", str(chain.catalog)] if catalog else []
    code, out, err = run(
        capsys, "program", "status", "--program", str(chain.program), *files, *more, "--json"
    )
    assert code == 0, err
    return json.loads(out)


def test_a_chain_spreads_over_generations_and_teams(capsys, chain):
    add_product(chain.catalog, "claims-kpis", "claims")
    data = status(capsys, chain)
    assert (data["teams_total"], data["teams_reached"], data["teams_capable"]) == (25, 2, 1)
    assert data["unreached"] == [f"team-{i:02d}" for i in range(3, 26)]
    people = data["people"]
    assert people["Eli Novak"] == {
        "team": "enablement",
        "role": "engineer",
        "generation": 0,
        "trained_by": None,
        "learned_in": None,
    }
    assert [(people[n]["generation"], people[n]["trained_by"]) for n in CLAIMS] == [
        (1, "Eli Novak"),
        (2, "Ana Lima"),
        (3, "Ben Okafor"),
        (None, None),
    ]
    assert people["Dara Fox"]["generation"] == 1 and people["Dara Fox"]["trained_by"] == "Sam Ortiz"
    claims, pricing = data["teams"]["claims"], data["teams"]["pricing"]
    assert claims["state"] == "capable" and claims["capable"]["ok"]
    assert (claims["members_reached"], claims["members_total"]) == (3, 4)
    assert claims["ambassadors"] == ["Ana Lima", "Ben Okafor"]
    assert claims["generation_depth"] == 3
    assert (claims["sessions_led_by_team"], claims["sessions_led_by_central"]) == (2, 1)
    assert pricing["state"] == "pairing" and not pricing["capable"]["ok"]
    assert (pricing["members_reached"], pricing["ambassadors"]) == (1, [])
    assert (pricing["sessions_led_by_team"], pricing["sessions_led_by_central"]) == (0, 1)
    assert data["teams"]["team-07"]["state"] == "not-reached"
    tree = data["tree"]
    eli = next(node for node in tree if node["name"] == "Eli Novak")
    assert eli["children"][0]["children"][0]["children"][0]["name"] == "Cleo Park"


def test_each_claims_criterion_names_its_evidence(capsys, chain):
    add_product(chain.catalog, "claims-kpis", "claims")
    criteria = {
        c["name"]: c for c in status(capsys, chain)["teams"]["claims"]["capable"]["criteria"]
    }
    assert list(criteria) == ["published-product", "teach-back", "analysts-reached"]
    assert all(c["ok"] and c["next"] == "" for c in criteria.values())
    assert criteria["published-product"]["evidence"] == ["claims-kpis"]
    assert criteria["teach-back"]["evidence"] == [chain.ids["ana-ben"]]
    assert set(criteria["analysts-reached"]["evidence"]) == {
        chain.ids["pairing"],
        chain.ids["ana-ben"],
        chain.ids["ben-cleo"],
    }


def test_the_pricing_team_is_told_its_next_actions(capsys, chain):
    data = status(capsys, chain)["teams"]["pricing"]
    criteria = {c["name"]: c for c in data["capable"]["criteria"]}
    assert not any(c["ok"] for c in criteria.values())
    assert (
        criteria["teach-back"]["next"]
        == "Dara Fox leads a teach-back of lessons 1-5 with a teammate"
    )
    assert (
        criteria["analysts-reached"]["next"]
        == "reach 1 more of 4 analysts: Dara Fox pairs with Emil Berg"
    )
    assert criteria["analysts-reached"]["evidence"] == [chain.ids["pricing"]]
    assert "publish" in data["next"]


def test_a_published_product_turns_criterion_a(capsys, chain):
    def published() -> dict:
        team = status(capsys, chain)["teams"]["claims"]
        return next(c for c in team["capable"]["criteria"] if c["name"] == "published-product")

    assert not published()["ok"] and published()["evidence"] == []
    add_product(
        chain.catalog, "claims-draft", "claims", server=None
    )  # in the catalog, not published
    draft = published()
    assert not draft["ok"] and draft["evidence"] == ["claims-draft"]
    assert "publish claims-draft with `pairlab publish`" in draft["next"]
    add_product(chain.catalog, "claims-kpis", "claims")
    assert published()["ok"] and published()["evidence"] == ["claims-kpis"]


def test_the_teammate_completing_lesson_5_while_driving_turns_criterion_b(capsys, recorder):
    short = record_chain(recorder, ben_steps=steps_of(1, 4))
    add_product(short.catalog, "claims-kpis", "claims")
    team = status(capsys, short)["teams"]["claims"]
    back = next(c for c in team["capable"]["criteria"] if c["name"] == "teach-back")
    assert not back["ok"] and back["evidence"] == [short.ids["ana-ben"]]
    assert back["next"] == (
        "Ana Lima continues the teach-back with Ben Okafor: "
        "Ben Okafor drives lesson 5 to completion"
    )
    assert team["state"] == "teaching"
    lesson5, _ = recorder.session(
        [("Ben Okafor", "analyst"), ("Ana Lima", "analyst")],
        steps_of(5, 5),
        driver="Ben Okafor",
        team="claims",
        facilitator="Ana Lima",
    )
    short.exports["lesson-5"] = recorder.folder / f"{lesson5}.json"
    team = status(capsys, short)["teams"]["claims"]
    back = next(c for c in team["capable"]["criteria"] if c["name"] == "teach-back")
    assert back["ok"] and back["evidence"] == [short.ids["ana-ben"], lesson5]
    assert team["state"] == "capable"


def test_steps_the_ambassador_drove_do_not_count_for_the_teammate(capsys, recorder):
    chain = record_chain(recorder, ben_steps=[])
    recorder.session(
        [("Ana Lima", "analyst"), ("Ben Okafor", "analyst")],
        steps_of(1, 5),
        driver="Ana Lima",
        team="claims",
        facilitator="Ana Lima",
    )
    files = [str(p) for p in recorder.folder.glob("*.json")]
    code, out, _ = run(
        capsys, "program", "status", "--program", str(chain.program), *files, "--json"
    )
    team = json.loads(out)["teams"]["claims"]
    assert code == 0
    assert not next(c for c in team["capable"]["criteria"] if c["name"] == "teach-back")["ok"]


def test_one_more_analyst_reached_turns_criterion_c(capsys, chain, recorder):
    def reached() -> dict:
        team = status(capsys, chain)["teams"]["pricing"]
        return next(c for c in team["capable"]["criteria"] if c["name"] == "analysts-reached")

    assert not reached()["ok"]
    sid, path = recorder.session(
        [(PRICING[1], "analyst"), ("Dara Fox", "analyst")],
        steps_of(1, 1),
        team="pricing",
        facilitator="Dara Fox",
    )
    chain.exports["emil"] = path
    now = reached()
    assert now["ok"] and now["evidence"] == sorted([chain.ids["pricing"], sid])
    data = status(capsys, chain)
    assert data["teams"]["pricing"]["state"] == "teaching"
    assert data["people"]["Emil Berg"]["generation"] == 2


def test_the_lowest_generation_wins(capsys, chain, recorder):
    assert status(capsys, chain)["people"]["Cleo Park"]["generation"] == 3
    sid, path = recorder.session(
        [("Cleo Park", "analyst"), ("Sam Ortiz", "engineer")], team="claims"
    )
    chain.exports["sam-cleo"] = path
    cleo = status(capsys, chain)["people"]["Cleo Park"]
    assert (cleo["generation"], cleo["trained_by"], cleo["learned_in"]) == (1, "Sam Ortiz", sid)


def test_text_output_lists_every_team_with_its_next_action(capsys, chain):
    code, out, _ = run(
        capsys,
        "program",
        "status",
        "--program",
        str(chain.program),
        *map(str, chain.exports.values()),
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Test program: 2 of 25 teams reached, 0 capable, from 4 sessions"
    assert len(lines) == 26
    assert "team-25" in lines[-1] and "not-reached" in lines[-1]
    assert "the central team pairs with Team 25's analysts on a first product" in lines[-1]


def test_a_cohort_csv_names_the_sessions(capsys, chain):
    sheet = chain.exports["pairing"].parent / "cohort.csv"
    sheet.write_text("export,team\n" + "".join(f"{p.name},\n" for p in chain.exports.values()))
    code, out, err = run(
        capsys, "program", "status", "--program", str(chain.program), str(sheet), "--json"
    )
    assert code == 0, err
    assert json.loads(out)["teams_reached"] == 2


def test_a_product_owned_by_a_members_hub_user_counts_for_the_team(capsys, chain):
    add_product(chain.catalog, "ana-kpis", "some other name", owner="ana")
    team = status(capsys, chain)["teams"]["claims"]
    published = next(c for c in team["capable"]["criteria"] if c["name"] == "published-product")
    assert published["ok"] and published["evidence"] == ["ana-kpis"]


def test_the_catalog_defaults_to_pairlab_catalog(capsys, chain, monkeypatch):
    add_product(chain.catalog, "claims-kpis", "claims")
    assert status(capsys, chain, catalog=False)["teams_capable"] == 0
    monkeypatch.setenv("PAIRLAB_CATALOG", str(chain.catalog))
    assert status(capsys, chain, catalog=False)["teams_capable"] == 1
    empty = chain.catalog.parent / "another-catalog"
    empty.mkdir()
    monkeypatch.setenv("PAIRLAB_CATALOG", os.pathsep.join([str(empty), str(chain.catalog)]))
    assert status(capsys, chain, catalog=False)["teams_capable"] == 1  # a path list, as search


def test_a_session_without_a_team_takes_its_cohort_csv_row(capsys, chain):
    sheet = chain.exports["pricing"].parent / "cohort.csv"
    sheet.write_text(f"export,team\n{chain.exports['pricing'].name},team-07\n")
    code, out, err = run(capsys, "program", "status", "--program", str(chain.program),
                         str(sheet), "--json")  # fmt: skip
    teams = json.loads(out)["teams"]
    assert code == 0, err
    assert teams["team-07"]["sessions_led_by_central"] == 1  # the sheet's team, not pricing
    assert teams["pricing"]["sessions_led_by_central"] == 0
