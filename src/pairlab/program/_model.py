"""The program file: the organization's teams, their members, the central team, the criteria."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pairlab.errors import BadInput

PROGRAM_FILE = "program.toml"
ROLES = ("engineer", "analyst")
CriterionName = Literal["published-product", "teach-back", "analysts-reached"]
CRITERIA: tuple[CriterionName, ...] = ("published-product", "teach-back", "analysts-reached")
FIX = "see docs/program.md, or start from `pairlab new program DEST`"


class _Closed(BaseModel):
    """Unknown keys are typos: name them rather than ignore them."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Member(_Closed):
    """A person on a team: their name as sessions spell it, role, and hub user if any."""

    name: str = Field(min_length=1, max_length=80)
    role: Literal["engineer", "analyst"]
    user: str | None = None


class Team(_Closed):
    """One team of the organization."""

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name: str = ""
    domain: str = ""
    members: tuple[Member, ...] = ()

    @property
    def label(self) -> str:
        """Return the team's name, or its id when it has none."""
        return self.name or self.id

    @property
    def analysts(self) -> tuple[Member, ...]:
        """Return the team's analysts."""
        return tuple(m for m in self.members if m.role == "analyst")


class Capable(_Closed):
    """When a team is capable on its own: which criteria, and their thresholds."""

    criteria: tuple[CriterionName, ...] = CRITERIA
    teach_back_lessons: tuple[int, int] = (1, 5)  # from, through: lesson numbers as notebooks say
    analysts_reached: float = Field(default=0.5, gt=0, le=1)


class _File(_Closed):
    """The program.toml document as written."""

    name: str = "Enablement program"
    central: str
    capable: Capable = Capable()
    teams: tuple[Team, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Program:
    """A validated program: teams by id, the central team, people by name, the criteria."""

    name: str
    central: Team
    teams: tuple[Team, ...]  # every team but the central one, in file order
    capable: Capable
    source: str = PROGRAM_FILE

    @property
    def all_teams(self) -> tuple[Team, ...]:
        """Return the central team first, then the others."""
        return (self.central, *self.teams)

    @cached_property
    def _by_id(self) -> dict[str, Team]:
        """Return every team by id (validated unique)."""
        return {t.id: t for t in self.all_teams}

    def team(self, team_id: str) -> Team | None:
        """Return the team with this id (the central team too), or None."""
        return self._by_id.get(team_id)

    @cached_property
    def _people(self) -> dict[str, tuple[Team, Member]]:
        """Return every member by case-folded name and hub user (validated unique)."""
        found: dict[str, tuple[Team, Member]] = {}
        for team in self.all_teams:
            for member in team.members:
                for key in (member.name, member.user):
                    if key:
                        found.setdefault(key.casefold(), (team, member))
        return found

    def member(self, name: str) -> tuple[Team, Member] | None:
        """Return (team, member) for a name or hub user, case-insensitively, or None."""
        return self._people.get(name.strip().casefold())

    def team_of_user(self, user: str) -> Team | None:
        """Return the team of a hub user (or a member's name), or None."""
        found = self.member(user)
        return found[0] if found else None

    def to_json(self) -> dict[str, Any]:
        """Return the program as the TOML file's data."""
        return {
            "name": self.name,
            "central": self.central.id,
            "capable": self.capable.model_dump(mode="json"),
            "teams": [t.model_dump(mode="json", exclude_none=True) for t in self.all_teams],
        }


def _where(loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    """Return a pydantic location as `teams[3] (id 'claims').members[0].role`."""
    text, node = "", cast(Any, data)
    for part in loc:
        node = node[part] if isinstance(node, dict | list) and _has(node, part) else None
        if isinstance(part, int):
            named = node.get("id") or node.get("name") if isinstance(node, dict) else None
            text += f"[{part}]" + (f" ({named!r})" if isinstance(named, str) else "")
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"


def _has(node: dict[str, Any] | list[Any], part: Any) -> bool:
    """Return whether `node[part]` exists."""
    if isinstance(node, dict):
        return part in node
    return isinstance(part, int) and 0 <= part < len(node)


def parse_program(data: dict[str, Any], source: str = PROGRAM_FILE) -> Program:
    """Validate program data; a problem is one line naming the file, the entry and the fix."""
    try:
        doc = _File.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise BadInput(f"{source}: {_where(first['loc'], data)}: {first['msg']}", FIX) from None
    _unique(doc, source)
    central = next((t for t in doc.teams if t.id == doc.central), None)
    if central is None:
        ids = ", ".join(t.id for t in doc.teams[:5])
        raise BadInput(
            f"{source}: central = {doc.central!r} is not a team id",
            f"name one of the [[teams]] ids ({ids}...) as the central team",
        )
    others = tuple(t for t in doc.teams if t.id != central.id)
    return Program(doc.name, central, others, doc.capable, source)


def _unique(doc: _File, source: str) -> None:
    """Refuse two teams with one id, and one person listed twice (names identify people)."""
    seen: dict[str, int] = {}
    people: dict[str, str] = {}
    for i, team in enumerate(doc.teams):
        if team.id in seen:
            raise BadInput(
                f"{source}: teams[{i}]: two teams have the id {team.id!r} "
                f"(teams[{seen[team.id]}] too)",
                "give each team its own id",
            )
        seen[team.id] = i
        for member in team.members:
            for key in {member.name.casefold(), (member.user or member.name).casefold()}:
                if key in people:
                    raise BadInput(
                        f"{source}: teams[{i}] ({team.id!r}): {member.name!r} is listed twice "
                        f"(also in team {people[key]!r})",
                        "list each person once, in the team they belong to",
                    )
                people[key] = team.id


def load_program(path: Path) -> Program:
    """Read and validate a program.toml, or say in one line what to fix."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(f"no program file {path}", "pass --program FILE, or run "
                       "`pairlab new program DEST` to start one") from None  # fmt: skip
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read {path}: {exc}", FIX) from None
    return parse_program_text(text, str(path))


def parse_program_text(text: str, source: str = PROGRAM_FILE) -> Program:
    """Parse TOML text into a program (the hub's editor sends the text)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{source} is not TOML: {exc}", FIX) from None
    return parse_program(data, source)
