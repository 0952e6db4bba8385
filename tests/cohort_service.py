"""The cohort service as it runs on a hub, on loopback, for the tests of its views and APIs.

The service runs its real app (make_app, JupyterHub's HubOAuth, a cohort store); the hub API
it asks who a token belongs to (`GET /hub/api/user`) is a small loopback app answering each
token's user model as JupyterHub does, 403 for a token it does not know. Each runs on an event
loop of its own thread: the service asks the hub synchronously, as HubAuth does in a handler.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import tornado.web
from jupyterhub.services.auth import HubOAuth

from pairlab.hub._app import make_app
from pairlab.hub._store import CohortStore
from pairlab.lab import free_port

PREFIX = "/services/pairlab-cohort/"
ACCESS = "access:services!service=pairlab-cohort"


class HubUserApi(tornado.web.RequestHandler):
    """JupyterHub's `GET /hub/api/user`: the token's owner and scopes, 403 for a bad token."""

    def initialize(self, tokens: Mapping[str, dict[str, Any]]) -> None:
        self.tokens = tokens

    def get(self) -> None:
        token = self.request.headers.get("Authorization", "").removeprefix("token ")
        if token not in self.tokens:
            raise tornado.web.HTTPError(403)
        self.finish(self.tokens[token])


def _on(loop: asyncio.AbstractEventLoop, job: Any) -> Any:
    """Run a coroutine on a loop's thread and return its result."""
    return asyncio.run_coroutine_threadsafe(job, loop).result(timeout=30)


@contextmanager
def running_cohort_service(
    store: CohortStore, tokens: Mapping[str, dict[str, Any]]
) -> Iterator[int]:
    """Serve `store` as the cohort service and the hub's user API for `tokens`; yield its port."""
    hub_port, port = free_port(), free_port()
    loops = [asyncio.new_event_loop() for _ in range(2)]
    threads = [threading.Thread(target=loop.run_forever, daemon=True) for loop in loops]
    for thread in threads:
        thread.start()

    async def start_hub() -> Any:
        app = tornado.web.Application([("/hub/api/user", HubUserApi, {"tokens": tokens})])
        return app.listen(hub_port, "127.0.0.1")

    async def start_service() -> Any:
        HubOAuth.clear_instance()
        HubOAuth.instance(
            api_url=f"http://127.0.0.1:{hub_port}/hub/api", api_token="service-token",
            oauth_client_id="service-pairlab-cohort", access_scopes={ACCESS},
            base_url=PREFIX, hub_prefix="/hub/", cache_max_age=0,
        )  # fmt: skip
        return make_app(store, PREFIX, b"k" * 32).listen(port, "127.0.0.1")

    async def stop(server: Any) -> None:
        server.stop()
        await server.close_all_connections()

    servers = [_on(loops[0], start_hub()), _on(loops[1], start_service())]
    try:
        yield port
    finally:
        for server, loop, thread in zip(servers, loops, threads, strict=True):
            _on(loop, stop(server))
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            loop.close()
        HubOAuth.clear_instance()
