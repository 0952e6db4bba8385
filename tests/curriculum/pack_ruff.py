"""What ruff says of a generated lesson pack, run as an ambassador runs it on the pack's folder."""

from __future__ import annotations

from pathlib import Path

from pairlab import _process
from pairlab.checks.lint import ruff_binary


def ruff_findings(pack: Path) -> list[str]:
    """Return the output of each of `ruff check` and `ruff format --check` that fails on `pack`.

    Run from the pack's parent, which holds no ruff settings: what ruff applies is what the
    pack carries (its ruff.toml), not pairlab's own pyproject.toml or ruff's defaults.
    """
    failed = []
    for argv in (
        ["check", "--no-cache", "--output-format", "concise"],
        ["format", "--check", "--no-cache"],
    ):
        done = _process.run([ruff_binary(), *argv, pack.name], cwd=pack.parent)
        if not done.ok:
            failed.append(f"ruff {argv[0]}: {done.stdout}{done.stderr}")
    return failed


def ruff_linted(pack: Path) -> set[str]:
    """Return the files of `pack` that `ruff check` reads, relative to it."""
    done = _process.run([ruff_binary(), "check", "--show-files", pack.name], cwd=pack.parent)
    found = [(pack.parent / line).resolve() for line in done.stdout.split()]
    return {path.relative_to(pack.resolve()).as_posix() for path in found}
