"""`pairlab intake` as a facilitator and a requester use it, on a program file on disk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from intake_scenario import REQUESTS

from pairlab.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `pairlab ARGS` in-process and return (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return info.value.code or 0, out, err


def add_args(body: dict[str, Any]) -> list[str]:
    """Return `pairlab intake add` options for a request body."""
    args = ["--team", body["team"], "--idea", body["idea"], "--consumer", body["consumer"]]
    for option, key in (("--table", "tables"), ("--analyst", "analysts"),
                        ("--reused-by", "reused_by")):  # fmt: skip
        for value in body.get(key, []):
            args += [option, value]
    hypothesis = body.get("hypothesis") or {}
    for key in ("statement", "metric", "threshold", "window"):
        if hypothesis.get(key) is not None:
            args += [f"--{key}", str(hypothesis[key])]
    return args


def test_six_requests_through_the_cli(capsys, program_file: Path):
    program = ["--program", str(program_file), "--by", "fran"]
    ids = {}
    for name, body in REQUESTS.items():
        code, out, err = run(capsys, "intake", "add", *program, *add_args(body), "--json")
        assert code == 0, err
        ids[name] = json.loads(out)["id"]
    assert (program_file.parent / "intake.sqlite").is_file()  # the queue, beside the program

    code, out, _ = run(capsys, "intake", "add", *program, *add_args(REQUESTS["B"]))
    assert code == 0 and "submitted already" in out
    assert "reuse claims-frequency-by-region (owner team actuarial" in out

    code, out, _ = run(capsys, "intake", "list", *program, "--json")
    waiting = [r for r in json.loads(out)["requests"] if r["state"] == "waiting"]
    # D (8: measurable, new team, two reusing teams), then A, F (6; A first), C (4), E, G (3).
    order = [ids[n] for n in "DAFCEG"]
    assert [r["id"] for r in waiting] == order
    assert [r["score"]["total"] for r in waiting] == [8, 6, 6, 4, 3, 3]
    for name in "DA":
        assert run(capsys, "intake", "start", *program, str(ids[name]))[0] == 0

    code, _, err = run(capsys, "intake", "start", *program, str(ids["F"]))
    assert code == 2
    assert "2 pairings are active" in err and "the limit is 2 (central engineers / 2)" in err

    code, out, _ = run(capsys, "intake", "list", *program)
    lines = out.splitlines()
    assert lines[0] == "limit 2: 2 active, 4 waiting, 1 answered by reuse"
    assert [line.split()[:2] for line in lines[1:5]] == [
        ["1.", f"#{ids['F']}"], ["2.", f"#{ids['C']}"], ["3.", f"#{ids['E']}"],
        ["4.", f"#{ids['G']}"],
    ]  # fmt: skip
    assert "measurable hypothesis +3, team with no ambassador yet +3" in lines[1]

    code, out, _ = run(capsys, "intake", "decline", *program, str(ids["G"]),
                       "--reason", "a product of the claims team will serve it")  # fmt: skip
    assert code == 0 and "declined by fran: a product of the claims team will serve it" in out
    code, out, _ = run(capsys, "intake", "override", *program, str(ids["E"]), "--to", "1",
                       "--reason", "the broker contract renews in March")  # fmt: skip
    assert code == 0 and out.startswith(f"1. #{ids['E']} distribution")

    code, out, _ = run(capsys, "intake", "list", *program, "--json")
    views = {r["id"]: r for r in json.loads(out)["requests"]}
    assert (
        views[ids["G"]]["decisions"][-1]["reason"] == "a product of the claims team will serve it"
    )
    assert views[ids["E"]]["decisions"][-1]["reason"] == "the broker contract renews in March"
    assert [v["id"] for v in views.values() if v["state"] == "waiting"] == [
        ids["E"],
        ids["F"],
        ids["C"],
    ]


def test_a_requester_lists_only_her_teams_requests(capsys, program_file: Path):
    program = ["--program", str(program_file)]
    for name in "AC":
        assert run(capsys, "intake", "add", *program, *add_args(REQUESTS[name]))[0] == 0
    _, out, _ = run(capsys, "intake", "list", *program, "--team", "claims", "--json")
    view = json.loads(out)
    assert [r["team"] for r in view["requests"]] == ["claims"]
    assert "Churn" not in out and view["counts"]["waiting"] == 2


def test_bad_input_is_one_line_and_exit_2(capsys, program_file: Path, tmp_path: Path):
    program = ["--program", str(program_file)]
    cases = [
        (["--team", "legal", "--idea", "x", "--consumer", "y", "--analyst", "A"],
         "pairlab: error: team 'legal' is not in the program; use a team id of the program: "),
        (["--team", "claims", "--idea", "x", "--consumer", "y", "--analyst", "A",
          "--threshold", "lots"], "the hypothesis 'threshold' must be a number, not 'lots'"),
    ]  # fmt: skip
    for args, said in cases:
        code, _, err = run(capsys, "intake", "add", *program, *args)
        assert code == 2 and said in err and len(err.strip().splitlines()) == 1
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code, _, err = run(capsys, "intake", "list", "--program", str(elsewhere / "program.toml"))
    assert code == 2 and "no program file" in err
    assert not list(elsewhere.iterdir())  # nothing written for a missing program
    code, _, err = run(capsys, "intake", "start", *program, "99")
    assert code == 2 and "no request 99" in err
