"""The catalog route: GET /pairlab/catalog/similar?path=<notebook> lists overlapping products."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import tornado.web

from pairlab.catalog.tables import imported_modules, tables_in_cells
from pairlab.checks import CheckService, NotebookError
from pairlab.errors import BadInput, PairlabError
from pairlab.server.base import PairlabHandler


def _sources(service: CheckService, path: Path, relative: str) -> list[str]:
    """Return the code of a notebook (its code cells) or of a paired py:percent script."""
    if not path.is_file():
        raise BadInput(f"'{relative}' is a folder, not a notebook", "send an .ipynb or .py file")
    if path.suffix == ".py":
        return [path.read_text(encoding="utf-8", errors="replace")]
    if path.suffix != ".ipynb":
        raise BadInput(f"'{relative}' is not a notebook", "send the path of an .ipynb file")
    try:
        notebook = service.load(path)
    except NotebookError as exc:
        raise BadInput(f"cannot read '{relative}': {exc}", "save it again in JupyterLab") from None
    return [cell.source for cell in notebook.code_cells] if notebook.is_python else []


def _with_local_modules(service: CheckService, path: Path, sources: list[str]) -> list[str]:
    """Add the code of modules imported from beside the notebook (lesson 4's claimsfreq.py)."""
    folder = path.parent.relative_to(service.root)
    for name in imported_modules(sources):
        try:
            module = service.resolve((folder / f"{name}.py").as_posix())
        except PairlabError:  # not a local module (or not one the server may read): skip it
            continue
        sources.append(module.read_text(encoding="utf-8", errors="replace"))
    return sources


def similar(service: CheckService, relative: str) -> dict[str, Any]:
    """Return the tables the notebook queries and the products that already read them."""
    # The ODCS and pydantic models load with the catalog: on first use, not at server start.
    from pairlab.catalog.index import cached_catalog

    path = service.resolve(relative)
    sources = _with_local_modules(service, path, _sources(service, path, relative))
    tables = tables_in_cells(sources)
    catalog = cached_catalog()
    found = catalog.overlap(tables) if tables else []
    products = []
    for item in found:
        data = item.to_json()
        del data["path"]  # where the catalog lives on the server is no business of the page
        products.append({**data, "tables": sorted(item.targets)})
    return {"path": relative, "tables": tables, "products": products}


class SimilarHandler(PairlabHandler):
    """Products overlapping the tables the open notebook queries, for the guide's sidebar."""

    @tornado.web.authenticated
    async def get(self) -> None:
        """Reply {"path", "tables", "products": [...]} for ?path=<notebook under the root>."""
        relative = self.get_query_argument("path", None)
        if relative is None:
            raise BadInput("missing ?path=", "send the notebook's path relative to the root")
        service = self.service.checks
        service.resolve(relative)  # refuse a bad path at once rather than after queueing
        loop = asyncio.get_running_loop()
        # Indexing the catalog the first time takes a second: keep it off the event loop.
        self.finish(await loop.run_in_executor(service.executor, similar, service, relative))


ROUTES: list[tuple[str, type[PairlabHandler]]] = [("catalog/similar", SimilarHandler)]
