"""The kept catalog index: what was read last time, under the user's cache folder.

One file per set of catalog roots (`<cache>/catalog/<key>.npz`, the key a hash of the roots'
resolved paths) holds, for every product folder, the files it was read from (mtime, size and
SHA-256), its entry and its findings; for every folder walked, its mtime and what it held; and
the search index's arrays. A run stats folders and files instead of reading them: a product is
read again only when one of its files changed. When mtime and size tie with the record but the
file was written so close to the record that a later write could hide behind the clock's
granularity (git's "racy" case), or when the mtime moved but the size did not, the content hash
decides. A file that cannot be read as a kept index (truncated, another format) is rebuilt from
the catalog; writes go through a scratch file and a rename, so a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import threading
import time
import zipfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from pairlab._files import cache_dir, replacing
from pairlab.catalog.entry import Entry, entry_from_json
from pairlab.catalog.index import (
    DESCRIPTOR_FILE,
    SKIP,
    Catalog,
    assemble,
    read_product,
)
from pairlab.catalog.problem import Problem
from pairlab.catalog.search import SearchIndex

FORMAT = 4  # 3: entries carry ODPS v1.1.0's synonyms, deprecated and type; 4: last decision
# A file changed less than this before the record was written is checked by content.
RACY_NS = 2_000_000_000
# From this many products to read, a cold run reads them in worker processes.
PARALLEL_FROM = 1_000
_ARRAYS = ("offsets", "docs", "weights", "status")  # the search index's, beside the vocabulary
# In-process: the last catalog per kept file, so a server answers from memory while no file moved.
_MEMORY: dict[Path, tuple[dict[str, Any], Catalog]] = {}
_LOCK = threading.Lock()


def index_path(roots: tuple[Path, ...]) -> Path:
    """Return the kept index file of these roots."""
    key = "\0".join(str(r.resolve()) for r in roots)
    return cache_dir() / "catalog" / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.npz"


def _sha(path: Path) -> str:
    """Return the SHA-256 of a file's bytes ('' if it cannot be read)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _stamp(path: str) -> tuple[int, int]:
    """Return (mtime_ns, size) of a file, (-1, -1) if it is missing."""
    try:
        st = os.stat(path)
    except OSError:
        return -1, -1
    return st.st_mtime_ns, st.st_size


def _unchanged(files: list[list[Any]], written: int) -> tuple[bool, bool]:
    """Return whether every recorded file is as it was, and whether a hash had to vouch for one.

    A file the hash vouches for gets its new stamp, so the next run trusts the stamp again.
    """
    touched = False
    for record in files:
        path, mtime, size, sha = record
        now_mtime, now_size = _stamp(path)
        if (now_mtime, now_size) == (mtime, size) and (mtime < written - RACY_NS or mtime == -1):
            continue
        if now_size != size or now_mtime == -1 or _sha(Path(path)) != sha:
            return False, touched
        record[1], touched = now_mtime, True
    return True, touched


def _scan(folder: str, dirs: dict[str, Any], old: dict[str, Any], written: int) -> list[str]:
    """Return the product folders under `folder`, reusing listings of folders that kept mtime."""
    try:
        mtime = os.stat(folder).st_mtime_ns
    except OSError:
        return []
    known = old.get(folder)
    if known and known[0] == mtime and mtime < written - RACY_NS:
        is_product, children = known[1], known[2]
    else:
        with os.scandir(folder) as listing:
            names = [(e.name, e.is_dir()) for e in listing]
        is_product = any(n == DESCRIPTOR_FILE and not d for n, d in names)
        children = sorted(n for n, d in names if d and not n.startswith(".") and n not in SKIP)
    dirs[folder] = [mtime, is_product, [] if is_product else children]
    if is_product:
        return [folder]
    found = []
    for child in children:
        found += _scan(os.path.join(folder, child), dirs, old, written)
    return found


def _read(folder: str, started: int) -> dict[str, Any]:
    """Read a product folder and record the files it was read from."""
    entry, found, paths = read_product(Path(folder), strict=False)
    files: list[list[Any]] = [[str(p), *_stamp(str(p)), _sha(p)] for p in dict.fromkeys(paths)]
    for stamped in files:
        if stamped[1] >= started:  # written while this run read it: read it again next time
            stamped[3] = ""
    raw = json.dumps(entry.to_json()).encode("utf-8") if entry else b""
    found_json = [p.to_json() for p in found]
    record = {"files": files, "id": entry.id if entry else "", "entry": raw, "found": found_json}
    return record | {"decoded": entry}  # this run's entry, so it is not decoded again


def _read_all(folders: list[str], started: int) -> dict[str, dict[str, Any]]:
    """Read the product folders, on every core when there are many (a cold run: YAML parsing)."""
    workers = min(os.cpu_count() or 1, 8)
    if len(folders) < PARALLEL_FROM or workers < 2:
        return {folder: _read(folder, started) for folder in folders}
    # Spawned, not forked: the server calls this from a thread, and forking a threaded
    # process can deadlock. Each worker pays its imports once (about half a second).
    context = multiprocessing.get_context("spawn")
    chunk = max(1, len(folders) // (workers * 8))
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        records = pool.map(_read, folders, [started] * len(folders), chunksize=chunk)
        return dict(zip(folders, records, strict=True))


def _split(blob: np.ndarray) -> list[str]:
    """Return the strings joined by NUL in a byte array."""
    text = blob.tobytes().decode("utf-8")
    return text.split("\0") if text else []


def _join(strings: Iterable[str]) -> np.ndarray:
    """Return strings joined by NUL as a byte array."""
    return np.frombuffer("\0".join(strings).encode("utf-8"), dtype=np.uint8)


def _load(path: Path, roots: tuple[Path, ...]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Return the kept record and search arrays of `roots`, or an empty record if unusable."""
    empty: dict[str, Any] = {"written": 0, "dirs": {}, "products": {}}
    try:
        with open(path, "rb") as raw, np.load(raw, allow_pickle=False) as stored:
            meta = json.loads(stored["meta"].tobytes().decode("utf-8"))
            ours = isinstance(meta, dict) and meta.get("format") == FORMAT
            if not ours or meta.get("roots") != [str(r) for r in roots]:
                return empty, None
            data = {name: stored[name] for name in stored.files}
        kept = {
            "written": int(meta["written"]),
            "dirs": _dirs(data),
            "products": _products(meta, data),
        }
        arrays = {name: data[name] for name in _ARRAYS}
        arrays["vocabulary"] = _split(data["vocabulary"])
    except (OSError, ValueError, KeyError, IndexError, EOFError, TypeError, zipfile.BadZipFile):
        return empty, None  # missing, truncated, damaged or not ours: rebuild
    return kept, arrays


def _dirs(data: dict[str, np.ndarray]) -> dict[str, list[Any]]:
    """Return folder -> [mtime, is a product, children] from the stored arrays."""
    paths, children = _split(data["dir_paths"]), _split(data["dir_children"])
    mtimes, products = data["dir_mtime"].tolist(), data["dir_product"].tolist()
    return {
        p: [m, bool(is_product), c.split("/") if c else []]
        for p, m, is_product, c in zip(paths, mtimes, products, children, strict=True)
    }


def _products(meta: dict[str, Any], data: dict[str, np.ndarray]) -> dict[str, dict[str, Any]]:
    """Return product folder -> record (files, id, raw entry, findings) from the stored arrays."""
    folders, ids = _split(data["folders"]), _split(data["ids"])
    blob, offsets = data["entries"].tobytes(), data["entry_offsets"].tolist()
    found = meta.get("found", {})
    records = {
        folder: {
            "files": [],
            "id": ids[i],
            "entry": blob[offsets[i] : offsets[i + 1]],
            "found": found.get(str(i), []),
        }
        for i, folder in enumerate(folders)
    }
    columns = (
        _split(data["file_paths"]),
        data["file_owner"].tolist(),
        data["file_mtime"].tolist(),
        data["file_size"].tolist(),
        _split(data["file_sha"]),
    )
    for path, owner, mtime, size, sha in zip(*columns, strict=True):
        records[folders[owner]]["files"].append([path, mtime, size, sha])
    return records


def _stored(kept: dict[str, Any], order: list[str], arrays: dict[str, Any]) -> dict[str, Any]:
    """Return the arrays a kept index file holds."""
    products, dirs = kept["products"], kept["dirs"]
    records = [products[f] for f in order]
    files = [(i, f) for i, r in enumerate(records) for f in r["files"]]
    offsets = np.zeros(len(records) + 1, dtype=np.int64)
    np.cumsum([len(r["entry"]) for r in records], out=offsets[1:])
    found = {str(i): r["found"] for i, r in enumerate(records) if r["found"]}
    meta = {"format": FORMAT, "roots": kept["roots"], "written": kept["written"], "found": found}
    return {
        "meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
        "folders": _join(order),
        "ids": _join(r["id"] for r in records),
        "entries": np.frombuffer(b"".join(r["entry"] for r in records), dtype=np.uint8),
        "entry_offsets": offsets,
        "file_owner": np.array([i for i, _ in files], dtype=np.int32),
        "file_paths": _join(f[0] for _, f in files),
        "file_mtime": np.array([f[1] for _, f in files], dtype=np.int64),
        "file_size": np.array([f[2] for _, f in files], dtype=np.int64),
        "file_sha": _join(f[3] for _, f in files),
        "dir_paths": _join(dirs),
        "dir_mtime": np.array([d[0] for d in dirs.values()], dtype=np.int64),
        "dir_product": np.array([d[1] for d in dirs.values()], dtype=bool),
        "dir_children": _join("/".join(d[2]) for d in dirs.values()),
        "vocabulary": _join(arrays["vocabulary"]),
        **{name: arrays[name] for name in _ARRAYS},
    }


def _save(path: Path, stored: dict[str, np.ndarray]) -> None:
    """Write the kept index through a scratch file and a rename; a failure only loses speed."""
    with contextlib.suppress(OSError), replacing(path) as scratch, open(scratch, "wb") as out:
        np.savez(out, **stored)  # type: ignore[arg-type]  # numpy's stub misreads **kwds


class LazyEntries(Sequence[Entry]):
    """The catalog's entries, each decoded from its kept JSON when first asked for."""

    def __init__(self, raw: list[bytes], ids: list[str], decoded: list[Entry | None]) -> None:
        self.raw, self.ids = raw, ids
        self._decoded: dict[int, Entry] = {i: e for i, e in enumerate(decoded) if e is not None}

    def __len__(self) -> int:
        return len(self.raw)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = range(len(self))[i]
        if i not in self._decoded:
            self._decoded[i] = entry_from_json(json.loads(self.raw[i]))
        return self._decoded[i]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


def _catalog(roots: tuple[Path, ...], products: dict[str, Any], order: list[str]) -> Catalog:
    """Assemble the catalog from kept records, in walk order; entries decode on first use."""

    def records() -> Iterable[tuple[str, str | None, tuple[bytes, Any], list[Problem]]]:
        for folder in order:
            record = products[folder]
            found = [Problem(**f) for f in record["found"]]
            payload = (record["entry"], record.get("decoded"))
            yield folder, record["id"] or None, payload, found

    catalog = Catalog(roots)
    kept = assemble(catalog, records())
    raw, decoded = [p[0] for _, p in kept], [p[1] for _, p in kept]
    catalog.entries = LazyEntries(raw, [pid for pid, _ in kept], decoded)
    return catalog


def _refresh(
    order: list[str], kept: dict[str, Any], written: int, started: int
) -> tuple[dict[str, Any], bool, bool]:
    """Return each product's record in walk order (unchanged ones kept, the rest read again),
    whether any was read again, and whether a kept one needed vouching for."""
    products, stale, vouched_any = {}, [], False
    for folder in order:
        record = kept["products"].get(folder)
        same, vouched = _unchanged(record["files"], written) if record else (False, False)
        if same:
            products[folder] = record
        else:
            stale.append(folder)
        vouched_any = vouched_any or vouched
    products |= _read_all(stale, started)
    return {folder: products[folder] for folder in order}, bool(stale), vouched_any


def _rebuilt(
    roots: tuple[Path, ...],
    products: dict[str, Any],
    order: list[str],
    remembered: Catalog | None,
    arrays: Any,
) -> Catalog:
    """Return the remembered catalog when no product was read again, else a new one."""
    if remembered is not None:
        return remembered
    catalog = _catalog(roots, products, order)
    # The cached_property, filled: from the kept arrays when no product changed.
    catalog.__dict__["index"] = SearchIndex(catalog.entries, arrays)
    return catalog


def kept_catalog(roots: tuple[Path, ...]) -> Catalog:
    """Return the catalog of `roots`, reading again only the products whose files changed."""
    path = index_path(roots)
    with _LOCK:
        memory = _MEMORY.get(path)
    kept, arrays = (memory[0], None) if memory else _load(path, roots)
    started, written = time.time_ns(), kept["written"]
    dirs: dict[str, Any] = {}
    order = [f for root in roots for f in _scan(str(root), dirs, kept["dirs"], written)]
    products, stale, vouched = _refresh(order, kept, written, started)
    read_again = stale or order != list(kept["products"])
    touched = vouched or dirs != kept["dirs"] or (memory is None and arrays is None)
    if memory is not None and not read_again and not touched:
        return memory[1]
    new = {"roots": [str(r) for r in roots], "written": started, "dirs": dirs, "products": products}
    remembered = memory[1] if memory is not None and not read_again else None
    catalog = _rebuilt(roots, products, order, remembered, None if read_again else arrays)
    if touched or read_again:
        _save(path, _stored(new, order, catalog.index.arrays()))
    for record in products.values():
        record.pop("decoded", None)  # the catalog holds the entries now
    with _LOCK:
        _MEMORY[path] = (new, catalog)
    return catalog
