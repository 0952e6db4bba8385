"""A cohort on JupyterHub: the `pairlab-cohort` hub service, and the forwarder that feeds it.

Each user's pairlab server forwards its session events (outbox on disk, retried); the
service keeps every pair's sessions in one SQLAlchemy store and shows facilitators
`pairlab report`'s page, live.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import secrets
import signal
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pairlab import _process
from pairlab.errors import BadInput
from pairlab.hub._ask import ask_intake, ask_place
from pairlab.hub._forward import Forwarder, forwarder_from_env
from pairlab.lab import port_holder

# The forwarder runs in every user's server; the store and the app (SQLAlchemy, JupyterHub)
# are imported only by the service, which runs where jupyterhub is installed.
__all__ = ["Forwarder", "ask_intake", "ask_place", "forwarder_from_env", "serve"]

SERVICE_NAME = "pairlab-cohort"
DB_ENV = "PAIRLAB_COHORT_DB"
LOG_FORMAT = "[%(levelname)1.1s %(asctime)s %(name)s] %(message)s"
COOKIE_FILE = "cookie_secret"  # a file name, not a secret


def _cookie_secret(folder: Path) -> bytes:
    """Return the service's cookie secret, kept in its folder so logins survive a restart."""
    path = folder / COOKIE_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


async def _run(db: str | None, folder: Path, ip: str | None) -> None:
    """Listen where the hub says (JUPYTERHUB_SERVICE_URL) until SIGTERM or SIGINT."""
    from pairlab.hub._app import make_app
    from pairlab.hub._store import CohortStore, default_url

    where = os.environ["JUPYTERHUB_SERVICE_URL"]
    url = urlparse(where)
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", f"/services/{SERVICE_NAME}/")
    store = CohortStore(db or os.environ.get(DB_ENV) or default_url(folder))
    app = make_app(store, prefix, _cookie_secret(folder))
    port, host = url.port or 80, ip if ip is not None else url.hostname or "127.0.0.1"
    try:
        server = app.listen(port, host)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        holder = port_holder(port) or "another process"
        raise BadInput(
            f"port {port} on {host} is in use by {holder}",
            "stop that process (an old cohort service outliving its hub?), or set another port",
        ) from None
    logging.getLogger("pairlab.hub").info(
        "pairlab-cohort: serving %s on %s (%d events stored)", prefix, where, store.count()
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.run_in_executor(None, _warm_up, store)  # meanwhile the service takes posts
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.stop()
    store.close()


def _warm_up(store: Any) -> None:
    """Judge the held program once at start, so the first facilitator does not wait for it."""
    from pairlab.hub._program import current_status

    log = logging.getLogger("pairlab.hub")
    start = time.monotonic()
    try:
        status, notice = current_status(store)
    except Exception:  # a warm-up that fails costs the first visit its wait, nothing more
        log.exception("pairlab-cohort: judging the program at start failed")
        return
    said = notice or f"{len(status.teams) if status else 0} teams"
    took = time.monotonic() - start
    log.info("pairlab-cohort: program judged at start in %.1f s (%s)", took, said)


def serve(db: str | None = None, folder: Path | None = None, ip: str | None = None) -> None:
    """Run the cohort service (started by the hub as the managed service `pairlab-cohort`).

    It listens on the host and port of JUPYTERHUB_SERVICE_URL, or on `ip` (e.g. 0.0.0.0 in a
    hub pod, whose service URL names the pod's Kubernetes service).
    """
    if not os.environ.get("JUPYTERHUB_SERVICE_URL"):
        raise BadInput(
            "JUPYTERHUB_SERVICE_URL is not set: the cohort service runs as a hub service",
            "add it to c.JupyterHub.services (see deploy/jupyterhub/jupyterhub_config.py)",
        )
    # The hub started it: when the hub dies (even by SIGKILL), so does it, freeing its port.
    _process.die_with_parent(signal.SIGTERM)
    # Its own lines at INFO; others' (tornado, JupyterHub's auth, alembic) from WARNING up.
    logging.basicConfig(level=logging.WARNING, format=LOG_FORMAT)
    logging.getLogger("pairlab.hub").setLevel(logging.INFO)
    asyncio.run(_run(db, (folder or Path.cwd()).resolve(), ip))
