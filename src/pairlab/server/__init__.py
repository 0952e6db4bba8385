"""Jupyter Server extension: pairlab's REST routes under <base_url>/pairlab/."""

from __future__ import annotations

from typing import Any

from pairlab.server.handlers import setup_routes


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Name this module as the extension to load."""
    return [{"module": "pairlab.server"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    """Register the routes on the running server."""
    setup_routes(server_app.web_app)
    server_app.log.info("pairlab: routes registered under %spairlab/", server_app.base_url)
