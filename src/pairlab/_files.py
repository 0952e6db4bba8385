"""Atomic file writes that leave nothing behind: the scratch file goes, whatever fails."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from pairlab.errors import BadInput


def check_destination(out: Path) -> None:
    """Refuse a destination that cannot become a file, before any work is done."""
    if out.is_dir():
        raise BadInput(f"{out} is a folder", "name the file to write, e.g. " + str(out / "x.html"))
    for parent in out.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise BadInput(f"{parent} is a file, not a folder", "choose another path")
            if not os.access(parent, os.W_OK | os.X_OK):
                raise BadInput(
                    f"cannot write in {parent}: permission denied",
                    "choose a location you may write to, or fix its permissions",
                )
            break


def write_text_atomic(out: Path, text: str) -> Path:
    """Write `text` to `out` through a scratch file beside it; remove the scratch on failure."""
    check_destination(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    scratch = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        scratch.write_text(text, encoding="utf-8")
        scratch.replace(out)
    except BaseException:
        with contextlib.suppress(OSError):
            scratch.unlink()
        raise
    return out
