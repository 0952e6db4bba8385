"""Tell query hooks the SQL each query through `connect()` ran, so use can be measured there.

Installed packages declare hooks in the entry-point group `pairlab.query_hooks` (pairlab's
usage recorder is one): each is called with a `Query` after the query ran. The warehouse knows
nothing of products or usage; it only hands over the SQL it ran. A connection is watched only
when some hook is declared; a hook that fails is logged, and the query's result is returned as
if nothing had watched it. The SQL is the text the engine ran: the compiled expression (ibis's
own `compile`, captured as the query runs, never compiled twice) or `raw_sql`'s text.
"""

from __future__ import annotations

import contextvars
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from ibis.backends import BaseBackend

log = logging.getLogger(__name__)
HOOK_GROUP = "pairlab.query_hooks"
# The methods that run a query and return (or write) its data; `compile` is captured inside them.
RUNNERS = ("execute", "raw_sql", "to_pyarrow", "to_pyarrow_batches", "to_pandas",
           "to_pandas_batches", "to_polars", "to_torch", "to_csv", "to_parquet", "to_json",
           "to_delta", "to_parquet_dir", "to_xlsx")  # fmt: skip
_running: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "pairlab_query", default=None
)


@dataclass(frozen=True)
class Query:
    """One query that ran through a pairlab connection: its SQL and the engine's dialect."""

    sql: str
    dialect: str


_HOOKS: list[Callable[[Query], None]] | None = None


def _hooks() -> list[Callable[[Query], None]]:
    """Return the declared query hooks, loaded once."""
    global _HOOKS
    if _HOOKS is None:
        _HOOKS = []
        for point in entry_points(group=HOOK_GROUP):
            try:
                _HOOKS.append(point.load())
            except Exception:  # a broken plugin must not break the warehouse
                log.warning("pairlab: query hook %s could not load", point.value, exc_info=True)
    return _HOOKS


def _tell(queries: list[str], dialect: str) -> None:
    """Give every hook each SQL text; a failing hook is logged, the query's result stands."""
    for sql in queries:
        for hook in _hooks():
            try:
                hook(Query(sql, dialect))
            except Exception:
                log.warning("pairlab: query hook %r failed", hook, exc_info=True)


def _runner(method: Callable[..., Any], name: str, dialect: str) -> Callable[..., Any]:
    """Wrap a method that runs a query: the outermost call tells the hooks what SQL it ran."""

    @functools.wraps(method)
    def run(*args: Any, **kwargs: Any) -> Any:
        if _running.get() is not None:  # called by another runner: that one tells
            return method(*args, **kwargs)
        ran: list[str] = []
        token = _running.set(ran)
        try:
            result = method(*args, **kwargs)
        finally:
            _running.reset(token)
        if name == "raw_sql" and args:
            sql = args[0]
            ran = [sql if isinstance(sql, str) else str(sql.sql(dialect=dialect))]
        _tell(ran, dialect)
        return result

    return run


def _compiler(method: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap `compile`: inside a runner, keep the SQL it returns for the hooks."""

    @functools.wraps(method)
    def compile_(*args: Any, **kwargs: Any) -> Any:
        sql = method(*args, **kwargs)
        ran = _running.get()
        if ran is not None and isinstance(sql, str):
            ran.append(sql)
        return sql

    return compile_


def watch(con: BaseBackend) -> BaseBackend:
    """Return `con`, its queries told to the declared query hooks (none declared: untouched)."""
    if not _hooks():
        return con
    dialect = str(getattr(con, "name", "") or "")
    for name in RUNNERS:
        method = getattr(con, name, None)
        if callable(method):
            setattr(con, name, _runner(method, name, dialect))
    if callable(getattr(con, "compile", None)):
        con.compile = _compiler(con.compile)
    return con
