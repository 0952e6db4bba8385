"""Products that already read the tables a notebook queries: reuse before building."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pairlab._paths import resolve_in_root
from pairlab.catalog.load import cached_catalog
from pairlab.catalog.tables import imported_modules, tables_in_cells
from pairlab.errors import BadInput, PairlabError
from pairlab.notebook import Notebook, NotebookError, load_notebook


def _sources(path: Path, shown: str, loader: Callable[[Path], Notebook]) -> list[str]:
    """Return the code of a notebook (its code cells) or of a paired py:percent script."""
    if not path.is_file():
        raise BadInput(f"'{shown}' is a folder, not a notebook", "send an .ipynb or .py file")
    if path.suffix == ".py":
        return [path.read_text(encoding="utf-8", errors="replace")]
    if path.suffix != ".ipynb":
        raise BadInput(f"'{shown}' is not a notebook", "send the path of an .ipynb file")
    try:
        notebook = loader(path)
    except NotebookError as exc:
        raise BadInput(f"cannot read '{shown}': {exc}", "save it again in JupyterLab") from None
    return [cell.source for cell in notebook.code_cells] if notebook.is_python else []


def _local_modules(root: Path, folder: str, sources: list[str]) -> list[str]:
    """Return the code of modules imported from beside the notebook (lesson 4's claimsfreq.py)."""
    found = []
    for name in imported_modules(sources):
        relative = f"{folder}/{name}.py" if folder not in ("", ".") else f"{name}.py"
        try:
            module = resolve_in_root(root, relative)
        except PairlabError:  # not a local module (or one outside the root): skip it
            continue
        found.append(module.read_text(encoding="utf-8", errors="replace"))
    return found


def similar_products(
    root: Path,
    relative: str,
    *,
    loader: Callable[[Path], Notebook] = load_notebook,
    allow_hidden: bool = False,
) -> dict[str, Any]:
    """Return the tables the notebook at `relative` (under `root`) queries, and who reads them."""
    root = root.resolve()
    path = resolve_in_root(root, relative, allow_hidden=allow_hidden)
    sources = _sources(path, relative, loader)
    folder = path.parent.relative_to(root).as_posix()
    tables = tables_in_cells(sources + _local_modules(root, folder, sources))
    found = cached_catalog().overlap(tables) if tables else []
    products = []
    for item in found:
        data = item.to_json()
        del data["path"]  # where the catalog lives on the server is no business of the page
        products.append({**data, "tables": sorted(item.targets)})
    return {"path": relative, "tables": tables, "products": products}
