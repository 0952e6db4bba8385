"""The one writer: atomic file writes and scratch folders, cleaned up on every way out.

Everything in pairlab that replaces a file in place or needs a scratch file or folder comes
here (ruff's banned-api keeps `os.replace`, `os.rename` and `tempfile` out of the rest of
src/): the new content goes to a scratch file beside the target, is flushed to disk
(`fsync`), and is renamed over the target in one step, so a reader sees the old file or the
new one, never half of either. Whatever fails on the way, the scratch file goes.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from pairlab.errors import BadInput

CACHE_ENV = "PAIRLAB_CACHE_DIR"


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


def _scratch_beside(out: Path) -> Path:
    """Return a scratch name beside `out`, hidden and unique to this process and thread."""
    return out.with_name(f".{out.name}.{os.getpid()}.{threading.get_ident()}.tmp")


def _sync(path: Path) -> None:
    """Flush a file's content to disk, so the rename never publishes an empty file."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def replacing(out: Path) -> Iterator[Path]:
    """Yield a scratch path beside `out`; when the block succeeds, move it over `out` at once.

    For writers that take a path (a database engine, numpy): they fill the scratch file, and
    nothing of it is left behind when they, or the rename, fail.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    scratch = _scratch_beside(out)
    try:
        yield scratch
        _sync(scratch)
        os.replace(scratch, out)
    finally:
        with contextlib.suppress(OSError):
            scratch.unlink()  # gone after a rename; else the failure's leftover


def write_bytes_atomic(out: Path, data: bytes, *, check: bool = True) -> Path:
    """Write `data` to `out` through a synced scratch file beside it; nothing left on failure."""
    if check:
        check_destination(out)
    with replacing(out) as scratch:
        scratch.write_bytes(data)
    return out


def write_text_atomic(out: Path, text: str, *, check: bool = True) -> Path:
    """Write `text` (UTF-8) to `out` atomically, as `write_bytes_atomic` does."""
    return write_bytes_atomic(out, text.encode("utf-8"), check=check)


def move(source: Path, target: Path) -> None:
    """Rename `source` over `target` in one step (both on one file system)."""
    os.replace(source, target)


@contextlib.contextmanager
def scratch_folder(prefix: str) -> Iterator[Path]:
    """Yield a new private folder under the system's temp folder; remove it on every exit."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        yield Path(folder)


def new_scratch_folder(prefix: str, parent: Path | None = None) -> Path:
    """Return a new private folder (under `parent`, else the temp folder) the caller removes."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))


def can_write(folder: Path) -> bool:
    """Return whether a file can be made in `folder`: tried, not guessed from permissions."""
    try:
        with tempfile.NamedTemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def temp_root() -> Path:
    """Return the system's temp folder (where scratch folders go)."""
    return Path(tempfile.gettempdir())


def cache_dir() -> Path:
    """Return pairlab's cache folder: $PAIRLAB_CACHE_DIR, else the user's cache folder."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    import platformdirs

    return Path(platformdirs.user_cache_dir("pairlab"))
