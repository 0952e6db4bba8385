"""The cohort service's usage ingest: each user's pairlab server posts its own user's reads.

Reads land in the cohort database's `usage_reads` table (pairlab.usage's table, same engine),
so reads from every machine of the cohort are in one place; the reader's team comes from the
program the service holds, never from the post. The route reuses the events ingest's trust
rule (the hub token of a user's server, for that user only): make_app passes its handler in.
"""

from __future__ import annotations

import re
import weakref
from datetime import datetime
from typing import Any

import tornado.web

from pairlab._body import parse_json_body
from pairlab.errors import BadInput, Forbidden
from pairlab.hub._store import CohortStore
from pairlab.usage import Read, Store

MAX_READS = 1000  # per post: an outbox file's worth; a larger backlog is posted in parts
FIX = 'post {"user", "reads": [{"key", "product", "port", "reader", "at", "source", "pipeline"}]}'
KEY = re.compile(r"[0-9a-f]{32}")  # record_read's uuid4().hex
_NAME = 255  # the table's column width
_STORES: weakref.WeakKeyDictionary[CohortStore, Store] = weakref.WeakKeyDictionary()


def usage_store(store: CohortStore) -> Store:
    """Return the usage reads table on the cohort store's engine."""
    if store not in _STORES:
        _STORES[store] = Store(engine=store.engine)
    return _STORES[store]


def _text(item: dict[str, Any], name: str, n: int, empty: bool = False) -> str:
    """Return a read's string field, refused when missing, too long or (unless allowed) empty."""
    value = item.get(name, "" if empty else None)
    value = "" if value is None and empty else value
    if not isinstance(value, str) or len(value) > _NAME or not (value or empty):
        raise BadInput(f"reads[{n}]: '{name}' must be a string of 1 to {_NAME} characters", FIX)
    return value


def _read(item: Any, n: int, owner: str) -> Read:
    """Return one posted read as stored, refused when it is not the owner's own read."""
    if not isinstance(item, dict):
        raise BadInput(f"reads[{n}] must be an object", FIX)
    key, reader = _text(item, "key", n), _text(item, "reader", n)
    if not KEY.fullmatch(key):
        raise BadInput(f"reads[{n}]: 'key' must be 32 hex digits, as pairlab records it", FIX)
    if reader != owner:
        raise Forbidden(f"reads[{n}] is {reader}'s read; a server of {owner} posts only "
                        f"{owner}'s reads", "post from the reader's own server")  # fmt: skip
    try:
        at = datetime.fromisoformat(_text(item, "at", n))
    except ValueError:
        raise BadInput(f"reads[{n}]: 'at' is not an ISO time", FIX) from None
    if at.tzinfo is None:
        raise BadInput(f"reads[{n}]: 'at' has no time zone", "send the time in UTC, +00:00")
    source, pipeline = _text(item, "source", n), _text(item, "pipeline", n, empty=True)
    if (source, bool(pipeline)) not in (("person", False), ("pipeline", True)):
        raise BadInput(f"reads[{n}]: 'source' must be 'person', or 'pipeline' with a pipeline",
                       FIX)  # fmt: skip
    product, port = _text(item, "product", n), _text(item, "port", n)
    return Read(key, product, port, reader, at, source, pipeline, "pairlab")


def parse_reads(body: dict[str, Any], owner: str) -> list[Read]:
    """Validate a post of reads: the owner's own, at most MAX_READS, each as record_read makes."""
    user, items = body.get("user"), body.get("reads")
    if not isinstance(user, str) or not user:
        raise BadInput("'user' is missing", FIX)
    if user != owner:
        raise Forbidden(f"a server of {owner} may post only {owner}'s reads, not {user}'s",
                        "post from the user's own server")  # fmt: skip
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_READS:
        raise BadInput(f"'reads' must be a list of 1 to {MAX_READS} reads", FIX)
    return [_read(item, n, owner) for n, item in enumerate(items)]


def store_reads(store: CohortStore, body: dict[str, Any], owner: str) -> int:
    """Store the owner's posted reads with her team from the held program; return how many new."""
    from pairlab.hub._program import current_status

    reads = parse_reads(body, owner)
    status, _ = current_status(store)
    team = status.program.team_of_user(owner) if status else None
    return usage_store(store).add(reads, lambda _reader: team.id if team else "")


class UsageIngest(tornado.web.RequestHandler):
    """Where each user's server posts its own user's reads (the events ingest's trust rule)."""

    store: CohortStore

    async def _token_owner(self) -> str:  # the ingest handler's, placed before this in the MRO
        raise NotImplementedError

    async def post(self) -> None:
        """Store {"user", "reads": [...]} if the token belongs to that user's server."""
        owner = await self._token_owner()
        added = store_reads(self.store, parse_json_body(self.request.body), owner)
        self.set_status(201 if added else 200)
        self.finish({"stored": added})


def routes(ingest: type[tornado.web.RequestHandler]) -> list[tuple[str, type[Any]]]:
    """Return the usage routes, their handler built on the events ingest handler `ingest`."""
    handler = type("UsageIngestHandler", (ingest, UsageIngest), {"post": UsageIngest.post})
    return [("api/usage", handler)]
