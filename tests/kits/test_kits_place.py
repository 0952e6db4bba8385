"""The session kits tell the pair what to put in the guide's start form for the program."""

from __future__ import annotations

import pytest

from pairlab.cli import main


def run(*args: str) -> int:
    """Run the CLI and return its exit code."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    return exit_info.value.code or 0


def test_a_pairing_session_names_its_team_and_facilitator(tmp_path):
    dest = tmp_path / "session"
    assert run("new", "pairing-session", str(dest), "--pair", "Ana Lima:analyst",
               "--pair", "Eli Novak:engineer", "--team", "claims",
               "--facilitator", "Eli Novak") == 0  # fmt: skip
    readme = " ".join((dest / "README.md").read_text().split())
    assert "In the start form, **Team**: `claims`; **Facilitator**: `Eli Novak`." in readme
    assert "team: claims" in (dest / ".copier-answers.yml").read_text()


def test_without_a_team_the_session_kit_says_what_to_type(tmp_path):
    dest = tmp_path / "session"
    assert run("new", "pairing-session", str(dest), "--pair", "Ana:analyst",
               "--pair", "Eli:engineer") == 0  # fmt: skip
    readme = " ".join((dest / "README.md").read_text().split())
    assert "**Team**: your team's id in the program;" in readme
    assert "**Facilitator**: the engineer who leads, or empty." in readme


def test_the_ambassador_kit_renders_a_teach_back_with_its_place(tmp_path):
    dest = tmp_path / "ambassador"
    assert run("new", "ambassador", str(dest), "--name", "Ana Lima", "--team", "claims",
               "--teammate", "Ben Okafor") == 0  # fmt: skip
    readme = " ".join((dest / "README.md").read_text().split())
    assert '--facilitator "Ana Lima" --team "claims"' in readme
    assert "Team `claims`, Facilitator `Ana Lima` and Trained in the id of the session" in readme
