"""`nbdime-configured`: git diffs and merges notebooks through nbdime, cell by cell."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pairlab import _process
from pairlab.checks._model import Check, Context, Result, errored, failed, passed
from pairlab.checks._registry import register

DRIVER = "jupyternotebook"
ENABLE = "run `nbdime config-git --enable` in the repository (add --global for all of yours)"


def git_root(start: Path) -> Path | None:
    """Return the nearest folder at or above `start` holding .git, without running git."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _applies(ctx: Context) -> str | None:
    """Apply inside git repositories only."""
    return None if git_root(ctx.project) else "not in a git repository"


def _git(root: Path, *args: str) -> _process.Completed:
    """Run one git command in `root`."""
    return _process.run(["git", "-C", str(root), *args], timeout=20)


def _attributes(root: Path, probe: str) -> dict[str, str]:
    """Return the diff and merge attributes git applies to `probe` (global files included)."""
    done = _git(root, "check-attr", "diff", "merge", "--", probe)
    attrs = {}
    for line in done.stdout.splitlines():
        _, name, value = (part.strip() for part in line.rsplit(":", 2))
        attrs[name] = value
    return attrs


def check_nbdime(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Pass when .ipynb files get nbdime's diff and merge drivers, and both drivers are defined."""
    root = git_root(ctx.project)
    if root is None:
        return failed(
            f"{ctx.project.name} is not in a git repository; run `git init`, then {ENABLE}"
        )
    probe = ctx.path.relative_to(root).as_posix() if ctx.is_notebook else "notebook.ipynb"
    attrs = _attributes(root, probe)
    if not attrs:
        return errored("git could not read the repository's attributes; is git installed?")
    wrong = [k for k in ("diff", "merge") if attrs.get(k) != DRIVER]
    if wrong:
        return failed(
            f"git's .gitattributes do not send notebooks' {' and '.join(wrong)} to nbdime; {ENABLE}"
        )
    done = _git(root, "config", "--get-regexp", rf"^(diff|merge)\.{DRIVER}\.")
    keys = {line.split()[0] for line in done.stdout.splitlines() if line.strip()}
    missing = [k for k in (f"diff.{DRIVER}.command", f"merge.{DRIVER}.driver") if k not in keys]
    if missing:
        return failed(f"git has no {missing[0]} setting, so the attribute leads nowhere; {ENABLE}")
    return passed("git diffs and merges notebooks with nbdime")


NBDIME_CONFIGURED = register(
    Check(
        id="nbdime-configured",
        title="git diffs and merges notebooks with nbdime",
        func=check_nbdime,
        target="project",
        applies=_applies,
    )
)
