"""What intake needs to know of the program (pairlab.program), and intake's own settings."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pairlab.errors import BadInput
from pairlab.program import Program, ProgramStatus, PublishedProduct, load_program, program_status

CONFIG_FILE = "intake.toml"  # intake's settings, beside program.toml (whose keys are closed)
SETTINGS = {"wip_limit", "open", "weeks_per_lesson"}


@dataclass(frozen=True)
class ProgramFacts:
    """The teams (id -> name), who is in which team, and what the queue may do."""

    teams: dict[str, str]
    engineers: int  # central engineers: two per pairing (the 2+2 model)
    users: dict[str, str] = field(default_factory=dict)  # hub user -> team id
    ambassadors: set[str] = field(default_factory=set)  # teams with an ambassador already
    capable: set[str] = field(default_factory=set)  # teams the program counts as capable
    wip_limit: int | None = None  # None: engineers // 2
    open: bool = False  # may requesters see every request, hypotheses included?
    weeks_per_lesson: float = 0.5  # two lessons a week: a pairing's expected end

    @property
    def limit(self) -> int:
        """Return how many pairings may run at once (default: central engineers / 2)."""
        return self.wip_limit if self.wip_limit is not None else max(self.engineers // 2, 1)


def read_settings(path: Path) -> dict[str, Any]:
    """Return intake.toml's settings (none if the file is missing), each checked."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BadInput(f"cannot read {path}: {exc}", "fix the file (see docs/intake.md)") from None
    unknown = sorted(set(data) - SETTINGS)
    if unknown:
        raise BadInput(f"{path}: unknown setting {unknown[0]!r}", f"use {sorted(SETTINGS)}")
    limit = data.get("wip_limit")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise BadInput(f"{path}: wip_limit must be a whole number >= 1", "e.g. wip_limit = 2")
    if not isinstance(data.get("open", False), bool):
        raise BadInput(f"{path}: open must be true or false", "e.g. open = false")
    weeks = data.get("weeks_per_lesson", 0.5)
    if isinstance(weeks, bool) or not isinstance(weeks, int | float) or not 0 < weeks <= 52:
        raise BadInput(f"{path}: weeks_per_lesson must be a number of weeks", "e.g. 0.5")
    return data


def program_facts(
    program: Program, status: ProgramStatus | None = None, settings: Mapping[str, Any] = {}
) -> ProgramFacts:
    """Return the facts intake uses from a program, its status (if known) and intake.toml."""
    engineers = [m for m in program.central.members if m.role == "engineer"]
    users = {m.user: t.id for t in program.teams for m in t.members if m.user}
    teams = status.teams if status is not None else ()
    return ProgramFacts(
        teams={t.id: t.label for t in program.teams},
        engineers=len(engineers),
        users=users,
        ambassadors={s.team.id for s in teams if s.ambassadors},
        capable={s.team.id for s in teams if s.capable},
        wip_limit=settings.get("wip_limit"),
        open=bool(settings.get("open", False)),
        weeks_per_lesson=float(settings.get("weeks_per_lesson", 0.5)),
    )


def read_facts(
    path: Path,
    docs: Sequence[Mapping[str, Any]] = (),
    session_teams: Mapping[str, str] | None = None,
    products: Iterable[PublishedProduct] = (),
) -> ProgramFacts:
    """Read program.toml (and intake.toml beside it); with session exports, its status too."""
    program = load_program(path)
    status = program_status(program, docs, session_teams, products) if docs else None
    return program_facts(program, status, read_settings(path.parent / CONFIG_FILE))
