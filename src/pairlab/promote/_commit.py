"""Write a promoted product safely: nothing edited is overwritten, all files land or none do.

A new target is built in a sibling staging folder and renamed into place (one atomic step).
An existing target gets each new file written beside its destination first, then a journal
of renames, then the renames; a promote killed during the renames is completed by the next
one (roll forward), so the target is either as before or complete.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from pairlab._files import move, write_bytes_atomic
from pairlab.errors import BadInput, and_more

MANIFEST = ".pairlab/promote.json"
JOURNAL = ".pairlab/promote-journal.json"
NEW = ".pairlab-new"
SKIP = {".git", ".ruff_cache", ".pytest_cache", "__pycache__", ".ipynb_checkpoints"}


def sha(data: bytes) -> str:
    """Return the hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


@dataclass
class Plan:
    """What writing the staged files into the target would do, file by file."""

    files: dict[str, bytes]
    create: list[str] = field(default_factory=list)
    update: list[str] = field(default_factory=list)
    same: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    @property
    def changes(self) -> list[str]:
        """Return the files that would be written."""
        return self.create + self.update + self.conflicts


def read_tree(root: Path) -> dict[str, bytes]:
    """Return every file under `root` by relative POSIX path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not SKIP & set(p.relative_to(root).parts)
    }


def manifest_bytes(files: dict[str, bytes], notebook: str) -> bytes:
    """Return the manifest recording what this promote wrote (to spot later hand edits)."""
    hashes = {rel: sha(data) for rel, data in sorted(files.items()) if rel != MANIFEST}
    return (json.dumps({"notebook": notebook, "files": hashes}, indent=1) + "\n").encode()


def _recorded(dest: Path) -> dict[str, str] | None:
    """Return the hashes the last promote recorded, or None if pairlab never promoted here."""
    try:
        files = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))["files"]
        return {str(rel): str(digest) for rel, digest in files.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def plan(dest: Path, files: dict[str, bytes]) -> Plan:
    """Sort each staged file: new, unchanged, ours to update, or edited by someone."""
    recorded = _recorded(dest) or {}
    result = Plan(files)
    for rel, data in files.items():
        target = dest / rel
        if not target.is_file():
            result.create.append(rel)
        elif (current := target.read_bytes()) == data:
            result.same.append(rel)
        elif rel == MANIFEST or recorded.get(rel) == sha(current):
            result.update.append(rel)
        else:
            result.conflicts.append(rel)
    return result


def guard(dest: Path, found: Plan, force: bool) -> None:
    """Refuse to touch a folder pairlab did not write, or a file edited since, without force."""
    if force:
        return
    if dest.is_file():
        raise BadInput(f"{dest} is a file", "pass --into with a folder")
    if dest.is_dir() and any(dest.iterdir()) and _recorded(dest) is None:
        raise BadInput(
            f"{dest} already exists and was not written by pairlab promote",
            "choose another folder with --into, or pass --force to write into it",
        )
    if found.conflicts:
        raise BadInput(
            f"{dest / found.conflicts[0]}{and_more(len(found.conflicts))} was edited since the "
            "last promote",
            "pass --force to overwrite it, or move your changes away first",
        )


def edited(dest: Path) -> list[str]:
    """Return the files the last promote wrote that someone has changed since."""
    recorded = _recorded(dest) or {}
    changed = []
    for rel, digest in sorted(recorded.items()):
        target = dest / rel
        if target.is_file() and sha(target.read_bytes()) != digest:
            changed.append(rel)
    return changed


def unchanged(dest: Path) -> bool:
    """Return whether every file the last promote wrote into `dest` is there, as written."""
    recorded = _recorded(dest)
    if recorded is None:
        return False
    return all(_sha_of(dest / rel) == digest for rel, digest in recorded.items())


def _sha_of(path: Path) -> str | None:
    """Return the hash of a file, or None when it is missing."""
    return sha(path.read_bytes()) if path.is_file() else None


def guard_edits(dest: Path, force: bool) -> None:
    """Refuse, before any staging, a target holding files edited since the last promote."""
    if force or not dest.is_dir():
        return
    guard(dest, Plan({}, conflicts=edited(dest)), force)


def diff(dest: Path, found: Plan) -> str:
    """Return a unified diff of every file the plan would write."""
    chunks = []
    for rel in sorted(found.changes):
        new = found.files[rel]
        target = dest / rel
        old = target.read_bytes() if target.is_file() else b""
        try:
            a, b = old.decode().splitlines(keepends=True), new.decode().splitlines(keepends=True)
        except UnicodeDecodeError:
            chunks.append(f"Binary file {rel} {'differs' if old else 'is new'}\n")
            continue
        before = f"a/{rel}" if old else "/dev/null"
        chunks.append("".join(difflib.unified_diff(a, b, before, f"b/{rel}")))
    return "".join(chunks)


def roll_forward(dest: Path) -> None:
    """Finish the renames of an interrupted promote, then drop its leftovers."""
    journal = dest / JOURNAL
    if journal.is_file():
        for tmp, target in json.loads(journal.read_text(encoding="utf-8")):
            if (dest / tmp).is_file():
                move(dest / tmp, dest / target)
        journal.unlink()
    if dest.is_dir():
        for stale in dest.rglob(f"*{NEW}"):
            stale.unlink()  # written before the journal existed: the promote never started renaming


def commit(dest: Path, staged: Path, found: Plan) -> None:
    """Move the staged product into `dest`: one rename when new, else journaled renames."""
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        move(staged, dest)
        return
    renames = []
    for rel in found.changes:
        tmp = f"{rel}{NEW}"
        write_bytes_atomic(dest / tmp, found.files[rel], check=False)
        renames.append([tmp, rel])
    write_bytes_atomic(dest / JOURNAL, json.dumps(renames).encode(), check=False)
    roll_forward(dest)
    shutil.rmtree(staged, ignore_errors=True)
