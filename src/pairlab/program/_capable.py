"""Capable, with evidence: each criterion says ok or not yet, why, and what to do next."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pairlab.program._model import Program, Team
from pairlab.program._sessions import SessionFacts
from pairlab.program._spread import Spread


@dataclass(frozen=True)
class Criterion:
    """One criterion's verdict for one team."""

    name: str
    ok: bool
    evidence: tuple[str, ...]  # session ids, product ids
    next: str  # the next action in words ("" when ok)

    def to_json(self) -> dict[str, Any]:
        """Return {name, ok, evidence, next}."""
        return {"name": self.name, "ok": self.ok, "evidence": list(self.evidence),
                "next": self.next}  # fmt: skip


@dataclass(frozen=True)
class PublishedProduct:
    """A catalog product as the program needs it: owner team, status, where it is published."""

    id: str
    team: str
    owner: str
    status: str
    location: str  # "" when no output port says where it lives


@dataclass(frozen=True)
class Context:  # frozen: cached_property writes to the instance dict, not through setattr
    """What every criterion reads."""

    program: Program
    sessions: Sequence[SessionFacts]
    spread: Spread
    products: Sequence[PublishedProduct]
    lesson_steps: Mapping[int, set[tuple[str, str]]]  # lesson number -> its (lesson, step)s

    @cached_property
    def led_by_team(self) -> dict[str, list[SessionFacts]]:
        """Return the sessions each team's own people led, by team id (one pass, not per team)."""
        found: dict[str, list[SessionFacts]] = {}
        teams: dict[str, Team | None] = {}  # a few hundred facilitators lead many sessions
        for s in self.sessions:
            if s.facilitator is None:
                continue
            if s.facilitator not in teams:
                teams[s.facilitator] = self.program.team_of_user(s.facilitator)
            if (team := teams[s.facilitator]) is not None:
                found.setdefault(team.id, []).append(s)
        return found

    @cached_property
    def for_team(self) -> dict[str | None, list[SessionFacts]]:
        """Return the sessions by the team they served."""
        found: dict[str | None, list[SessionFacts]] = {}
        for s in self.sessions:
            found.setdefault(s.team, []).append(s)
        return found


def _names(names: Sequence[str]) -> str:
    """Return "Ana", "Ana and Ben", "Ana, Ben and Cleo"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def owns(team: Team, product: PublishedProduct) -> bool:
    """Return whether the product belongs to the team: by team id or name, or its owner."""
    users = {(m.user or "").casefold() for m in team.members} - {""}
    names = {team.id.casefold(), team.label.casefold()}
    return product.team.casefold() in names or product.owner.casefold() in users


def published_product(ctx: Context, team: Team) -> Criterion:
    """(a) The team owns an active product whose output is published (its contract gate passed)."""
    mine = [p for p in ctx.products if owns(team, p)]
    live = [p.id for p in mine if p.status == "active" and p.location]
    if live:
        return Criterion("published-product", True, tuple(live), "")
    if mine:
        first = mine[0]
        why = "set its status to active and " if first.status != "active" else ""
        return Criterion("published-product", False, tuple(p.id for p in mine),
                         f"{why}publish {first.id} with `pairlab publish` (its contract gate "
                         "must pass)")  # fmt: skip
    return Criterion("published-product", False, (),
                     f"pair on {team.label}'s first product and publish it with "
                     "`pairlab publish`")  # fmt: skip


def teach_back(ctx: Context, team: Team) -> Criterion:
    """(b) An ambassador led a teach-back where a teammate, driving, completed the lessons."""
    first, last = ctx.program.capable.teach_back_lessons
    needed = set().union(*(ctx.lesson_steps.get(n, set()) for n in range(first, last + 1)))
    members = {m.name for m in team.members}
    progress: dict[tuple[str, str], tuple[set[tuple[str, str]], list[str]]] = {}
    for s in ctx.led_by_team.get(team.id, []):
        for mate in s.participants:
            if mate in members and mate != s.facilitator and s.drives.get(mate):
                done, ids = progress.setdefault((str(s.facilitator), mate), (set(), []))
                done |= s.drives[mate] & needed
                ids.append(s.id)
    for _pair, (done, ids) in sorted(progress.items()):
        if needed and needed <= done:
            return Criterion("teach-back", True, tuple(ids), "")
    lessons = f"lessons {first}-{last}" if first != last else f"lesson {first}"
    if progress:
        (lead, mate), (done, ids) = max(progress.items(), key=lambda kv: len(kv[1][0]))
        left = sorted({n for n in range(first, last + 1) if ctx.lesson_steps.get(n, set()) - done})
        return Criterion("teach-back", False, tuple(ids),
                         f"{lead} continues the teach-back with {mate}: {mate} drives lesson "
                         f"{', '.join(map(str, left))} to completion")  # fmt: skip
    reached = [m.name for m in team.analysts if ctx.spread.reached(m.name)]
    if not reached:
        return Criterion("teach-back", False, (),
                         f"pair with {team.label} first: an analyst who paired leads the "
                         "teach-back")  # fmt: skip
    return Criterion("teach-back", False, (),
                     f"{reached[0]} leads a teach-back of {lessons} with a teammate")  # fmt: skip


def analysts_reached(ctx: Context, team: Team) -> Criterion:
    """(c) At least the program's share of the team's listed analysts were reached."""
    analysts = [m.name for m in team.analysts]
    reached = [a for a in analysts if ctx.spread.reached(a)]
    share = ctx.program.capable.analysts_reached
    need = math.ceil(share * len(analysts) - 1e-9)
    sessions = sorted({str(ctx.spread.people[a].learned_in) for a in reached
                       if ctx.spread.people[a].learned_in})  # fmt: skip
    if analysts and len(reached) >= need:
        return Criterion("analysts-reached", True, tuple(sessions), "")
    if not analysts:
        return Criterion("analysts-reached", False, (),
                         f"list {team.label}'s analysts in {ctx.program.source}")  # fmt: skip
    missing = [a for a in analysts if a not in reached][: need - len(reached)]
    ambassadors = [m for m in analysts if m in reached]
    who = f"{ambassadors[0]} pairs" if ambassadors else "the central team pairs"
    return Criterion("analysts-reached", False, tuple(sessions),
                     f"reach {need - len(reached)} more of {len(analysts)} analysts: "
                     f"{who} with {_names(missing)}")  # fmt: skip


RULES = {
    "published-product": published_product,
    "teach-back": teach_back,
    "analysts-reached": analysts_reached,
}


def judge(ctx: Context, team: Team) -> list[Criterion]:
    """Return the program's criteria for one team, in the program's order."""
    return [RULES[name](ctx, team) for name in ctx.program.capable.criteria]
