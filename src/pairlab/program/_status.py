"""The program's status: each team's state, spread and capability; the organization's totals."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pairlab.program._capable import Context, Criterion, PublishedProduct, judge
from pairlab.program._model import Program, Team
from pairlab.program._sessions import SessionFacts, read_sessions
from pairlab.program._spread import Spread, spread

STATES = ("not-reached", "pairing", "teaching", "capable")


@dataclass(frozen=True)
class TeamStatus:
    """One team: how far the way of working has spread in it, and whether it is capable."""

    team: Team
    state: str
    members_reached: int
    members_total: int
    ambassadors: tuple[str, ...]
    generation_depth: int
    sessions_led_by_team: int
    sessions_led_by_central: int
    criteria: tuple[Criterion, ...]

    @property
    def capable(self) -> bool:
        """Return whether every criterion holds."""
        return all(c.ok for c in self.criteria)

    @property
    def next(self) -> str:
        """Return the team's next action: the first criterion not yet met."""
        if self.capable:
            return "capable: the central team moves on"
        if self.state == "not-reached":
            return f"the central team pairs with {self.team.label}'s analysts on a first product"
        return next(c.next for c in self.criteria if not c.ok)

    def to_json(self) -> dict[str, Any]:
        """Return the fields `pairlab program status --json` promises per team."""
        return {
            "name": self.team.label,
            "domain": self.team.domain,
            "state": self.state,
            "members_reached": self.members_reached,
            "members_total": self.members_total,
            "ambassadors": list(self.ambassadors),
            "generation_depth": self.generation_depth,
            "sessions_led_by_team": self.sessions_led_by_team,
            "sessions_led_by_central": self.sessions_led_by_central,
            "next": self.next,
            "capable": {"ok": self.capable, "criteria": [c.to_json() for c in self.criteria]},
        }


@dataclass(frozen=True)
class ProgramStatus:
    """The whole program as the lead sees it."""

    program: Program
    teams: tuple[TeamStatus, ...]
    spread: Spread
    sessions: int

    def team(self, team_id: str) -> TeamStatus:
        """Return one team's status by id."""
        return next(t for t in self.teams if t.team.id == team_id)

    @property
    def unreached(self) -> list[str]:
        """Return the ids of the teams no session has reached."""
        return [t.team.id for t in self.teams if t.state == "not-reached"]

    def to_json(self) -> dict[str, Any]:
        """Return the status as JSON: totals, teams by id, people by name, the tree."""
        return {
            "program": self.program.name,
            "central": {
                "id": self.program.central.id,
                "members": [m.name for m in self.program.central.members],
            },
            "sessions": self.sessions,
            "teams_total": len(self.teams),
            "teams_reached": sum(t.state != "not-reached" for t in self.teams),
            "teams_capable": sum(t.state == "capable" for t in self.teams),
            "unreached": self.unreached,
            "teams": {t.team.id: t.to_json() for t in self.teams},
            "people": {n: p.to_json() for n, p in sorted(self.spread.people.items())},
            "tree": self.spread.tree(),
        }


def _team_status(ctx: Context, team: Team) -> TeamStatus:
    """Judge one team."""
    members = {m.name for m in team.members}
    central = {m.name for m in ctx.program.central.members}
    reached = [m for m in members if ctx.spread.reached(m)]
    led = ctx.for_team.get(team.id, [])
    ambassadors = sorted({str(s.facilitator) for s in ctx.led_by_team.get(team.id, [])})
    by_central = [s for s in led if set(ctx.spread.leaders[s.id]) & central]
    by_team = [s for s in led if set(ctx.spread.leaders[s.id]) & members]
    gens = [ctx.spread.people[m].generation or 0 for m in reached]
    criteria = tuple(judge(ctx, team))
    if not reached:
        state = "not-reached"
    elif all(c.ok for c in criteria):
        state = "capable"
    else:
        state = "teaching" if ambassadors else "pairing"
    return TeamStatus(team, state, len(reached), len(members), tuple(ambassadors),
                      max(gens, default=0), len(by_team), len(by_central), criteria)  # fmt: skip


def lesson_numbers() -> dict[int, set[tuple[str, str]]]:
    """Return each curriculum lesson's (lesson, step) pairs by its number (lesson 0 first)."""
    from pairlab.lessons import load_lessons

    return {n: {(x.id, s.id) for s in x.steps} for n, x in enumerate(load_lessons())}


def program_status(
    program: Program,
    docs: Sequence[Mapping[str, Any]],
    session_teams: Mapping[str, str] | None = None,
    products: Iterable[PublishedProduct] = (),
    lesson_steps: Mapping[int, set[tuple[str, str]]] | None = None,
    memo: dict[str, Any] | None = None,
) -> ProgramStatus:
    """Return the program's status from session exports and the catalog's products.

    `memo` (kept by the caller for one program) keeps each stamped export's reading, the
    spread and each team's status for the next call: only what the changed sessions touch is
    judged again (a completed step: its team's criteria; new people in a session: the spread).
    """
    kept: dict[str, Any] = memo if memo is not None else {}
    facts = read_sessions(program, docs, session_teams, kept.setdefault("sessions", {}))
    steps = lesson_steps if lesson_steps is not None else lesson_numbers()
    ctx = Context(program, facts, _kept_spread(program, facts, kept), tuple(products), steps)
    teams = kept.setdefault("teams", {})
    judged = []
    for team in program.teams:
        inputs = (ctx.spread, tuple(ctx.for_team.get(team.id, ())),
                  tuple(ctx.led_by_team.get(team.id, ())), ctx.products, steps)  # fmt: skip
        last = teams.get(team.id)
        if last is None or not _same(last[0], inputs):
            last = teams[team.id] = (inputs, _team_status(ctx, team))
        judged.append(last[1])
    return ProgramStatus(program, tuple(judged), ctx.spread, len(facts))


def _same(before: tuple[Any, ...], now: tuple[Any, ...]) -> bool:
    """Return whether a team's inputs are unchanged (the spread by identity, the rest by value)."""
    return before[0] is now[0] and before[1:] == now[1:]


def _kept_spread(program: Program, facts: Sequence[SessionFacts], kept: dict[str, Any]) -> Spread:
    """Return the spread, computed again only when who took part in or led a session changed."""
    key = [(s.id, s.started_at, s.facilitator, s.participants) for s in facts]
    last = kept.get("spread")
    if last is None or last[0] != key:
        last = kept["spread"] = (key, spread(program, facts))
    return last[1]


def _location(port: Any) -> str:
    """Return where an output port is published: its `server`/`location`, as publish writes it."""
    for name in ("server", "location"):
        value = getattr(port, name, None) or port.custom(name)
        if value:
            return str(value)
    return ""


def catalog_products(roots: Iterable[Path | str] | None = None) -> list[PublishedProduct]:
    """Return the catalog's products with their team, owner, status and published location."""
    from pairlab.catalog import load_catalog, load_product

    found = []
    for entry in load_catalog(roots).entries:
        where = ""
        if entry.status == "active":  # only a live product's location counts; skip the rest's
            ports = load_product(entry.path).descriptor.outputPorts
            where = next(filter(None, map(_location, ports)), "")
        found.append(PublishedProduct(entry.id, entry.team, entry.owner, entry.status, where))
    return found
