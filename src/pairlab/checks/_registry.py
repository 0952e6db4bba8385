"""The check registry, shaped like papermill's engines: `register()` plus an entry-point group."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from importlib.metadata import entry_points

from pairlab.checks._model import Check
from pairlab.errors import NotFound

ENTRY_POINT_GROUP = "pairlab.checks"
log = logging.getLogger(__name__)


class Registry:
    """Checks by id: pairlab's own, plus any a third party installs under `pairlab.checks`."""

    def __init__(self) -> None:
        self._checks: dict[str, Check] = {}
        self._entry_points_loaded = False
        # Worker threads may ask at once; re-entrant because a plugin may look up checks on import.
        self._lock = threading.RLock()

    def register(self, check: Check) -> Check:
        """Add `check`; an id registered twice is a programming error, so it raises."""
        if check.id in self._checks and self._checks[check.id] is not check:
            raise ValueError(f"check id '{check.id}' is already registered")
        self._checks[check.id] = check
        return check

    def register_entry_points(self) -> None:
        """Load third-party checks once; a broken plugin is logged and skipped, never fatal."""
        with self._lock:
            if not self._entry_points_loaded:
                self._entry_points_loaded = True
                self._load_entry_points()

    def _load_entry_points(self) -> None:
        """Import each entry point of the group and keep the new checks."""
        for point in entry_points(group=ENTRY_POINT_GROUP):
            try:
                check = point.load()
            except Exception as exc:  # a plugin's import error must not break pairlab
                log.warning("pairlab: cannot load check %r: %s", point.name, exc)
                continue
            if isinstance(check, Check) and self._checks.get(check.id, check) is check:
                self._checks[check.id] = check
            else:
                log.warning("pairlab: entry point %r is not a new pairlab Check", point.name)

    def get(self, check_id: str) -> Check:
        """Return the check `check_id`, loading third-party checks if it is not built in."""
        if check_id not in self._checks:
            self.register_entry_points()
        try:
            return self._checks[check_id]
        except KeyError:
            known = ", ".join(sorted(self._checks))
            raise NotFound(f"no check '{check_id}'", f"known checks: {known}") from None

    def __contains__(self, check_id: object) -> bool:
        """Return whether `check_id` names a check (third-party ones included)."""
        if check_id not in self._checks:
            self.register_entry_points()
        return check_id in self._checks

    def __iter__(self) -> Iterator[Check]:
        """Yield every check, built-in ones first in registration order."""
        self.register_entry_points()
        return iter(list(self._checks.values()))


registry = Registry()
register = registry.register
