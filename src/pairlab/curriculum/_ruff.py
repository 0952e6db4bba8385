"""A lesson pack's ruff settings, and the code pairlab generates for it laid out as they want.

A pack lints as the core curriculum does: `ruff.toml` at its top extends the starter
`workspace/pyproject.toml` (which the lab puts beside the learner's notebooks), the lesson
sources are linted as the notebooks built from them, and the line length and rules are the core
workspace's own. The product's package is named first-party: nothing else tells ruff that
`workspace/PACKAGE/` is the learner's project. Each cell pairlab writes goes through ruff with
those settings (imports sorted, then formatted), so a generated pack starts clean.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import cache

from pairlab import _process
from pairlab.checks.lint import ruff_binary
from pairlab.resources import curriculum_dir

RUFF_FILE = "ruff.toml"
TIMEOUT = 30  # seconds for one ruff call on one cell; it takes milliseconds


@dataclass(frozen=True)
class PackRuff:
    """The ruff settings of one pack: the core's line length and rules, its package first-party."""

    line_length: int
    select: tuple[str, ...]
    first_party: str

    def overrides(self) -> list[str]:
        """Return the settings as ruff `--config` options, for code not yet in the pack."""
        return [
            # No first-party guessed from the folder pairlab runs in (a checkout of pairlab
            # would make `pairlab` first-party): only the package the pack names is.
            "--config",
            "src = []",
            "--config",
            f"line-length = {self.line_length}",
            "--config",
            f"lint.isort.known-first-party = {json.dumps([self.first_party])}",
        ]


@cache
def _core_settings() -> tuple[int, tuple[str, ...]]:
    """Return the core workspace's line length and rule selection: one set of rules to learn."""
    path = curriculum_dir() / "workspace" / "pyproject.toml"
    ruff = tomllib.loads(path.read_text(encoding="utf-8"))["tool"]["ruff"]
    return int(ruff["line-length"]), tuple(ruff["lint"]["select"])


def pack_ruff(package: str) -> PackRuff:
    """Return the ruff settings of a pack teaching the product whose package is `package`."""
    line_length, select = _core_settings()
    return PackRuff(line_length, select, package)


def pyproject_ruff(settings: PackRuff) -> str:
    """Return the `[tool.ruff]` tables of the pack's starter pyproject.toml."""
    return (
        f"[tool.ruff]\nline-length = {settings.line_length}\n"
        "# The lesson sources are linted as the notebooks built from them.\n"
        'extend-exclude = ["source"]\n\n'
        f"[tool.ruff.lint]\nselect = {json.dumps(list(settings.select))}\n\n"
        "[tool.ruff.lint.isort]\n"
        "# The product's package sits beside the lessons (workspace/ in the pack).\n"
        f"known-first-party = {json.dumps([settings.first_party])}\n\n"
        "[tool.ruff.format]\n"
        "# Paired solution scripts (a source's `pairlab.solution_formats`) are jupytext's layout.\n"
        'exclude = ["solutions/*.py"]\n'
    )


def ruff_toml() -> str:
    """Return the pack's ruff.toml: authors lint with the settings the learners get."""
    return (
        "# Authors lint the lessons here with the settings the learners' workspace gets "
        '(workspace/).\nextend = "workspace/pyproject.toml"\n'
    )


def tidy(code: str, settings: PackRuff) -> str:
    """Return `code` with its imports sorted and laid out as ruff wants it in the pack.

    Code ruff cannot read (it never should be: pairlab writes it) comes back as it was; the
    pack still runs, and `ruff check` on it names the problem.
    """
    common = ["--isolated", *settings.overrides(), "--stdin-filename", "cell.py", "-"]
    fix = ["check", "--select", "I", "--fix", "--exit-zero", "--quiet", "--no-cache"]
    ruff = ruff_binary()
    done = _process.run([ruff, *fix, *common], stdin=code, timeout=TIMEOUT)
    if not done.ok:
        return code
    formatted = _process.run([ruff, "format", *common], stdin=done.stdout, timeout=TIMEOUT)
    return (formatted.stdout if formatted.ok else done.stdout).rstrip("\n")
