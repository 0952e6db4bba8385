"""The one way pairlab opens a SQLAlchemy database: the cohort's, the usage reads', the intake's."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from pairlab.errors import BadInput


def _sqlite_pragmas(conn: Any, _record: Any) -> None:
    """Use WAL (readers never wait on the writer) and wait for a lock rather than fail."""
    cursor = conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def open_engine(url: str, *, what: str, shown: str, fix: str) -> sa.Engine:
    """Return the engine of a SQLAlchemy URL (SQLite in WAL mode), or BadInput naming `what`.

    `shown` is the URL as a message may show it (masked by the caller's one masking function).
    """
    try:
        engine = sa.create_engine(url)
    except (sa.exc.ArgumentError, ImportError, ValueError) as exc:
        # The driver's words may quote the URL: name it masked, and the error's kind only.
        raise BadInput(f"{what} URL is not usable: {shown} ({type(exc).__name__})", fix) from None
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine
