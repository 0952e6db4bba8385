"""Reuse counted per team: which teams read which other teams' products, from the usage reads.

A read crosses teams when its reading team differs from the product's owning team: for a
`pipeline` read the reading team owns the pipeline's product (one product built on another),
for a `person` read it is the reader's team (stored at flush, else looked up in the program).
Reads whose reader, pipeline or product has no team in the program count for nobody.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pairlab.program import Program, PublishedProduct, owns
from pairlab.usage._store import Read


@dataclass(frozen=True)
class TeamReuse:
    """One team's reuse: other teams' products it read, its own products other teams read."""

    team: str
    products: tuple[str, ...]  # the team's own catalog products
    reused: tuple[tuple[str, str], ...]  # (product, owning team) of other teams, read by it
    reused_by: tuple[tuple[str, tuple[str, ...]], ...]  # (own product, reading teams)

    @property
    def rate(self) -> float | None:
        """Return the share of the team's products another team read; None without products."""
        if not self.products:
            return None
        return round(len(self.reused_by) / len(self.products), 4)

    def to_json(self) -> dict[str, Any]:
        """Return {reused: [{product, team}], reused_by: [{product, teams}], rate}."""
        return {
            "reused": [{"product": p, "team": t} for p, t in self.reused],
            "reused_by": [{"product": p, "teams": list(ts)} for p, ts in self.reused_by],
            "rate": self.rate,
        }


def product_teams(program: Program, products: Iterable[PublishedProduct]) -> dict[str, str]:
    """Return product id -> the id of the program team owning it (products of no team left out)."""
    found = {}
    for product in products:
        team = next((t for t in program.all_teams if owns(t, product)), None)
        if team is not None:
            found[product.id] = team.id
    return found


def _reading_team(read: Read, program: Program, owner_of: Mapping[str, str]) -> str:
    """Return the team that read: the pipeline product's owner, else the reader's team."""
    if read.source == "pipeline":
        return owner_of.get(read.pipeline, "")
    if read.team:
        return read.team
    team = program.team_of_user(read.reader)
    return team.id if team else ""


def reuse_by_team(
    reads: Iterable[Read], program: Program, products: Iterable[PublishedProduct]
) -> dict[str, TeamReuse]:
    """Return every program team's reuse (central team included) from the reads given."""
    owner_of = product_teams(program, products)
    edges: set[tuple[str, str]] = set()  # (reading team, product)
    for read in reads:
        owner = owner_of.get(read.product, "")
        reader = _reading_team(read, program, owner_of)
        if owner and reader and reader != owner and program.team(reader) is not None:
            edges.add((reader, read.product))
    found = {}
    for team in program.all_teams:
        own = tuple(sorted(p for p, t in owner_of.items() if t == team.id))
        reused = tuple(sorted((p, owner_of[p]) for r, p in edges if r == team.id))
        by = tuple((p, tuple(sorted(r for r, q in edges if q == p))) for p in own)
        found[team.id] = TeamReuse(team.id, own, reused, tuple((p, ts) for p, ts in by if ts))
    return found


def consuming_teams(
    reads: Iterable[Read], program: Program, products: Iterable[PublishedProduct]
) -> dict[tuple[str, str], tuple[str, ...]]:
    """Return (product, port) -> the teams reading it: people's teams, reusing products' owners."""
    owner_of = product_teams(program, products)
    found: dict[tuple[str, str], set[str]] = {}
    for read in reads:
        team = _reading_team(read, program, owner_of)
        if team and program.team(team) is not None:
            found.setdefault((read.product, read.port), set()).add(team)
    return {key: tuple(sorted(teams)) for key, teams in found.items()}


def teams_per_product(
    reads: Iterable[Read],
    program: Program | None = None,
    products: Iterable[PublishedProduct] = (),
) -> dict[str, tuple[str, ...]]:
    """Return product id -> the teams reading it: by the program, else the teams stored at flush."""
    found: dict[str, set[str]] = {}
    if program is None:
        for read in reads:
            if read.team:
                found.setdefault(read.product, set()).add(read.team)
    else:
        for (product, _port), teams in consuming_teams(reads, program, products).items():
            found.setdefault(product, set()).update(teams)
    return {product: tuple(sorted(teams)) for product, teams in found.items()}


def with_reuse(status: Mapping[str, Any], reuse: Mapping[str, TeamReuse]) -> dict[str, Any]:
    """Return program status JSON with `teams.<id>.reuse` added for every team it lists."""
    teams = {
        tid: {**team, "reuse": reuse[tid].to_json() if tid in reuse else None}
        for tid, team in status["teams"].items()
    }
    return {**status, "teams": teams}


def format_reuse(reuse: Mapping[str, TeamReuse], team_ids: Iterable[str]) -> str:
    """Return one line per team: products of others it reused, its products others reused, rate."""
    lines = ["reuse (from the usage reads):"]
    ids = list(team_ids)
    width = max((len(t) for t in ids), default=4)
    for tid in ids:
        found = reuse.get(tid)
        if found is None:
            continue
        used = ", ".join(p for p, _ in found.reused) or "none"
        by = ", ".join(f"{p} (by {', '.join(ts)})" for p, ts in found.reused_by) or "none"
        rate = "no products" if found.rate is None else f"{found.rate:.0%}"
        lines.append(f"  {tid:<{width}}  reused: {used}; reused by others: {by}; rate {rate}")
    return "\n".join(lines)
