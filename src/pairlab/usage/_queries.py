"""Record the queries through `pairlab.warehouse.connect()` that read a product's table.

The warehouse tells this hook (entry point `pairlab.query_hooks`) the SQL each query ran. The
hook notes who asked, when and from which pipeline. A text seen before (a notebook reruns its
queries) or one naming no published product is settled there in microseconds; any other goes
to one background thread, so the reader's query never waits for the parser. That thread parses
with the same parser the log import uses (`_sql.tables_read`, once per distinct text), keeps
the tables that are published product ports (the catalog's, looked up again when the products
schema shows up with a name it did not know), and records each as a read, as `products.read`
does. What is still queued when the process ends is recorded before it exits; `settle()` waits
for the queue (a flush calls it first).
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pairlab.products import SCHEMA, current_pipeline
from pairlab.usage._identity import reader
from pairlab.usage._record import record_read
from pairlab.usage._sql import Unparsed, tables_read
from pairlab.usage._tables import PortRef

log = logging.getLogger(__name__)
OFF_ENV = "PAIRLAB_USAGE"  # "off": record nothing
# ibis backend names whose SQL sqlglot reads under another dialect name.
_DIALECTS = {"pyspark": "spark", "mssql": "tsql", "postgres": "postgres"}
_REFRESH_SECONDS = 2.0  # look the catalog up again at most this often
_PAUSE_SECONDS = 0.2  # wait this long after a query before parsing what came meanwhile
_CACHED = 512  # distinct SQL texts whose parse is kept (a notebook reruns the same queries)


@dataclass(frozen=True)
class _Asked:
    """One query as asked: its SQL, who asked, when, and which product's build asked."""

    sql: str
    dialect: str
    reader: str
    at: datetime
    pipeline: str


class _Recorder:
    """The queue of queries to parse and the one thread that parses and records them."""

    def __init__(self) -> None:
        self.queue: queue.Queue[_Asked] = queue.Queue()
        self.tables: dict[str, PortRef] = {}
        self.names: set[str] = set()  # the bare table names of `tables`, for a quick look
        self.parsed: dict[tuple[str, str], set[str]] = {}
        self.loaded_at = 0.0
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def put(self, asked: _Asked) -> None:
        """Queue one query, starting the thread on the first."""
        self.queue.put(asked)
        if self.thread is None or not self.thread.is_alive():
            with self.lock:
                if self.thread is None or not self.thread.is_alive():
                    self.thread = threading.Thread(
                        target=self._run, name="pairlab-query-reads", daemon=True
                    )
                    self.thread.start()

    def _run(self) -> None:
        while True:
            batch = [self.queue.get()]
            # Let a burst of queries finish first: parsing holds the GIL, so work done between
            # the reader's queries (a notebook between cells) never slows one of them.
            time.sleep(_PAUSE_SECONDS)
            while not self.queue.empty():
                batch.append(self.queue.get_nowait())
            for asked in batch:
                try:
                    self.record(asked)
                except Exception:  # recording must never take the process down
                    log.warning("pairlab: could not record a query's reads", exc_info=True)
                finally:
                    self.queue.task_done()

    def _known(self, sql: str) -> dict[str, PortRef]:
        """Return the catalog's product tables, looked up again (at most every 2 s) when the SQL
        names the products schema but no product the last look-up knew (one just published)."""
        stale = time.monotonic() - self.loaded_at > _REFRESH_SECONDS
        if not self.loaded_at or (stale and SCHEMA in sql and not self._named(sql)):
            from pairlab.usage import catalog_tables

            self.tables = catalog_tables()
            self.names = {t.rpartition(".")[2] for t in self.tables}
            self.loaded_at = time.monotonic()
        return self.tables

    def _named(self, sql: str) -> bool:
        """Return whether the SQL's text holds the name of any known product table."""
        return any(name in sql for name in self.names)

    def _parsed(self, sql: str, dialect: str) -> set[str]:
        """Return the tables the SQL reads, parsed once per distinct text (the parser's cost);
        a text the parser cannot read reads nothing (counted, never a read)."""
        key = (sql, dialect)
        found = self.parsed.get(key)
        if found is None:
            try:
                found = tables_read(sql, _DIALECTS.get(dialect, dialect), {})
            except Unparsed:
                log.debug("pairlab: a query the parser cannot read is not counted: %.80s", sql)
                found = set()
            if len(self.parsed) >= _CACHED:
                self.parsed.pop(next(iter(self.parsed)), None)
            self.parsed[key] = found
        return found

    def quick(self, asked: _Asked) -> bool:
        """Settle a query on the reader's thread when that costs microseconds: its text names no
        product the catalog knew, or was parsed before. False leaves it to the thread."""
        if not self.loaded_at:
            return False
        sql = asked.sql.lower()
        if not self._named(sql):  # unless the products schema shows up: a product new since?
            stale = time.monotonic() - self.loaded_at > _REFRESH_SECONDS
            return not (stale and SCHEMA in sql)
        read = self.parsed.get((asked.sql, asked.dialect))
        if read is None:
            return False
        self._record(asked, read, self.tables)
        return True

    def record(self, asked: _Asked) -> None:
        """Parse one query and record a read of each product port it touched."""
        sql = asked.sql.lower()
        known = self._known(sql)
        if self._named(sql):  # no product's name in the text: it reads none, no parse
            self._record(asked, self._parsed(asked.sql, asked.dialect), known)

    @staticmethod
    def _record(asked: _Asked, read: set[str], known: dict[str, PortRef]) -> None:
        """Record a read of each product port among the tables read."""
        for ref in sorted({known[t] for t in read if t in known}, key=lambda r: r.product + r.port):
            record_read(ref.product, ref.port, pipeline=asked.pipeline, reader=asked.reader,
                        at=asked.at)  # fmt: skip


_recorder = _Recorder()


def record_query(query: Any) -> None:
    """Note one query that ran through `connect()`: settled at once when its text was seen
    before (or names no product), else recorded in the background."""
    if os.environ.get(OFF_ENV, "").lower() == "off":
        return
    asked = _Asked(
        str(query.sql), str(query.dialect), reader(), datetime.now(UTC), current_pipeline()
    )
    if not _recorder.quick(asked):
        _recorder.put(asked)


def settle(timeout: float = 30.0) -> None:
    """Wait until every query noted so far is parsed and recorded (or `timeout` passed)."""
    done = threading.Event()

    def wait() -> None:
        _recorder.queue.join()
        done.set()

    if _recorder.queue.unfinished_tasks:
        threading.Thread(target=wait, daemon=True).start()
        done.wait(timeout)


atexit.register(settle, 10.0)
