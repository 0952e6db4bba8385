"""What a caller sees of a running check, and how it stops one: progress out, cancel in.

The guide shows which cell a check's kernel run is on and lets the pair cancel it; the CLI
and `pairlab curriculum run` pass no watch. A watch crosses threads (checks run side by
side), so it is a plain object handed down with the request, not a context variable.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pairlab.errors import Cancelled


@dataclass(frozen=True)
class Progress:
    """Where a check's run is: the check, the notebook, the cell running (1-based) of how many."""

    check: str
    notebook: str | None
    cell: int
    of: int
    cell_id: str | None
    elapsed: float

    def to_json(self) -> dict[str, object]:
        """Return the progress as JSON-ready data (the server's job reply)."""
        return {
            "check": self.check,
            "notebook": self.notebook,
            "cell": self.cell,
            "of": self.of,
            "cell_id": self.cell_id,
            "elapsed": round(self.elapsed, 1),
        }


@dataclass
class Watch:
    """One request's watch: `on_progress` hears where runs are; `cancel()` stops them."""

    on_progress: Callable[[Progress], None] | None = None
    started: float = field(default_factory=time.monotonic)
    _cancelled: threading.Event = field(default_factory=threading.Event)

    @property
    def cancelled(self) -> bool:
        """Return whether the caller asked to stop."""
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Ask every run under this watch to stop (runs kill their kernels and processes)."""
        self._cancelled.set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`, waking early on cancel; return whether it was cancelled."""
        return self._cancelled.wait(seconds)

    def raise_if_cancelled(self) -> None:
        """Raise Cancelled when the caller asked to stop."""
        if self.cancelled:
            raise Cancelled("the check was cancelled", "press Check again to run it")

    def tell(self, progress: Progress) -> None:
        """Pass progress on to the caller, if it listens."""
        if self.on_progress is not None:
            self.on_progress(progress)
