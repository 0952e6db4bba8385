"""The catalog route: GET /pairlab/catalog/similar?path=<notebook> lists overlapping products."""

from __future__ import annotations

import asyncio

import tornado.web

from pairlab.catalog.similar import similar_products
from pairlab.errors import BadInput
from pairlab.locale import _
from pairlab.server.base import PairlabHandler


class SimilarHandler(PairlabHandler):
    """Products overlapping the tables the open notebook queries, for the guide's sidebar."""

    @tornado.web.authenticated
    async def get(self) -> None:
        """Reply {"path", "tables", "products": [...]} for ?path=<notebook under the root>."""
        relative = self.get_query_argument("path", None)
        if relative is None:
            raise BadInput(_("missing ?path="), _("send the notebook's path relative to the root"))
        service = self.service.checks
        service.resolve(relative)  # refuse a bad path at once rather than after queueing
        loop = asyncio.get_running_loop()
        # Indexing the catalog the first time takes a second: keep it off the event loop.
        found = await loop.run_in_executor(
            service.executor,
            lambda: similar_products(
                service.root, relative, loader=service.load, allow_hidden=service.allow_hidden
            ),
        )
        self.finish(found)


ROUTES: list[tuple[str, type[PairlabHandler]]] = [("catalog/similar", SimilarHandler)]
