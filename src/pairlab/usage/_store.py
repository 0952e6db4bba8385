"""The shared table of product reads: one row per read, in any SQLAlchemy database.

SQLite in the user's data folder by default ($PAIRLAB_USAGE_DB takes any SQLAlchemy URL, so a
team shares one PostgreSQL table). Every row has a key made where the read was seen, so the
same read written twice (a log imported again, an outbox flushed after a lost reply) is one row.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs
import sqlalchemy as sa

from pairlab._db import open_engine
from pairlab.errors import PairlabError

URL_ENV = "PAIRLAB_USAGE_DB"
SOURCES = ("person", "pipeline")  # pipeline: another product's build read it (reuse)

metadata = sa.MetaData()
reads = sa.Table(
    "usage_reads",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("product", sa.String(255), nullable=False, index=True),
    sa.Column("port", sa.String(255), nullable=False),
    sa.Column("reader", sa.String(255), nullable=False),
    sa.Column("team", sa.String(255), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),  # UTC, naive: SQLite keeps no zone
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("pipeline", sa.String(255), nullable=False),  # the reading product, if reuse
    sa.Column("origin", sa.String(64), nullable=False),  # pairlab, or the imported log's format
)


class StoreDown(PairlabError):
    """The store cannot be reached or written now; nothing recorded is lost."""

    status = 503


@dataclass(frozen=True)
class Read:
    """One read of a product's port."""

    key: str
    product: str
    port: str
    reader: str
    at: datetime
    source: str = "person"
    pipeline: str = ""
    origin: str = "pairlab"
    team: str = ""

    def row(self) -> dict[str, Any]:
        """Return the row to insert (time as naive UTC)."""
        at = self.at.astimezone(UTC).replace(tzinfo=None)
        return {**self.__dict__, "at": at}


def default_url() -> str:
    """Return $PAIRLAB_USAGE_DB, else the SQLite file in the user's data folder."""
    configured = os.environ.get(URL_ENV)
    if configured:
        return configured
    return f"sqlite:///{platformdirs.user_data_path('pairlab') / 'usage.sqlite'}"


class Store:
    """The reads table behind one SQLAlchemy engine."""

    def __init__(self, url: str | None = None, engine: sa.Engine | None = None) -> None:
        if engine is not None:  # a database another service holds (the hub's cohort database)
            self.url = self.shown = engine.url.render_as_string(hide_password=True)
            self.engine = engine
            self._ready = False
            return
        from pairlab.warehouse.connection import redact  # the one masking function

        self.url = url or default_url()
        self.shown = redact(self.url)
        if self.url.startswith("sqlite:///"):
            Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine = open_engine(
            self.url, what="the usage store", shown=self.shown,
            fix="give a SQLAlchemy URL, e.g. sqlite:///usage.sqlite (--store or PAIRLAB_USAGE_DB)",
        )  # fmt: skip
        self._ready = False

    def _ensure(self) -> None:
        """Create the table on first use (the store may be down when the Store is made)."""
        if not self._ready:
            metadata.create_all(self.engine)
            self._ready = True

    def add(self, new: Iterable[Read], team_of: Any = None) -> int:
        """Insert reads not stored yet (by key); return how many were new."""
        rows = [r.row() for r in new]
        if not rows:
            return 0
        self._ensure()
        if team_of is not None:
            for row in rows:
                row["team"] = row["team"] or team_of(row["reader"])
        try:
            return self._insert_new(rows)
        except sa.exc.IntegrityError:  # another flush stored some of them meanwhile: one by one
            return sum(self._insert_new([row]) for row in rows if not self._has(row["key"]))

    def _has(self, key: str) -> bool:
        """Return whether a read with `key` is stored."""
        with self.engine.connect() as conn:
            return (
                conn.execute(sa.select(reads.c.key).where(reads.c.key == key)).first() is not None
            )

    def _insert_new(self, rows: list[dict[str, Any]]) -> int:
        """Insert the rows whose keys are not stored, in one transaction; return how many."""
        with self.engine.begin() as conn:
            known: set[str] = set()
            for i in range(0, len(rows), 500):  # stay under SQLite's bound-parameter limit
                keys = [r["key"] for r in rows[i : i + 500]]
                found = conn.execute(sa.select(reads.c.key).where(reads.c.key.in_(keys)))
                known.update(k for (k,) in found)
            fresh = list({r["key"]: r for r in rows if r["key"] not in known}.values())
            if fresh:
                conn.execute(reads.insert(), fresh)
        return len(fresh)

    def list(
        self, product: str | None = None, since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Read]:  # fmt: skip
        """Return the reads, oldest first, of one product and within [since, until) if given."""
        query = sa.select(reads).order_by(reads.c.at, reads.c.key)
        if product:
            query = query.where(reads.c.product == product)
        if since:
            query = query.where(reads.c.at >= _naive(since))
        if until:
            query = query.where(reads.c.at < _naive(until))
        try:
            self._ensure()
            with self.engine.connect() as conn:
                rows = conn.execute(query).mappings().all()
        except sa.exc.SQLAlchemyError as exc:
            fix = "check --store / PAIRLAB_USAGE_DB and that the database is up"
            why = f"cannot read the usage store {self.shown} ({type(exc).__name__})"
            raise StoreDown(why, fix) from None
        return [Read(**{**r, "at": r["at"].replace(tzinfo=UTC)}) for r in rows]


def _naive(at: datetime) -> datetime:
    """Return a time as naive UTC, as stored."""
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at
