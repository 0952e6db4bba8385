"""A second warehouse: another seed, other defect counts, so a typed-in answer shows itself.

An answer copied from the docs or an assert's message equals the reference on the pair's own
warehouse; only on a warehouse with other numbers does it differ from a computed one. The
second warehouse is the default scale with another seed, generated once beside the first.
"""

from __future__ import annotations

import threading
from pathlib import Path

from pairlab._files import can_write, temp_root
from pairlab.errors import BadInput
from pairlab.warehouse import default_path, generate
from pairlab.warehouse.generator import DEFAULT_SCALE

# Seed 7 at scale 0.01 differs from the default seed 42 in every planted defect's count.
SECOND_SEED = 7
_LOCK = threading.Lock()


def _writable(folder: Path) -> Path:
    """Return `folder` when the second warehouse can be written there, else a temp folder."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        writable = can_write(folder)
    except OSError:
        writable = False
    return folder if writable else temp_root()


def second_warehouse() -> Path:
    """Return the second warehouse's file, generating it the first time (about 0.1 s)."""
    folder = _writable(default_path().parent)
    path = folder / f"warehouse-check-seed-{SECOND_SEED}.duckdb"
    with _LOCK:
        if not path.is_file():
            try:
                generate(path, DEFAULT_SCALE, SECOND_SEED)
            except BadInput:
                if not path.is_file():  # another process wrote it in the meantime: fine
                    raise
    return path


def second_warehouse_env() -> dict[str, str]:
    """Return the environment that points `pairlab.warehouse.connect()` at the second one."""
    # An empty URL counts as unset: connect() then opens the embedded file at the path.
    return {"PAIRLAB_WAREHOUSE_URL": "", "PAIRLAB_WAREHOUSE_PATH": str(second_warehouse())}
