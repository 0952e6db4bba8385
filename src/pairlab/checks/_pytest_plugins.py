"""Which installed pytest plugins a check's pytest run loads: those the project's tests name.

pytest loads every installed plugin at start. Where pairlab's own test tools are installed
(schemathesis, hypothesis) that costs seconds per run, and a check may run pytest several
times (once per mutant). So a check's run turns plugin autoloading off and loads by name the
plugins the tests, conftest files and pytest settings mention. A plugin that only provides a
fixture (no import names it) shows up as "fixture ... not found": the run is then made again
with every plugin, as a plain `pytest` would.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path

AUTOLOAD_OFF = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
# pytest's words for a fixture nobody provides: an unloaded plugin may be the one.
MISSING_FIXTURE = re.compile(r"fixture '[^']+' not found")
_CONFIG = ("conftest.py", "pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini")
_MAX_BYTES = 2_000_000  # what is read of the tests to look for plugin names


@cache
def _installed() -> tuple[tuple[str, frozenset[str]], ...]:
    """Return each installed plugin's module with the names that would mention it."""
    found = []
    for point in entry_points(group="pytest11"):
        module = point.value.split(":")[0]
        names = {point.name, module.split(".")[0].lstrip("_")}
        if point.dist is not None:
            dist = point.dist.name.lower()
            names |= {dist, dist.replace("-", "_"), dist.removeprefix("pytest-")}
        found.append((module, frozenset(n for n in names if len(n) > 2)))
    return tuple(found)


def _files(project: Path, paths: Iterable[Path]) -> Iterator[Path]:
    """Yield the test files run and the files that configure pytest for them."""
    for path in paths:
        yield from sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for folder in [path if path.is_dir() else path.parent, *path.parents]:
            yield folder / "conftest.py"
            if folder == project:
                break
    yield from (project / name for name in _CONFIG)


def _text(project: Path, paths: Iterable[Path]) -> str:
    """Return the text of the tests and pytest's settings, up to a bound."""
    parts, size = [], 0
    for file in dict.fromkeys(_files(project, paths)):
        if size > _MAX_BYTES or not file.is_file():
            continue
        try:
            text = file.read_text(encoding="utf-8", errors="replace")[:_MAX_BYTES]
        except OSError:
            continue
        parts.append(text)
        size += len(text)
    return "\n".join(parts)


def named_plugins(project: Path, paths: Iterable[Path]) -> list[str]:
    """Return `-p MODULE` for each installed plugin the project's tests or settings name."""
    text = _text(project, paths)
    argv: list[str] = []
    for module, names in _installed():
        if any(re.search(rf"\b{re.escape(name)}\b", text) for name in names):
            argv += ["-p", module]
    return argv
