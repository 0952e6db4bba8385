"""A scratch copy of the pair's project, where a check's kernel runs may write what they like.

A fresh run executes the notebook's cells, and cells write: a git commit (lesson 7), a report
file (lesson 8), a promoted product (lesson 9). Pressing Check must change nothing the pair has,
so every kernel run of a check happens in a copy of the project, thrown away afterwards.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from pairlab.checks._model import Context

# Caches and environments a run never needs.
_LEFT_OUT = {
    ".ipynb_checkpoints",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
}
# A copy per Check must stay quick; a project larger than this is someone's data lake.
MAX_BYTES = 512 * 1024 * 1024


class ScratchError(Exception):
    """The scratch copy could not be made; the message names the file and the fix."""


def _ignore(folder: str, names: list[str]) -> set[str]:
    """Return the names copytree leaves out of `folder`."""
    # `.pairlab/` holds what promote and lesson new wrote (their manifests, which a run
    # needs) and, at a server's root, the server's SQLite database, which it does not.
    in_state = Path(folder).name == ".pairlab"
    return {n for n in names if n in _LEFT_OUT or (in_state and n.startswith("pairlab.db"))}


def _root(ctx: Context) -> Path:
    """Return the folder to copy: the project when it holds the notebook, else its folder."""
    folder = ctx.folder.resolve()
    project = ctx.project.resolve()
    return project if folder.is_relative_to(project) else folder


class _Budget:
    """Copy files while counting bytes; stop once the copy grows beyond MAX_BYTES."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.used = 0

    def copy(self, src: str, dst: str) -> str:
        """Copy one file with its times, as copytree's copy_function."""
        self.used += os.stat(src, follow_symlinks=False).st_size
        if self.used > MAX_BYTES:
            raise ScratchError(
                f"{self.root} holds more than {MAX_BYTES // 2**20} MB (reached at {src}), too "
                "much to copy for a fresh run; move large data files out of the project folder"
            )
        return str(shutil.copy2(src, dst, follow_symlinks=False))


def scratch_copy(ctx: Context, into: Path) -> Path:
    """Copy the notebook's project into `into`; return the notebook's folder inside the copy."""
    root = _root(ctx)
    budget = _Budget(root)
    target = into / root.name
    try:
        shutil.copytree(root, target, symlinks=True, ignore=_ignore, copy_function=budget.copy)
    except shutil.Error as exc:
        src, _, why = exc.args[0][0] if exc.args and exc.args[0] else ("", "", str(exc))
        raise ScratchError(
            f"pairlab could not copy {src} into a scratch folder for a fresh run ({why}); "
            "make it readable, or move it out of the project folder"
        ) from exc
    except OSError as exc:
        where = exc.filename or root
        raise ScratchError(
            f"pairlab could not copy {where} into a scratch folder for a fresh run "
            f"({exc.strerror or exc}); free some disk space or make the file readable"
        ) from exc
    return target / ctx.folder.resolve().relative_to(root)
