"""Who reads: the hub user, else $PAIRLAB_USER, else the OS user; their team from the program."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pairlab.program import Program

PROGRAM_ENV = "PAIRLAB_PROGRAM"  # the program.toml that names each person's team


def reader() -> str:
    """Return who is reading: JupyterHub's user, else $PAIRLAB_USER, else the OS account."""
    for name in ("JUPYTERHUB_USER", "PAIRLAB_USER"):
        if os.environ.get(name, "").strip():
            return os.environ[name].strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in a bare container
        return f"uid-{os.getuid()}"


def team_lookup(program: Path | None = None) -> Callable[[str], str]:
    """Return reader -> team id from the program file (given, $PAIRLAB_PROGRAM or ./program.toml).

    Without a program every team is '' (unknown); a program that does not validate is an error
    the user fixes (pairlab.program says which entry), never a silently wrong team.
    """
    found = program_here(program)
    if found is None:
        return lambda _user: ""

    def team_of(user: str) -> str:
        team = found.team_of_user(user)
        return team.id if team else ""

    return team_of


def program_here(program: Path | None = None) -> Program | None:
    """Return the program (given, $PAIRLAB_PROGRAM or ./program.toml); None when there is none."""
    from pairlab.program import PROGRAM_FILE, load_program

    path = program or Path(os.environ.get(PROGRAM_ENV) or PROGRAM_FILE)
    if program is None and not path.is_file():
        return None
    return load_program(path)
