"""The one path guard: every file a request reaches stays inside the server root."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path, PurePosixPath
from typing import Any

from pairlab.errors import BadInput, Forbidden, NotFound

_DRIVE = re.compile(r"^[A-Za-z]:")
MAX_PATH_CHARS = 4096  # PATH_MAX: longer cannot name a file, so it is bad input, not a 500


def relative_path(relative: Any, *, allow_hidden: bool = False) -> PurePosixPath:
    """Return `relative` as a path below the root, judged by its text alone; or refuse it."""
    if not isinstance(relative, str) or not relative.strip():
        raise BadInput("'path' must be a non-empty string", "send a path relative to the root")
    if "\x00" in relative:
        raise BadInput("'path' holds a NUL character", "send a plain relative path")
    if len(relative) > MAX_PATH_CHARS:
        raise BadInput("'path' is too long", f"send a path under {MAX_PATH_CHARS} characters")
    pure = PurePosixPath(relative.replace("\\", "/"))
    if pure.is_absolute() or _DRIVE.match(relative):
        raise Forbidden("'path' must be relative to the server root", "drop the leading /")
    if ".." in pure.parts:
        raise Forbidden("'path' may not climb out with '..'", "send a path below the root")
    if not allow_hidden and any(p.startswith(".") for p in pure.parts):
        raise Forbidden("'path' names a hidden file or folder", "hidden files are not served")
    return pure


def inside(root: Path, path: Path, *, name: str = "'path'") -> Path:
    """Return `path` with its symlinks followed if it stays inside `root` (resolved); else refuse.

    Call it on every file a request reaches before reading or running it: the top path, a
    folder's members, a step's lesson notebook, a module imported beside a notebook.
    """
    try:
        resolved = path.resolve(strict=False)  # follows symlinks: an escape shows here
    except RuntimeError:  # a symlink loop (Python 3.11; later versions raise OSError ELOOP)
        raise Forbidden(f"{name} is a symlink that leads nowhere", "fix or remove it") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Forbidden(f"{name} is a symlink that leads nowhere", "fix or remove it") from None
        raise BadInput(f"cannot look up {name}: {exc.strerror}", "send a shorter path") from None
    if not resolved.is_relative_to(root.resolve()):
        raise Forbidden(f"{name} leads outside the server root", "check files inside it")
    return resolved


def resolve_in_root(root: Path, relative: Any, *, allow_hidden: bool = False) -> Path:
    """Return the existing file or folder `relative` names inside `root`, or refuse it."""
    pure = relative_path(relative, allow_hidden=allow_hidden)
    resolved = inside(root, root / pure)
    try:
        exists = resolved.exists()
    except OSError as exc:  # a name too long for the file system (Errno 36), and the like
        raise BadInput(
            f"cannot look up '{relative}': {exc.strerror}", "send a shorter path"
        ) from None
    if not exists:
        raise NotFound(f"no file or folder '{relative}'", "send a path that exists")
    return resolved


# What an `import` can load: modules, compiled modules, and folders (packages, namespaces).
_MODULE_SUFFIXES = (".py", ".pyc", ".pyw", ".so", ".pyd")
_NOT_IMPORTED = {"__pycache__", ".ipynb_checkpoints", "node_modules", ".venv", "venv", ".git"}


_MAX_LOOKED_AT = 10_000  # entries of a linked folder looked at before it counts as code


def _importable(path: Path) -> bool:
    """Return whether an import could run code from `path`: a module, or a folder holding one."""
    if path.suffix in _MODULE_SUFFIXES:
        return True
    if not path.is_dir():
        return False
    seen = 0
    for _, _, files in os.walk(path, followlinks=False):
        if any(Path(name).suffix in _MODULE_SUFFIXES for name in files):
            return True
        seen += len(files)
        if seen > _MAX_LOOKED_AT:  # too large to look through: treated as code
            return True
    return False


def _leaves(link: Path, root: Path) -> bool:
    """Return whether the symlink `link` leads outside `root` (or nowhere: a loop)."""
    try:
        return not link.resolve(strict=False).is_relative_to(root)
    except (RuntimeError, OSError):  # a loop: refused like an escape
        return True


def imports_stay_inside(folder: Path, root: Path) -> None:
    """Refuse when code the notebook in `folder` can import leads outside `root`.

    Call it before a kernel runs the notebook: every module and package under `folder`, and
    every module beside each folder up to `root`, must not be a symlink leading out, or the
    kernel would run code from outside the root.
    """
    root, folder = root.resolve(), folder.absolute()
    if not folder.resolve().is_relative_to(root):  # a notebook outside its project: its folder
        root = folder.resolve()
    for here, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if d not in _NOT_IMPORTED]
        for name in [*dirs, *files]:
            path = Path(here) / name
            if path.is_symlink() and _importable(path) and _leaves(path, root):
                _refuse_link(path, root, folder)
    for parent in folder.parents:
        if not parent.resolve().is_relative_to(root):
            break
        for path in parent.iterdir():
            if path.is_symlink() and _importable(path) and _leaves(path, root):
                _refuse_link(path, root, folder)


def _refuse_link(path: Path, root: Path, folder: Path) -> None:
    """Raise Forbidden naming the link (relative to the root), never where it leads."""
    try:
        shown = path.absolute().relative_to(root).as_posix()
    except ValueError:
        shown = path.absolute().relative_to(folder.parent).as_posix()
    raise Forbidden(
        f"'{shown}' is a symlink leading outside {root.name}/, and the notebook could import it",
        "copy the module into the folder instead of linking to it; nothing ran",
    )
