"""Log `product-reused` in the pair's session from the reads this lab's kernels make."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tornado.ioloop import PeriodicCallback

SECONDS = 2.0  # how soon a read shows in the session's log


@dataclass
class ReuseWatch:
    """The periodic drain of the kernels' reads, and their folder."""

    callback: PeriodicCallback
    folder: Path

    def stop(self) -> None:
        """Stop draining and remove the folder."""
        from pairlab import usage

        self.callback.stop()
        usage.close_lab_reads(self.folder)


def watch_reuse(service: Any, logger: Any) -> ReuseWatch:
    """Name a reads folder to the kernels to come, and drain it into the sessions every while."""
    from pairlab import usage

    folder = usage.open_lab_reads()

    def tick() -> None:
        try:
            usage.log_session_reuse(service.store, folder, root=service.root)
        except Exception:  # the next tick tries again; the lab must not suffer for it
            logger.warning("pairlab: could not log product reuse in the session", exc_info=True)

    callback = PeriodicCallback(tick, SECONDS * 1000)
    callback.start()
    return ReuseWatch(callback, folder)
