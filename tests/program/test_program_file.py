"""program.toml: the scaffold, and bad input answered in one line naming file, entry and fix."""

from __future__ import annotations

import json
import tomllib

import pytest
from program_helpers import program_toml

from pairlab.cli import main
from pairlab.errors import BadInput
from pairlab.program import load_program, parse_program_text


def run(capsys, *args: str) -> tuple[int, str, str]:
    """Run `pairlab ARGS` in-process and return (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return info.value.code or 0, out, err


def refused(capsys, *args: str) -> str:
    """Return the one line `pairlab ARGS` says on stderr, having exited 2 with nothing on stdout."""
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def test_new_program_scaffolds_a_valid_program(capsys, tmp_path):
    code, out, _ = run(capsys, "new", "program", str(tmp_path / "org"))
    assert code == 0 and "program.toml" in out
    program = load_program(tmp_path / "org" / "program.toml")
    assert program.central.id == "enablement" and len(program.central.members) == 2
    assert [t.id for t in program.teams] == ["claims", "pricing"]
    assert program.capable.criteria == ("published-product", "teach-back", "analysts-reached")
    assert program.team_of_user("ana").id == "claims"  # type: ignore[union-attr]


def test_new_program_never_overwrites_without_force(capsys, tmp_path):
    mine = tmp_path / "program.toml"
    mine.write_text("# my own program\n")
    err = refused(capsys, "new", "program", str(tmp_path))
    assert "program.toml exists" in err and "--force" in err
    assert mine.read_text() == "# my own program\n"
    assert run(capsys, "new", "program", str(tmp_path), "--force")[0] == 0
    assert tomllib.loads(mine.read_text())["central"] == "enablement"


def test_two_teams_with_one_id(capsys, tmp_path):
    path = tmp_path / "program.toml"
    path.write_text(program_toml().replace('id = "pricing"', 'id = "claims"'))
    err = refused(capsys, "program", "status", "--program", str(path))
    assert f"{path}: teams[2]: two teams have the id 'claims' (teams[1] too)" in err
    assert "give each team its own id" in err


def test_a_central_team_that_does_not_exist(tmp_path):
    with pytest.raises(BadInput, match="central = 'core' is not a team id"):
        parse_program_text(program_toml().replace('central = "enablement"', 'central = "core"'))


def test_a_wrong_role_names_the_team_and_member(tmp_path):
    text = program_toml().replace('name = "Dara Fox", role = "analyst"',
                                  'name = "Dara Fox", role = "boss"')  # fmt: skip
    with pytest.raises(BadInput) as info:
        parse_program_text(text, "org.toml")
    assert str(info.value).startswith("org.toml: teams[2] ('pricing').members[0] ('Dara Fox').role")


def test_one_person_in_two_teams(tmp_path):
    text = program_toml().replace('"Emil Berg"', '"Ana Lima"')
    with pytest.raises(BadInput, match="'Ana Lima' is listed twice"):
        parse_program_text(text)


def _edit(path, **session) -> None:
    """Change fields of an export's session."""
    doc = json.loads(path.read_text())
    doc["session"].update(session)
    path.write_text(json.dumps(doc))


def test_an_unknown_member_in_a_session(capsys, chain):
    doc = json.loads(chain.exports["pricing"].read_text())
    doc["session"]["participants"][0]["name"] = "Zed Unknown"
    chain.exports["pricing"].write_text(json.dumps(doc))
    err = refused(capsys, "program", "status", "--program", str(chain.program),
                  *map(str, chain.exports.values()))  # fmt: skip
    assert f"session {chain.ids['pricing']}: participant: 'Zed Unknown' is not a member" in err
    assert f"add 'Zed Unknown' to a team's members in {chain.program}" in err


def test_a_team_that_does_not_exist(capsys, chain):
    _edit(chain.exports["ben-cleo"], team="clams")
    err = refused(capsys, "program", "status", "--program", str(chain.program),
                  *map(str, chain.exports.values()))  # fmt: skip
    assert f"session {chain.ids['ben-cleo']}: team 'clams' does not exist in {chain.program}" in err


def test_a_cycle_in_trained_in_links(capsys, chain):
    _edit(chain.exports["pairing"], trained_in=chain.ids["ana-ben"])
    err = refused(capsys, "program", "status", "--program", str(chain.program),
                  *map(str, chain.exports.values()))  # fmt: skip
    ids = chain.ids
    assert f"go round in a cycle: {ids['pairing']} -> {ids['ana-ben']} -> {ids['pairing']}" in err


def test_a_trained_in_session_the_facilitator_was_not_in(capsys, chain):
    _edit(chain.exports["ben-cleo"], trained_in=chain.ids["pricing"])
    err = refused(capsys, "program", "status", "--program", str(chain.program),
                  *map(str, chain.exports.values()))  # fmt: skip
    assert "the facilitator 'Ben Okafor' did not take part in it" in err


def test_a_missing_program_file(capsys, tmp_path):
    err = refused(capsys, "program", "status", "--program", str(tmp_path / "nope.toml"))
    assert "no program file" in err and "pairlab new program DEST" in err


def test_an_unknown_key_is_named(tmp_path):
    with pytest.raises(BadInput, match=r"teams\[1\] \('claims'\)\.colour: Extra inputs"):
        parse_program_text(program_toml().replace('domain = "claims"', 'colour = "red"'))


def test_a_participant_listed_in_another_team(capsys, chain):
    doc = json.loads(chain.exports["pricing"].read_text())
    doc["session"]["participants"][0]["team"] = "claims"
    chain.exports["pricing"].write_text(json.dumps(doc))
    err = refused(capsys, "program", "status", "--program", str(chain.program),
                  *map(str, chain.exports.values()))  # fmt: skip
    assert (
        "participant 'Dara Fox' has team 'claims' but" in err and "lists them in 'pricing'" in err
    )


def test_a_trained_in_session_that_was_not_given(capsys, chain):
    _edit(chain.exports["ben-cleo"], trained_in="0123456789ab")
    err = refused(capsys, "program", "status", "--program", str(chain.program),
                  *map(str, chain.exports.values()))  # fmt: skip
    assert f"session {chain.ids['ben-cleo']}: trained_in '0123456789ab' is not among" in err
    assert "pass that session's export too" in err
