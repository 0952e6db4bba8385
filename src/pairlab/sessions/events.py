"""What a browser posts to a session's log: checked once, then credited, stamped or de-duplicated.

The rules of the pairing live here, not in the route: a cell run is credited by the session
(`attribute_run`), a rotation prompt is stamped with the session's turn and kept once per
person and turn (`stamp_prompt`, `earlier_prompt`).
"""

from __future__ import annotations

from typing import Any

from pairlab._paths import relative_path
from pairlab.errors import BadInput, PairlabError
from pairlab.sessions.model import Event, earlier_prompt, parse_event, stamp_prompt
from pairlab.sessions.store import SessionStore
from pairlab.sessions.summary import attribute_run


def require_relative(path: Any) -> None:
    """Accept only a notebook path relative to the server root that stays inside it."""
    if not isinstance(path, str) or not path.strip():
        raise BadInput("'path' is missing", "send the notebook's path relative to the server root")
    try:
        relative_path(path, allow_hidden=True)  # the guard every route uses; a key, not a read
    except PairlabError as exc:
        problem = f"path {path!r} is not inside the server root ({exc.problem})"
        raise BadInput(problem, "send the lab's path") from None


def parse_client_event(body: Any) -> tuple[str, dict[str, Any]]:
    """Return (kind, data) of a posted event, its kind and fields checked, its path a key."""
    kind, data = parse_event(body)
    path = data.get("path")
    if path is not None:
        require_relative(path)
    return kind, data


def receive(store: SessionStore, session_id: str, body: Any) -> tuple[Event, bool]:
    """Record an event a browser sent, by the session's rules; return it and whether it is new.

    A rotation prompt this browser's person already logged for this turn (a reload) is not
    logged twice: the earlier one comes back, not new.
    """
    kind, data = parse_client_event(body)
    if kind == "cell-executed":
        data = attribute_run(store.get(session_id), data)
    elif kind == "rotation-prompted":
        data = stamp_prompt(store.get(session_id), data)
        seen = earlier_prompt(store.events(session_id, 0), data)
        if seen is not None:
            return seen, False
    return store.record(session_id, kind, data), True
