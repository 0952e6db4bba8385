"""Jupyter Server extension: pairlab's REST routes under <base_url>/pairlab/."""

from __future__ import annotations

from typing import Any

from pairlab.server.base import SERVICE_KEY
from pairlab.server.handlers import setup_routes

FORWARDER_KEY = "pairlab_forwarder"
REUSE_KEY = "pairlab_reuse_watch"


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Name this module as the extension to load."""
    return [{"module": "pairlab.server"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    """Register the routes; under JupyterHub with the cohort service, forward session events."""
    from pairlab.hub import forwarder_from_env
    from pairlab.server.reuse import watch_reuse

    setup_routes(server_app.web_app)
    server_app.log.info("pairlab: routes registered under %spairlab/", server_app.base_url)
    service = server_app.web_app.settings[SERVICE_KEY]
    server_app.web_app.settings[REUSE_KEY] = watch_reuse(service, server_app.log)
    forwarder = forwarder_from_env(service.root, logger=server_app.log)
    if forwarder is not None:
        service.on_event = forwarder.submit
        server_app.web_app.settings[FORWARDER_KEY] = forwarder
        server_app.log.info("pairlab: forwarding session events to %s", forwarder.url)


def _unload_jupyter_server_extension(server_app: Any) -> None:
    """Stop check workers and close the session database when the server stops."""
    watch = server_app.web_app.settings.get(REUSE_KEY)
    if watch is not None:
        watch.stop()  # first: its drain writes to the session database
    service = server_app.web_app.settings.get(SERVICE_KEY)
    if service is not None:
        service.close()
    forwarder = server_app.web_app.settings.get(FORWARDER_KEY)
    if forwarder is not None:
        forwarder.close()
