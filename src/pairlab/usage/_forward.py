"""On a hub, send this process's reads to the cohort service by themselves: no manual flush.

A user's server on JupyterHub has the service's URL ($PAIRLAB_COHORT_URL) and its API token
($JUPYTERHUB_API_TOKEN), and so has every kernel it starts. The first read recorded in such a
process starts one background thread that posts the outbox every $PAIRLAB_USAGE_FORWARD_SECONDS
(default 30) and once more when the process exits (a kernel shut down), as session events are
forwarded. A service that is down costs nothing but a log line: the reads stay in the outbox on
disk and go with the next post, from this process or any later one.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading

from pairlab.errors import PairlabError
from pairlab.usage._hub import TOKEN_ENV, URL_ENV, flush_to_hub
from pairlab.usage._queries import settle

log = logging.getLogger(__name__)
SECONDS_ENV = "PAIRLAB_USAGE_FORWARD_SECONDS"
DEFAULT_SECONDS = 30.0
_started: set[int] = set()  # the pids whose thread runs (a forked child starts its own)
_lock = threading.Lock()


def _seconds() -> float:
    """Return the interval between posts ($PAIRLAB_USAGE_FORWARD_SECONDS, else 30)."""
    try:
        return max(0.1, float(os.environ.get(SECONDS_ENV, DEFAULT_SECONDS)))
    except ValueError:
        return DEFAULT_SECONDS


def forward_once() -> int:
    """Post what waits now (queries parsed first); log, never raise, when it cannot."""
    try:
        settle()
        return flush_to_hub()
    except PairlabError as exc:  # the service is down or refused: the reads stay on disk
        log.info("pairlab: reads not sent to the cohort service yet: %s", exc)
    except Exception:  # forwarding must never take the reader's process down
        log.warning("pairlab: could not send reads to the cohort service", exc_info=True)
    return 0


def _run(stop: threading.Event) -> None:
    """Post the outbox every interval until the process ends."""
    while not stop.wait(_seconds()):
        forward_once()


def ensure_forwarding() -> bool:
    """Start the sender once per process when on a hub; return whether one runs."""
    if not os.environ.get(URL_ENV, "").strip() or not os.environ.get(TOKEN_ENV, "").strip():
        return False
    pid = os.getpid()
    if pid in _started:
        return True
    with _lock:
        if pid not in _started:
            stop = threading.Event()
            thread = threading.Thread(target=_run, args=(stop,), name="pairlab-usage-forward",
                                      daemon=True)  # fmt: skip
            thread.start()
            atexit.register(forward_once)  # the kernel shuts down: send what is left
            atexit.register(stop.set)  # runs first (atexit is last in, first out)
            _started.add(pid)
    return True
