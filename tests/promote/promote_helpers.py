"""Paths and helpers the promotion tests share."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CURRICULUM = Path(__file__).resolve().parents[2] / "curriculum"


def tree(root: Path) -> dict[str, bytes]:
    """Return every file under `root` (git internals aside) with its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }
