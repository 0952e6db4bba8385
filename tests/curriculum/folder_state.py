"""What a pair's folder holds: every file's digest and the git history, to compare before/after."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path


def folder_state(folder: Path) -> dict[str, str]:
    """Return {relative path: sha256} of every file outside .git, plus `git log` of each repo."""
    state = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if ".git" in relative.parts:
            if path.name == ".git" and path.is_dir():
                log = subprocess.run(
                    ["git", "-C", str(path.parent), "log", "--all", "--format=%H %s"],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                state[f"git log of {relative.parent}"] = log.stdout
            continue
        if path.is_symlink():
            state[str(relative)] = f"-> {path.readlink()}"
        elif path.is_file():
            state[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            state[str(relative)] = "folder"
    return state


def changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Return what differs: files added, removed or changed, commits made."""
    return [
        f"{'added' if k not in before else 'removed' if k not in after else 'changed'}: {k}"
        for k in sorted(before.keys() | after.keys())
        if before.get(k) != after.get(k)
    ]
