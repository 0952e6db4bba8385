"""Record the queries through `pairlab.warehouse.connect()` that read a product's table.

The warehouse tells this hook (entry point `pairlab.query_hooks`) the SQL each query ran. The
hook notes who asked, when and from which pipeline, and hands the SQL to one background thread:
the reader's query never waits for the parser. That thread parses the SQL with the same parser
the log import uses (`_sql.tables_read`), keeps the tables that are published product ports
(the catalog's, looked up again when an unknown `products.` table shows up), and records each
as a read, as `products.read` does. What is still queued when the process ends is recorded
before it exits; `settle()` waits for the queue (a flush calls it first).
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
            asked = self.queue.get()
            try:
                self.record(asked)
            except Exception:  # recording must never take the process down
                log.warning("pairlab: could not record a query's reads", exc_info=True)
            finally:
                self.queue.task_done()

    def _known(self, tables: set[str]) -> dict[str, PortRef]:
        """Return the catalog's product tables, looked up again when one is new to it."""
        prefix = f"{SCHEMA}."
        unknown = any(t.startswith(prefix) and t not in self.tables for t in tables)
        stale = time.monotonic() - self.loaded_at > _REFRESH_SECONDS
        if not self.loaded_at or (unknown and stale):
            from pairlab.usage import catalog_tables

            self.tables = catalog_tables()
            self.loaded_at = time.monotonic()
        return self.tables

    def record(self, asked: _Asked) -> None:
        """Parse one query and record a read of each product port it touched."""
        try:
            read = tables_read(asked.sql, _DIALECTS.get(asked.dialect, asked.dialect), {})
        except Unparsed:
            log.debug("pairlab: a query the parser cannot read is not counted: %.80s", asked.sql)
            return
        if not read:
            return
        known = self._known(read)
        for ref in sorted(
            {known[t] for t in read if t in known}, key=lambda r: (r.product, r.port)
        ):
            record_read(ref.product, ref.port, pipeline=asked.pipeline, reader=asked.reader,
                        at=asked.at)  # fmt: skip


_recorder = _Recorder()


def record_query(query: Any) -> None:
    """Note one query that ran through `connect()`; its reads are recorded in the background."""
    if os.environ.get(OFF_ENV, "").lower() == "off":
        return
    _recorder.put(
        _Asked(str(query.sql), str(query.dialect), reader(), datetime.now(UTC), current_pipeline())
    )


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
