"""Forward each recorded session event to the hub's cohort service through an on-disk outbox.

The local store stays the guide's source of truth; the outbox only makes delivery survive a
restart of the service (or of this server): an event is a file until the service said 2xx.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pairlab._files import write_text_atomic

log = logging.getLogger(__name__)

URL_ENV = "PAIRLAB_COHORT_URL"  # the service's base URL, set for each user's server by the hub
INGEST = "api/events"
OUTBOX = Path(".pairlab") / "outbox"  # under the server root, beside the session database
REFUSED = "refused"  # posts the service refused for good are kept here, never dropped
UNREADABLE = "unreadable"  # entries that are no event file (a folder, a link, bad JSON)
FIRST_DELAY, MAX_DELAY = 0.5, 10.0


class Forwarder:
    """Write each event into the outbox, and post the outbox in order from one thread."""

    def __init__(
        self,
        outbox: Path,
        url: str,
        user: str,
        token: str,
        timeout: float = 10,
        logger: logging.Logger | logging.LoggerAdapter[logging.Logger] | None = None,
    ) -> None:
        self.outbox, self.url, self.user = outbox, url, user
        self._token, self._timeout = token, timeout
        self.log = logger or log  # the server's own log, when the server extension makes it
        self.outbox.mkdir(parents=True, exist_ok=True)
        self._seq = itertools.count()
        self._wake, self._stop = threading.Event(), threading.Event()
        self._down = False  # say once that the service is unreachable, not on every retry
        self._skipped: set[Path] = set()  # entries that could not even be moved aside
        self._thread = threading.Thread(target=self._run, name="pairlab-forwarder", daemon=True)
        self._thread.start()

    def submit(self, item: Mapping[str, Any]) -> None:
        """Put one {"session", "event"} into the outbox (atomically) and wake the sender."""
        name = f"{time.time_ns():020d}-{next(self._seq):06d}.json"
        write_text_atomic(self.outbox / name, json.dumps({"user": self.user, **item}), check=False)
        self._wake.set()

    def pending(self) -> list[Path]:
        """Return the events not yet delivered, oldest first."""
        return sorted(p for p in self.outbox.glob("*.json") if p not in self._skipped)

    def close(self) -> None:
        """Stop sending; what is left stays in the outbox for the next start."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=self._timeout + 1)

    def _run(self) -> None:
        """Send the outbox; when the service is down, retry with a growing delay.

        Nothing may end this thread but close(): a bug or a disk error is logged and retried.
        """
        delay = FIRST_DELAY
        while not self._stop.is_set():
            self._wake.clear()
            try:
                sent = self.flush()
            except Exception:  # the thread must outlive any one bad entry or error
                self.log.exception("pairlab: forwarding to the cohort service failed; retrying")
                sent = False
            if sent:
                delay = FIRST_DELAY
                self._wake.wait(timeout=30)  # a submit wakes it; the timeout sweeps leftovers
            else:
                self._stop.wait(delay)
                delay = min(delay * 2, MAX_DELAY)

    def flush(self) -> bool:
        """Post every pending event in order; return whether the outbox is now empty."""
        for path in self.pending():
            if self._stop.is_set():
                return False
            body = self._read(path)
            if body is None:
                continue
            if not self._post(path, body):
                return False
            path.unlink(missing_ok=True)
        return True

    def _read(self, path: Path) -> bytes | None:
        """Return an entry's JSON; set aside (and say) what is no event file we wrote."""
        try:
            if path.is_symlink() or not path.is_file():  # a folder, a FIFO, a link: not ours
                raise IsADirectoryError(f"{path.name} is not a regular file")
            body = path.read_bytes()
            json.loads(body)
        except FileNotFoundError:  # sent and removed meanwhile
            return None
        except (OSError, ValueError) as exc:
            self._put_aside(path, UNREADABLE, f"cannot read it ({exc})")
            return None
        return body

    def _put_aside(self, path: Path, folder_name: str, why: str) -> None:
        """Move an entry out of the outbox's way, keeping it for a person to look at."""
        folder = self.outbox / folder_name
        folder.mkdir(exist_ok=True)
        try:
            path.replace(folder / path.name)
        except OSError as exc:  # cannot even move it: leave it, and never read it again
            self._skipped.add(path)
            why += f"; cannot move it ({exc.strerror})"
        self.log.warning("pairlab: outbox entry %s skipped: %s; kept in %s", path.name, why, folder)

    def _post(self, path: Path, body: bytes) -> bool:
        """Post one event; True when it is delivered or set aside as refused."""
        request = urllib.request.Request(  # noqa: S310 (the hub's http URL, from its env)
            self.url,
            data=body,
            method="POST",
            headers={"Authorization": f"token {self._token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self._timeout):  # noqa: S310 (hub's URL)
                pass
        except urllib.error.HTTPError as exc:
            if 400 <= exc.code < 500 and exc.code not in (408, 425, 429):
                self._set_aside(path, exc)
                return True
            return self._unreachable(f"HTTP {exc.code}")
        except (urllib.error.URLError, OSError) as exc:
            return self._unreachable(str(getattr(exc, "reason", exc)))
        if self._down:
            self.log.info("pairlab: the cohort service at %s answers again", self.url)
            self._down = False
        return True

    def _unreachable(self, why: str) -> bool:
        """Say once that the service is not answering; the event stays in the outbox."""
        if not self._down:
            self.log.warning(
                "pairlab: cannot reach the cohort service at %s (%s); %d event(s) wait in %s",
                self.url, why, len(self.pending()), self.outbox,
            )  # fmt: skip
            self._down = True
        return False

    def _set_aside(self, path: Path, exc: urllib.error.HTTPError) -> None:
        """Keep a refused event beside the outbox, so one bad event never blocks the rest."""
        try:
            reason = json.loads(exc.read() or b"{}").get("error", "")
        except (ValueError, AttributeError, OSError):
            reason = ""
        folder = self.outbox / REFUSED
        folder.mkdir(exist_ok=True)
        path.replace(folder / path.name)
        self.log.warning(
            "pairlab: the cohort service refused %s (HTTP %d: %s); kept in %s",
            path.name, exc.code, reason, folder,
        )  # fmt: skip


def ingest_url(base: str) -> str:
    """Return the ingest route under the service's base URL."""
    return f"{base.rstrip('/')}/{INGEST}"


def forwarder_from_env(
    root: Path, environ: Mapping[str, str] = os.environ, logger: Any = None
) -> Forwarder | None:
    """Return a forwarder when this server runs under JupyterHub with the cohort service set."""
    base, user = environ.get(URL_ENV), environ.get("JUPYTERHUB_USER")
    token = environ.get("JUPYTERHUB_API_TOKEN")
    if not (base and user and token):
        return None
    return Forwarder(root / OUTBOX, ingest_url(base), user, token, logger=logger)
