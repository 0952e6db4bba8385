"""Reuse seen in a pairing session: a read of another team's product logs `product-reused`.

The lab server knows the sessions; its kernels know the reads. At start the server names a
folder of its own in $PAIRLAB_LAB_READS, which every kernel it starts inherits; the read hook
appends each read there (the outbox's one-line write, never failing the read). The server
drains the folder now and then and logs `product-reused` in the newest open session, once per
session and product, when the product's owning team is not the session's team.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any

from pairlab._files import new_scratch_folder
from pairlab.program import Program, PublishedProduct, owns
from pairlab.sessions import Session
from pairlab.sessions.store import SessionStore
from pairlab.usage import _outbox

log = logging.getLogger(__name__)
LAB_ENV = "PAIRLAB_LAB_READS"
KIND = "product-reused"


def open_lab_reads() -> Path:
    """Make this server's folder of kernel reads and name it to the kernels it will start."""
    folder = new_scratch_folder("pairlab-lab-reads-")
    os.environ[LAB_ENV] = str(folder)  # kernels inherit the server's environment
    return folder


def close_lab_reads(folder: Path) -> None:
    """Remove the folder and, if it is still the one named, its name from the environment."""
    if os.environ.get(LAB_ENV) == str(folder):
        del os.environ[LAB_ENV]
    shutil.rmtree(folder, ignore_errors=True)


def note_lab_read(product: str, port: str, pipeline: str | None) -> None:
    """Tell the lab server running this kernel (if any) that `product` was read; never fail."""
    folder = os.environ.get(LAB_ENV, "").strip()
    if not folder or pipeline:  # a product's build reading is not the pair at work
        return
    try:
        where = os.environ.get("JPY_SESSION_NAME", "")  # the notebook, as Jupyter Server names it
        _outbox.put(Path(folder), {"product": product, "port": port, "path": where})
    except Exception:
        log.warning("pairlab: could not tell the lab about a read of %s", product, exc_info=True)


def _session_teams(session: Session) -> set[str]:
    """Return the session's team ids: its place in the program, else its participants' teams."""
    if session.team:
        return {session.team}
    return {p.team for p in session.participants if p.team}


def _another_teams(
    product: PublishedProduct | None, session: Session, program: Program | None
) -> bool:
    """Return whether the product belongs to a team and that team is not the session's."""
    teams = _session_teams(session)
    if product is None or not product.team or not teams:
        return False  # whose product or whose session is unknown: no claim of reuse
    for team_id in teams:
        team = program.team(team_id) if program else None
        if team_id.casefold() == product.team.casefold():
            return False
        if team is not None and owns(team, product):
            return False
    return True


def _relative(path: str, root: Path | None) -> str:
    """Return the notebook's path under the server root, or "" when it is not under it."""
    if not path or root is None:
        return ""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return ""


def _logged(store: SessionStore, session_id: str) -> set[str]:
    """Return the products the session has logged as reused."""
    return {str(e.data.get("product")) for e in store.events(session_id) if e.kind == KIND}


def log_session_reuse(
    store: SessionStore,
    folder: Path,
    products: list[PublishedProduct] | None = None,
    program: Program | None = None,
    root: Path | None = None,
) -> int:
    """Drain the kernels' reads; log `product-reused` in the newest open session; count new.

    A read's notebook is logged as a path under `root` (the server's), never outside it.
    """
    if not _outbox.pending(folder):
        return 0
    open_ = [s for s in store.sessions() if s.ended_at is None]
    if products is None:
        from pairlab.program import catalog_products
        from pairlab.usage._identity import program_here

        products, program = catalog_products(), program_here()
    by_id = {p.id: p for p in products}

    def deliver(items: list[dict[str, Any]]) -> int:
        if not open_:
            return 0  # reads outside a session are not a session's reuse
        session = max(open_, key=lambda s: s.started_at)
        seen, new = _logged(store, session.id), 0
        for item in items:
            product = str(item.get("product", ""))
            if product in seen or not _another_teams(by_id.get(product), session, program):
                continue
            owner = by_id[product].team
            data = {"product": product, "port": str(item.get("port", "")), "team": owner}
            where = _relative(str(item.get("path") or ""), root)
            if where:
                data["path"] = where
            store.record(session.id, KIND, data)
            seen.add(product)
            new += 1
        return new

    return _outbox.drain(folder, deliver)
