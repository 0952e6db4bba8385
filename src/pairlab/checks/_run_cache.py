"""Remembered fresh runs: the same cells on the same files and warehouse give the same run.

A fresh run's verdict depends on what the kernel was given: the cells of the copy, the
parameters, the kernel, the environment, every file of the scratch copy, the warehouse's
content, pairlab itself, the installed packages and the day. The key hashes all of these (a
large file by its size and time, too slow to read each time), so checking step 2 after step 4
of an unchanged notebook, or answers-match after runs-top-to-bottom on the same cells, runs
nothing again. The key says what, not where: the project's folder and the warehouse file's
path are left out of it (placeholders stand for them in every text the key reads and every
entry keeps), so the same lessons staged again elsewhere, on a regenerated warehouse, are
remembered too (`pairlab curriculum run` a second time). A check's own subprocess in the
project folder (pytest, a mutant's test run) is remembered the same way by `remembered`.
Entries live under pairlab's cache folder, the least recently used dropped once the folder
grows beyond its bound.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import sys
import sysconfig
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any, TypeVar, cast

from pairlab import _process
from pairlab._files import write_text_atomic
from pairlab.checks._model import Context
from pairlab.checks._scratch import _ignore, _root
from pairlab.errors import BadInput

MODE_ENV = "PAIRLAB_CHECK_RUNS"
RUN_MODES = ("cold", "pool", "fast")  # other tools' benchmarks name these: keep them
FORMAT = 2  # bump when what a key covers or an entry holds changes
SIZE_ENV = "PAIRLAB_RUN_CACHE_MB"
DEFAULT_MB = 256
HASH_UP_TO = 4 * 2**20  # larger files are known by size and modification time
RACY_NS = 2_000_000_000  # a file changed this recently is read again, not remembered
_PLACEHOLDER = "<<pairlab-volatile-{}>>"
_RAISED = re.compile(r'"output_type":\s*"error"')
# path, size, mtime, inode, places hidden -> sha256
_DIGESTS: dict[tuple[str, int, int, int, tuple[str, ...]], str] = {}
_LOCK = threading.Lock()


def _hidden_bytes(data: bytes, volatile: Sequence[str]) -> bytes:
    """Return `data` with each volatile string replaced by its placeholder, as `hide` does."""
    for i, value in sorted(enumerate(volatile), key=lambda p: -len(p[1])):
        data = data.replace(value.encode(), _PLACEHOLDER.format(i).encode())
    return data


def _file_digest(path: Path, st: os.stat_result, volatile: Sequence[str] = ()) -> str:
    """Return what stands for one file's content: its SHA-256, or its size and time if large.

    The bytes are hashed with the `volatile` strings (the places) hidden, as the key hides
    them everywhere: a file that names its own folder is the same file in another folder.
    """
    if st.st_size > HASH_UP_TO:
        return f"stat:{st.st_size}:{st.st_mtime_ns}"
    memo = (str(path), st.st_size, st.st_mtime_ns, st.st_ino, tuple(volatile))
    with _LOCK:
        known = _DIGESTS.get(memo)
    if known is not None:
        return known
    try:
        digest = hashlib.sha256(_hidden_bytes(path.read_bytes(), volatile)).hexdigest()
    except OSError as exc:  # the scratch copy will say so; keep the key distinct
        return f"unreadable:{exc.errno}"
    if time.time_ns() - st.st_mtime_ns > RACY_NS:  # a write in the same tick would not move mtime
        with _LOCK:
            _DIGESTS[memo] = digest
    return digest


def _walk(
    root: Path, volatile: Sequence[str] = (), folders: bool = False
) -> Iterator[tuple[str, str]]:
    """Yield (relative path, digest and mode) for each file the scratch copy would hold.

    A link yields its target, and with `folders` each folder yields "dir".
    """
    for folder, dirs, files in os.walk(root):
        left_out = _ignore(folder, [*dirs, *files])
        dirs[:] = sorted(d for d in dirs if d not in left_out)
        for name in sorted(n for n in [*files, *dirs] if n not in left_out):
            path = Path(folder, name)
            rel = str(path.relative_to(root))
            try:
                st = path.lstat()
            except OSError:
                continue
            if stat.S_ISLNK(st.st_mode):
                yield rel, "link:" + hide(os.readlink(path), volatile)
            elif stat.S_ISDIR(st.st_mode):
                if folders:
                    yield rel, "dir"
            elif stat.S_ISREG(st.st_mode):
                yield rel, f"{_file_digest(path, st, volatile)}:{oct(st.st_mode & 0o777)}"


def run_mode() -> str:
    """Return how fresh runs run: $PAIRLAB_CHECK_RUNS, one of RUN_MODES (default fast)."""
    mode = os.environ.get(MODE_ENV, "").strip().lower() or "fast"
    if mode not in RUN_MODES:
        raise BadInput(
            f"{MODE_ENV}={mode!r} is not a way to run a check's notebook",
            f"set it to one of {', '.join(RUN_MODES)}, or unset it for fast",
        )
    return mode


def folder_digest(root: Path, volatile: Sequence[str] = ()) -> str:
    """Return the digest of every file a scratch copy of `root` would hold, and its name.

    Its name, not its path: a copy is made under the same name, so a run sees that much.
    """
    outer = hashlib.sha256(root.name.encode())
    for rel, digest in _walk(root, volatile):
        outer.update(f"{rel}\0{digest}\n".encode())
    return outer.hexdigest()


def _warehouse_path(env: Mapping[str, str]) -> Path | None:
    """Return the embedded warehouse file a run with `env` opens, or None for a URL."""
    from pairlab.warehouse import default_path
    from pairlab.warehouse.connection import ENV_PATH, ENV_URL

    if env.get(ENV_URL):
        return None
    configured = env.get(ENV_PATH)
    return Path(configured).expanduser().resolve() if configured else default_path()


def places(ctx: Context, env: Mapping[str, str]) -> list[str]:
    """Return where the run happens, as text: the project's folder and the warehouse file.

    Each key hides them (the warehouse is known by its content instead), and each entry keeps
    placeholders for them, so a run remembered in one folder answers in another.
    """
    return places_of([_root(ctx), ctx.project.resolve()], env)


def places_of(folders: Sequence[Path], env: Mapping[str, str]) -> list[str]:
    """Return `folders` and the warehouse file a run with `env` opens, as text to hide."""
    found = {str(folder) for folder in folders}
    warehouse = _warehouse_path(_whole_env(env))
    if warehouse is not None:
        found.add(str(warehouse))
    return sorted(p for p in found if p.count("/") > 1)  # never "/" or "/tmp": too common


def warehouse_identity(env: Mapping[str, str]) -> str:
    """Return which warehouse a run with `env` opens: the URL without secrets, else its content.

    An embedded file is known by what its tables hold (the same after regenerating it); one
    whose content cannot be read (locked, large) by its path and stat.
    """
    from pairlab.warehouse import redact
    from pairlab.warehouse.connection import ENV_URL
    from pairlab.warehouse.identity import content_identity

    path = _warehouse_path(env)
    if path is None:
        return f"url:{redact(env[ENV_URL])}"
    content = content_identity(path)
    if content is not None:
        return f"content:{content}"
    parts = [str(path)]
    for file in (path, path.with_name(path.name + ".wal")):
        try:
            st = file.stat()
            parts.append(f"{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append("absent")
    return "file:" + ":".join(parts)


def hide(text: str, volatile: Sequence[str]) -> str:
    """Return `text` with each value random to the run replaced by a stable placeholder."""
    for i, value in sorted(enumerate(volatile), key=lambda p: -len(p[1])):
        text = text.replace(value, _PLACEHOLDER.format(i))
    return text


def reveal(text: str, volatile: Sequence[str]) -> str:
    """Return `text` with the placeholders replaced by this run's values."""
    for i, value in enumerate(volatile):
        text = text.replace(_PLACEHOLDER.format(i), value)
    return text


def run_key(
    ctx: Context,
    copy_text: str,
    args: Mapping[str, Any],
    kernel: str,
    env: Mapping[str, str],
    volatile: Sequence[str] = (),
) -> str:
    """Return the key of a run: everything a cold run's outcome could depend on.

    `volatile` holds the run's random strings, then its `places`: hidden wherever they stand.
    """
    whole_env = _whole_env(env)
    parts = {
        "format": FORMAT,
        "copy": hide(copy_text, volatile),
        "args": {k: args[k] for k in sorted(args) if k in _RUN_ARGS},
        "kernel": kernel,
        "env": sorted((k, hide(v, volatile)) for k, v in whole_env.items()),
        "project": folder_digest(_root(ctx), volatile),
        "notebook": str(ctx.path.resolve().relative_to(_root(ctx))),
        "warehouse": warehouse_identity(whole_env),
        **surroundings(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def surroundings() -> dict[str, Any]:
    """Return what every run depends on beyond its own files: pairlab, packages, the day.

    The day, because a notebook may compute with today's date (a review date, a window): a
    run remembered yesterday is made again today.
    """
    return {
        "pairlab": _pairlab_digest(),
        "python": sys.executable,
        "installed": _installed(),
        "day": date.today().isoformat(),
    }


def _pairlab_digest() -> str:
    """Return the digest of pairlab's code and shipped data (an editable install has no version).

    Its kits and sample catalog too: a lesson's cells copy a kit or read the samples.
    """
    from pairlab import __version__, resources

    package = Path(__file__).resolve().parents[1]
    outer = hashlib.sha256(__version__.encode())
    roots = [("", package)]
    for name, find in (("kits", resources.kits_dir), ("samples", resources.samples_dir)):
        with contextlib.suppress(FileNotFoundError):  # a broken install: its runs say so
            roots.append((name, find()))
    for name, root in roots:
        for folder, dirs, files in os.walk(root):
            # The front end runs no notebook; bytecode follows the sources.
            dirs[:] = sorted(d for d in dirs if d not in ("labextension", "__pycache__"))
            for file in sorted(files):
                path = Path(folder, file)
                with contextlib.suppress(OSError):
                    digest = _file_digest(path, path.stat())
                    outer.update(f"{name}/{path.relative_to(root)}\0{digest}\n".encode())
    return outer.hexdigest()


_RUN_ARGS = {"parameters", "kernel", "cell_timeout", "timeout"}
# Set by whoever calls pairlab, different on each call, read by no notebook.
_UNRELATED_ENV = ("PYTEST_CURRENT_TEST",)
# Files above the project pytest may read: its configuration and conftest.py in each ancestor.
_PYTEST_ANCESTORS = ["conftest.py", "pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini"]
_PYTEST_ANCESTORS += ["setup.cfg"]
_T = TypeVar("_T")


def _whole_env(env: Mapping[str, str]) -> dict[str, str]:
    """Return the environment a run sees: pairlab's own plus `env`, less what no run reads."""
    whole = {**os.environ, **env}
    for name in _UNRELATED_ENV:
        whole.pop(name, None)
    return whole


def _installed() -> list[str]:
    """Return what changes when a package is installed or removed: site-packages' times."""
    found = []
    for folder in sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}):
        try:
            found.append(f"{folder}:{os.stat(folder).st_mtime_ns}")
        except OSError:
            found.append(f"{folder}:absent")
    return found


def _ancestors(project: Path) -> list[tuple[int, str, str]]:
    """Return (levels up, name, digest) of each configuration or conftest file pytest may read."""
    found = []
    for level, folder in enumerate(project.parents, start=1):
        for name in _PYTEST_ANCESTORS:
            path = folder / name
            try:
                st = path.stat()
            except OSError:
                continue
            found.append((level, name, _file_digest(path, st)))
    return found


def _subprocess_key(
    ctx: Context,
    what: str,
    argv: Sequence[str],
    env: Mapping[str, str],
    timeout: int,
    volatile: Sequence[str],
) -> str:
    """Return the key of a check's subprocess in the project folder: everything it may read."""
    project = ctx.project.resolve()
    whole_env = _whole_env(env)
    parts = {
        "format": FORMAT,
        "what": what,
        "argv": [hide(a, volatile) for a in argv],
        "env": sorted((k, hide(v, volatile)) for k, v in whole_env.items()),
        "timeout": timeout,
        "cwd": hide(str(project), volatile),
        "project": [folder_digest(root, volatile) for root in sorted({project, _root(ctx)})],
        "above": _ancestors(project),
        "warehouse": warehouse_identity(whole_env),
        **surroundings(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def remembered(
    ctx: Context,
    what: str,
    argv: Sequence[str],
    env: Mapping[str, str],
    produce: Callable[[], tuple[_process.Completed, _T]],
    *,
    timeout: int,
    volatile: Sequence[str] = (),
) -> tuple[_process.Completed, _T]:
    """Return `produce()`: a run of `argv` in the project folder and what the check read after.

    In fast mode a run made before on the same files, argv, environment, warehouse and
    interpreter is returned as it was, and nothing runs; `cold` and `pool` always run. The
    value must survive JSON. `volatile` names strings random to this run (its scratch folder),
    left out of the key. A run cancelled, timed out, killed by a signal, or made while the
    project changed under it is never remembered.
    """
    if run_mode() != "fast":
        return produce()
    volatile = [*volatile, *places(ctx, env)]
    key = _subprocess_key(ctx, what, argv, env, timeout, volatile)
    entry = cache_folder() / f"{key}.json"
    try:
        data = json.loads(reveal(entry.read_text(encoding="utf-8"), volatile))
        done = completed(data["completed"])
        os.utime(entry)  # most recently used
        return done, cast(_T, data["value"])
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not remembered (or unreadable): run it
    done, value = produce()
    if done.timed_out or done.cancelled or done.returncode < 0:
        return done, value
    if key == _subprocess_key(ctx, what, argv, env, timeout, volatile):
        text = json.dumps({"completed": asdict(done), "value": value})
        if "pairlab-volatile-" not in text:
            _write(entry, hide(text, volatile))
    return done, value


def completed(data: Mapping[str, Any]) -> _process.Completed:
    """Return a remembered run's Completed (kept as a dict), marked remembered."""
    return _process.Completed(**{**data, "argv": tuple(data["argv"]), "remembered": True})


def _write(entry: Path, text: str) -> None:
    """Write one entry, then drop the least recently used entries beyond the bound."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(entry, text, check=False)
        _evict(entry.parent, max_bytes())
    except OSError:
        return  # a cache that cannot be written only costs time


def cacheable(done: _process.Completed, executed: str, volatile: Sequence[str]) -> bool:
    """Return whether a run may be remembered: finished on its own, no placeholder faked."""
    if done.timed_out or done.cancelled or "pairlab-volatile-" in executed:
        return False
    # A slow machine, a missing kernel or a crash is not the notebook's doing: run again.
    # A failure is remembered only when a cell raised, which the same cells will do again.
    transient = ("CellTimeoutError", "Timeout waiting", "NoSuchKernel", "DeadKernelError")
    if any(word in done.stderr for word in transient):
        return False
    return done.ok or _RAISED.search(executed) is not None


def cache_folder() -> Path:
    """Return where remembered runs live, under pairlab's cache folder."""
    from pairlab._files import cache_dir

    return cache_dir() / "runs"


def max_bytes() -> int:
    """Return the cache's bound in bytes: $PAIRLAB_RUN_CACHE_MB, else DEFAULT_MB."""
    try:
        return int(float(os.environ.get(SIZE_ENV, DEFAULT_MB)) * 2**20)
    except ValueError:
        return DEFAULT_MB * 2**20


def load(key: str, volatile: Sequence[str]) -> tuple[_process.Completed, str] | None:
    """Return the remembered run and its executed notebook's text, or None."""
    entry = cache_folder() / f"{key}.json"
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
        done = completed(data["completed"])
        executed = reveal(data["executed"], volatile)
        os.utime(entry)  # most recently used
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return done, executed


def store(key: str, done: _process.Completed, executed: str, volatile: Sequence[str]) -> None:
    """Remember a run, then drop the least recently used entries beyond the bound."""
    if not cacheable(done, executed, volatile):
        return
    data = {"completed": asdict(done), "executed": hide(executed, volatile)}
    _write(cache_folder() / f"{key}.json", json.dumps(data))


def _evict(folder: Path, bound: int) -> None:
    """Delete the least recently used entries until the folder holds at most `bound` bytes."""
    entries = []
    for path in folder.glob("*.json"):
        try:
            st = path.stat()
        except OSError:
            continue
        entries.append((st.st_mtime_ns, st.st_size, path))
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries, key=lambda e: e[0]):
        if total <= bound:
            break
        path.unlink(missing_ok=True)
        total -= size
