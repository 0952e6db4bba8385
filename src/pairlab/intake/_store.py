"""Requests and every decision on them, in SQLAlchemy tables (the cohort store's engine on a hub).

Each call is one transaction, committed before it returns: what a caller was told is stored.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from pairlab._db import open_engine
from pairlab.errors import BadInput, NotFound

metadata = sa.MetaData()
requests = sa.Table(
    "intake_requests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # Two submissions of the same request are one row.
    sa.Column("key", sa.String(64), nullable=False, unique=True),
    sa.Column("team", sa.String(255), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("doc", sa.Text, nullable=False),  # the request as validated
    sa.Column("answer", sa.Text),  # the reuse answer, when the catalog had one
    sa.Column("unknown", sa.Text, nullable=False),  # tables and products nobody knows
    sa.Column("submitted_at", sa.Float, nullable=False),
    sa.Column("started_at", sa.Float),
    sa.Column("expected_end", sa.Float),
    sa.Column("ended_at", sa.Float),
    sa.Column("position", sa.Integer),  # a facilitator's override of the order
)
decisions = sa.Table(
    "intake_decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("request_id", sa.Integer, nullable=False, index=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("who", sa.String(255), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
)
JSON_COLUMNS = ("doc", "answer", "unknown")


def _row(mapping: Any) -> dict[str, Any]:
    """Return a stored row with its JSON columns read."""
    row = dict(mapping)
    for name in JSON_COLUMNS:
        row[name] = json.loads(row[name]) if row[name] is not None else None
    return row


class IntakeStore:
    """The intake tables in one database: a SQLite file beside the program, or the hub's."""

    def __init__(self, url: str | None = None, engine: sa.Engine | None = None) -> None:
        if engine is None:
            if url is None:
                raise BadInput("the intake store needs a database", "pass a SQLAlchemy URL")
            from pairlab.warehouse.connection import redact  # the one masking function

            engine = open_engine(
                url, what="the intake store", shown=redact(url), fix="pass a SQLAlchemy URL"
            )
        self.engine = engine
        metadata.create_all(self.engine)

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    def add(self, row: dict[str, Any], who: str, action: str, reason: str) -> tuple[int, bool]:
        """Store a new request and its first decision; return (id, known already?)."""
        values = {k: json.dumps(v) if k in JSON_COLUMNS else v for k, v in row.items()}
        try:
            with self.engine.begin() as db:
                inserted = db.execute(requests.insert().values(**values)).inserted_primary_key
                rid = int(inserted[0]) if inserted else 0
                self._decide(db, rid, row["submitted_at"], who, action, reason)
        except IntegrityError:
            with self.engine.connect() as db:
                known = db.execute(sa.select(requests.c.id).where(requests.c.key == row["key"]))
                found = known.scalar()
            if found is None:  # not a duplicate after all: let the real error speak
                raise
            return int(found), True
        return rid, False

    def _decide(self, db: sa.Connection, rid: int, at: float, who: str, action: str,
                reason: str) -> None:  # fmt: skip
        """Record one decision on a request (in the caller's transaction)."""
        db.execute(
            decisions.insert().values(request_id=rid, at=at, who=who, action=action, reason=reason)
        )

    def get(self, rid: int) -> dict[str, Any]:
        """Return one request, or say it does not exist."""
        with self.engine.connect() as db:
            found = db.execute(sa.select(requests).where(requests.c.id == rid)).mappings().first()
        if found is None:
            raise NotFound(f"no request {rid}", "see `pairlab intake list` for the ids")
        return _row(found)

    def all(self) -> list[dict[str, Any]]:
        """Return every request, oldest first."""
        with self.engine.connect() as db:
            rows = db.execute(sa.select(requests).order_by(requests.c.id)).mappings().all()
        return [_row(r) for r in rows]

    def decisions(self, rid: int | None = None) -> list[dict[str, Any]]:
        """Return the decisions (on one request, or all), in the order they were taken."""
        query = sa.select(decisions).order_by(decisions.c.id)
        if rid is not None:
            query = query.where(decisions.c.request_id == rid)
        with self.engine.connect() as db:
            return [dict(r) for r in db.execute(query).mappings().all()]

    def change(
        self, rid: int, states: tuple[str, ...], values: dict[str, Any], decision: dict[str, Any],
        limit: int | None = None,
    ) -> None:  # fmt: skip
        """Change a request in `states` and record why, in one transaction.

        With `limit`, refuse when that many requests are active already. The condition is part
        of the one UPDATE, which takes the write lock first (SQLite), so two processes starting
        at once cannot both take the last place.
        """
        values = {k: json.dumps(v) if k in JSON_COLUMNS else v for k, v in values.items()}
        update = requests.update().where(requests.c.id == rid, requests.c.state.in_(states))
        active = sa.select(sa.func.count()).select_from(requests)
        active = active.where(requests.c.state == "active")
        if limit is not None:
            update = update.where(active.scalar_subquery() < limit)
        with self.engine.begin() as db:
            if db.execute(update.values(**values)).rowcount == 1:
                self._decide(db, rid, **decision)
                return
            state = db.execute(sa.select(requests.c.state).where(requests.c.id == rid)).scalar()
        if state is None:
            raise NotFound(f"no request {rid}", "see `pairlab intake list` for the ids")
        if state not in states:
            allowed = " or ".join(states)
            raise BadInput(
                f"request {rid} is {state}",
                f"only a request that is {allowed} can be {decision['action']}",
            )
        raise BadInput(
            f"pairings are active up to the limit of {limit}",
            "end one (done or decline) first, or raise wip_limit in intake.toml",
        )
