"""The intake queue: submit (reuse first), start within capacity, decline, done, override."""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Callable
from typing import Any

from pairlab.catalog.index import Catalog
from pairlab.errors import BadInput, Forbidden
from pairlab.intake._model import Request, parse_request, request_from_json
from pairlab.intake._program import ProgramFacts
from pairlab.intake._reuse import reuse_answer, unknown_names
from pairlab.intake._score import WEEK, expected_starts, order, score_parts
from pairlab.intake._store import IntakeStore

WAITING, ACTIVE, ANSWERED, DECLINED, DONE = "waiting", "active", "answered", "declined", "done"


@functools.cache
def _core_lessons() -> int:
    """Return how many lessons the core pack plans: a pairing's default length."""
    from pairlab.lessons import load_lessons

    return len(load_lessons())


@functools.cache
def _warehouse_tables() -> frozenset[str]:
    """Return the embedded warehouse's tables (any catalog product's tables count too)."""
    from pairlab.warehouse.generator import TABLES

    return frozenset(TABLES)


def _day(ts: float | None) -> str | None:
    """Return a time as an ISO date, in UTC."""
    return dt.datetime.fromtimestamp(ts, dt.UTC).date().isoformat() if ts is not None else None


def _reason(reason: str, what: str) -> str:
    """Return a written reason, refusing an empty one."""
    text = " ".join((reason or "").split())
    if not text:
        raise BadInput(f"a {what} needs a written reason", "say why, e.g. --reason '...'")
    return text


class Intake:
    """One program's queue: the store, the program's facts and the catalog, read when used."""

    def __init__(
        self,
        store: IntakeStore,
        facts: Callable[[], ProgramFacts],
        catalog: Callable[[], Catalog],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store, self.facts, self.catalog, self.clock = store, facts, catalog, clock

    def submit(self, body: dict[str, Any], by: str = "") -> dict[str, Any]:
        """Validate, answer by reuse when the catalog covers it, else queue; return its view."""
        request = parse_request(body, by)
        facts = self.facts()
        if request.team not in facts.teams:
            raise BadInput(
                f"team '{request.team}' is not in the program",
                f"use a team id of the program: {', '.join(sorted(facts.teams)) or 'none yet'}",
            )
        catalog = self.catalog()
        answer = reuse_answer(catalog, request)
        unknown = unknown_names(catalog, set(_warehouse_tables()), request)
        queued = answer is None or bool(request.not_fit)
        row = {
            "key": request.key(), "team": request.team, "state": WAITING if queued else ANSWERED,
            "doc": request.to_json(), "answer": answer.to_json() if answer else None,
            "unknown": unknown, "submitted_at": self.clock(),
        }  # fmt: skip
        action = "submitted" if queued else "answered by reuse"
        rid, duplicate = self.store.add(row, by or "?", action, answer.message() if answer else "")
        if duplicate and request.not_fit and self.store.get(rid)["state"] == ANSWERED:
            self._requeue(rid, request, by)
        view = self.request_view(rid)
        view["duplicate"] = duplicate
        view["notes"] = self._notes(view, duplicate)
        return view

    def _requeue(self, rid: int, request: Request, by: str) -> None:
        """Queue a request answered by reuse, now that the team says why the product won't do."""
        decision = {"at": self.clock(), "who": by or "?", "action": "queued despite reuse",
                    "reason": request.not_fit}  # fmt: skip
        self.store.change(rid, (ANSWERED,), {"state": WAITING, "doc": request.to_json()}, decision)

    @staticmethod
    def _notes(view: dict[str, Any], duplicate: bool) -> list[str]:
        """Return what the requester should know about the submission, in words."""
        notes = []
        if duplicate:
            notes.append(f"submitted already: this is request {view['id']}, kept once")
        if view["answer"] and view["state"] == ANSWERED:
            notes.append(view["answer"]["message"] + "; not queued: resubmit with a reason "
                         "it does not fit (not_fit) to queue it")  # fmt: skip
        if not view["measurable"]:
            notes.append("the hypothesis is not measurable (no statement or no threshold): "
                         "accepted, with a lower score")  # fmt: skip
        for kind in ("tables", "products"):
            if view["unknown"][kind]:
                names = ", ".join(view["unknown"][kind])
                notes.append(f"unknown {kind}: {names} (accepted; check the names)")
        return notes

    def _weeks(self, request: Request, facts: ProgramFacts) -> float:
        """Return how long a pairing on this request is expected to run, in weeks."""
        return (request.lessons or _core_lessons()) * facts.weeks_per_lesson

    def _rows(self, facts: ProgramFacts) -> list[dict[str, Any]]:
        """Return every request with its score, position and expected dates filled in."""
        now = self.clock()
        rows = self.store.all()
        taken: dict[int, list[dict[str, Any]]] = {}
        for decision in self.store.decisions():  # one query, not one per request
            taken.setdefault(decision["request_id"], []).append(decision)
        for row in rows:
            row["decisions"] = taken.get(row["id"], [])
            request = request_from_json(row["doc"])
            row["request"] = request
            answered = row["answer"] is not None
            row["parts"] = score_parts(request, answered, row["submitted_at"], facts, now)
            row["score"] = sum(p["points"] for p in row["parts"])
            row["weeks"] = self._weeks(request, facts)
            free = dt.datetime.fromisoformat(request.free_from).replace(tzinfo=dt.UTC)
            row["free_from_ts"] = free.timestamp()
            row["rank"] = row["expected_start"] = None
        queue = order([r for r in rows if r["state"] == WAITING])
        ends = [r["expected_end"] for r in rows if r["state"] == ACTIVE]
        for rank, (row, start) in enumerate(
            zip(queue, expected_starts(queue, ends, facts.limit, now), strict=True), 1
        ):
            row["rank"], row["expected_start"] = rank, start
        return rows

    def request_view(self, rid: int) -> dict[str, Any]:
        """Return one request as its requester sees it."""
        facts = self.facts()
        (row,) = (r for r in self._rows(facts) if r["id"] == rid)
        return self._view(row)

    def _view(self, row: dict[str, Any]) -> dict[str, Any]:
        """Return a request as JSON: what was asked, its state, score parts and dates."""
        request: Request = row["request"]
        return {
            "id": row["id"], **request.to_json(), "state": row["state"],
            "measurable": request.hypothesis.measurable, "position": row["rank"],
            "override": row["position"],
            "score": {"total": row["score"], "parts": row["parts"]},
            "submitted": _day(row["submitted_at"]), "expected_start": _day(row["expected_start"]),
            "started": _day(row["started_at"]), "expected_end": _day(row["expected_end"]),
            "ended": _day(row["ended_at"]), "answer": row["answer"], "unknown": row["unknown"],
            "decisions": [
                {k: d[k] for k in ("who", "action", "reason")} | {"at": _day(d["at"])}
                for d in row["decisions"]
            ],
        }  # fmt: skip

    def queue(self, team: str | None = None) -> dict[str, Any]:
        """Return the queue: everything for facilitators (team None), else the team's own.

        A requester sees other teams' requests only when the program says the queue is open.
        """
        facts = self.facts()
        rows = self._rows(facts)
        counts = {s: sum(r["state"] == s for r in rows) for s in (WAITING, ACTIVE, ANSWERED)}
        shown = rows if team is None or facts.open else [r for r in rows if r["team"] == team]
        views = [self._view(r) for r in shown]
        views.sort(key=lambda v: (v["position"] is None, v["position"] or 0, v["id"]))
        return {"limit": facts.limit, "open": facts.open, "counts": counts, "requests": views}

    def team_states(self) -> dict[str, dict[str, Any]]:
        """Return each team's most telling request (for the Program view): id, state, position.

        Active beats waiting beats answered beats done beats declined; then the newest.
        """
        rank = {ACTIVE: 0, WAITING: 1, ANSWERED: 2, DONE: 3, DECLINED: 4}
        found: dict[str, dict[str, Any]] = {}
        for row in sorted(self._rows(self.facts()), key=lambda r: (rank[r["state"]], -r["id"])):
            found.setdefault(
                row["team"], {"request": row["id"], "state": row["state"], "position": row["rank"]}
            )
        return found

    def start(self, rid: int, who: str) -> dict[str, Any]:
        """Start the pairing of a waiting request, if the central team has a place for it."""
        facts = self.facts()
        rows = self._rows(facts)
        active = [r for r in rows if r["state"] == ACTIVE]
        if len(active) >= facts.limit:
            teams = ", ".join(f"{r['team']} (request {r['id']})" for r in active)
            raise BadInput(
                f"cannot start request {rid}: {len(active)} pairings are active ({teams}) and "
                f"the limit is {facts.limit} (central engineers / 2)",
                "end one with done or decline first, or raise wip_limit in intake.toml",
            )
        row = self.store.get(rid)
        weeks = self._weeks(request_from_json(row["doc"]), facts)
        now = self.clock()
        values = {"state": ACTIVE, "started_at": now, "expected_end": now + weeks * WEEK,
                  "position": None}  # fmt: skip
        decision = {"at": now, "who": who, "action": "started", "reason": ""}
        self.store.change(rid, (WAITING, ANSWERED), values, decision, limit=facts.limit)
        return self.request_view(rid)

    def decline(self, rid: int, who: str, reason: str) -> dict[str, Any]:
        """Decline a request (waiting, answered or active), keeping the written reason."""
        decision = {"at": self.clock(), "who": who, "action": "declined",
                    "reason": _reason(reason, "decline")}  # fmt: skip
        values = {"state": DECLINED, "ended_at": self.clock(), "position": None}
        self.store.change(rid, (WAITING, ANSWERED, ACTIVE), values, decision)
        return self.request_view(rid)

    def done(self, rid: int, who: str, reason: str = "") -> dict[str, Any]:
        """End an active pairing: the team is capable, or a facilitator decides, with a reason."""
        facts = self.facts()
        team = self.store.get(rid)["team"]
        if not reason.strip() and team not in facts.capable:
            raise BadInput(
                f"the program does not count team '{team}' capable yet",
                "end the pairing with a written reason (--reason '...'), or when it is capable",
            )
        why = reason.strip() or f"the program counts team '{team}' capable"
        decision = {"at": self.clock(), "who": who, "action": "done", "reason": why}
        self.store.change(rid, (ACTIVE,), {"state": DONE, "ended_at": self.clock()}, decision)
        return self.request_view(rid)

    def override(self, rid: int, who: str, position: int, reason: str) -> dict[str, Any]:
        """Move a waiting request to `position` in the queue, keeping the written reason."""
        if isinstance(position, bool) or not isinstance(position, int) or position < 1:
            raise BadInput("the position must be a whole number from 1", "e.g. --to 1")
        decision = {"at": self.clock(), "who": who, "action": f"moved to position {position}",
                    "reason": _reason(reason, "change of the order")}  # fmt: skip
        self.store.change(rid, (WAITING,), {"position": position}, decision)
        return self.request_view(rid)


def check_own_team(facts: ProgramFacts, user: str, team: str) -> None:
    """Refuse a requester acting for a team the program does not list them in."""
    mine = facts.users.get(user)
    if mine != team:
        which = f" ({mine}), not '{team}'" if mine else f"; the program lists no team for {user}"
        raise Forbidden(
            f"{user} may request only for their own team{which}",
            "ask someone of that team to submit it, or a facilitator to add you to the program",
        )
