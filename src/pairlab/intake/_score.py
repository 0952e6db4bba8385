"""The fair order: a score whose every part is shown, and when each waiting request may start."""

from __future__ import annotations

import heapq
from typing import Any

from pairlab.intake._model import Request
from pairlab.intake._program import ProgramFacts

WEEK = 7 * 24 * 3600.0
MEASURABLE = 3  # a hypothesis that can be decided: the product can be kept or dropped
NEW_TEAM = 3  # no ambassador in the team yet: reach new teams first
REUSE_PER_TEAM, REUSE_MAX = 1, 3  # other program teams expected to reuse the product
PER_WEEK_WAITING = 1  # nobody waits forever
ANSWERED_BY_REUSE = -3  # the catalog had a product; the team asked anyway, with a reason


def score_parts(
    request: Request, answered: bool, submitted_at: float, facts: ProgramFacts, now: float
) -> list[dict[str, Any]]:
    """Return the score's parts: name, points, and why, in words."""
    measurable = request.hypothesis.measurable
    others = [t for t in request.reused_by if t in facts.teams and t != request.team]
    weeks = max(int((now - submitted_at) // WEEK), 0)
    parts = [
        {
            "part": "measurable hypothesis",
            "points": MEASURABLE if measurable else 0,
            "why": "a statement with a threshold to reach"
            if measurable
            else "not measurable: state the hypothesis with a threshold to score higher",
        },
        {
            "part": "team with no ambassador yet",
            "points": 0 if request.team in facts.ambassadors else NEW_TEAM,
            "why": "the team has an ambassador already"
            if request.team in facts.ambassadors
            else "reach new teams first",
        },
        {
            "part": "expected reuse by other teams",
            "points": min(REUSE_PER_TEAM * len(others), REUSE_MAX),
            "why": f"named as future users: {', '.join(others)}" if others else "none named",
        },
        {
            "part": "waiting time",
            "points": PER_WEEK_WAITING * weeks,
            "why": f"{weeks} full week(s) waiting",
        },
    ]
    if answered:
        parts.append(
            {
                "part": "answered by reuse",
                "points": ANSWERED_BY_REUSE,
                "why": f"queued anyway because: {request.not_fit}",
            }
        )
    return parts


def order(waiting: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return waiting requests in score order, then place the facilitators' overrides.

    Each row has "score" and "submitted_at", and "position" if a facilitator moved it there.
    """
    ranked = sorted(
        (r for r in waiting if r["position"] is None),
        key=lambda r: (-r["score"], r["submitted_at"], r["id"]),
    )
    for moved in sorted((r for r in waiting if r["position"] is not None),
                        key=lambda r: r["position"]):  # fmt: skip
        ranked.insert(min(moved["position"] - 1, len(ranked)), moved)
    return ranked


def expected_starts(
    queue: list[dict[str, Any]], active_ends: list[float], limit: int, now: float
) -> list[float]:
    """Return when each queued request may start: as places free up, in queue order.

    A place frees at an active pairing's expected end; a started pairing holds its place for
    its "weeks"; nobody starts before the date the analysts are free ("free_from_ts").
    """
    places = sorted(active_ends)[:limit] + [now] * max(limit - len(active_ends), 0)
    heapq.heapify(places)
    starts = []
    for row in queue:
        free = heapq.heappop(places)
        start = max(free, now, row["free_from_ts"])
        starts.append(start)
        heapq.heappush(places, start + row["weeks"] * WEEK)
    return starts
