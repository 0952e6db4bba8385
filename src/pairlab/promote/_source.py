"""Turn a code cell's IPython source into plain Python, noting what had to change and why."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

# Timing and display magics change nothing a package needs: drop them (keep the timed code).
_HARMLESS_CELL = {"time", "timeit", "capture"}
_HARMLESS_LINE = {"matplotlib", "load_ext", "autoreload", "config", "env", "who", "whos"}
_HELP = re.compile(r"^\s*\??[\w.]+\?{0,2}\s*$(?<=\?)")
_LINE_MAGIC = re.compile(r"^(\s*)(?:(\w+)\s*=\s*)?([%!])(\S*)\s*(.*)$")


@dataclass
class Cleaned:
    """A cell's source as Python, the line changes made, and what they mean for promotion."""

    python: str
    dependencies: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # changes that need nobody's attention
    blockers: list[str] = field(default_factory=list)  # IPython code a module cannot hold
    magic_cell: str = ""  # a cell magic that makes the whole cell non-Python (%%bash, %%sql)
    dropped_lines: set[int] = field(default_factory=set)  # 1-based lines that are not Python


def _pip_packages(args: str) -> list[str]:
    """Return the requirements a `pip install ...` line names (options left out)."""
    try:
        words = shlex.split(args)
    except ValueError:
        words = args.split()
    if len(words) < 2 or words[0] != "install":
        return []
    return [w for w in words[1:] if not w.startswith("-")]


def _line(cleaned: Cleaned, number: int, match: re.Match[str]) -> str:
    """Return the Python replacing one magic or shell line, recording what it was."""
    indent, target, sigil, name, rest = match.groups()
    cleaned.dropped_lines.add(number)
    command = (name + " " + rest).strip() if sigil == "!" else name
    if command.startswith("pip") or (sigil == "%" and name in ("pip", "conda")):
        args = rest if sigil == "%" else command.removeprefix("pip").strip()
        found = _pip_packages(args)
        cleaned.dependencies += found
        cleaned.notes.append(
            f"line {number} installs {', '.join(found) or 'packages'}: "
            "moved to the package's dependencies in pyproject.toml"
        )
        return f"{indent}pass"
    if sigil == "%" and name in ("time", "timeit") and rest and not target:
        cleaned.notes.append(f"line {number}: kept the code timed by %{name}, dropped the timing")
        cleaned.dropped_lines.discard(number)
        return f"{indent}{rest}"
    if sigil == "%" and name in _HARMLESS_LINE:
        cleaned.notes.append(f"line {number}: %{name} configures the notebook only; left out")
        return f"{indent}pass"
    what = f"`{sigil}{command}`" if sigil == "!" else f"`%{name}`"
    fix = (
        "use Python (pathlib, subprocess) instead of the shell"
        if sigil == "!"
        else "write it as Python, or keep it in an exploration cell"
    )
    cleaned.blockers.append(f"line {number} runs {what}, which a module cannot hold; {fix}")
    return f"{indent}{target} = None" if target else f"{indent}pass"


def clean(source: str) -> Cleaned:
    """Return the cell as Python: magics and shell lines replaced line for line."""
    lines = source.split("\n")
    cleaned = Cleaned("")
    first = lines[0].strip() if lines else ""
    if first.startswith("%%"):
        name = first[2:].split()[0] if first[2:].split() else ""
        cleaned.dropped_lines.add(1)
        if name not in _HARMLESS_CELL:
            cleaned.magic_cell = name
            cleaned.python = "\n" * (len(lines) - 1)
            return cleaned
        cleaned.notes.append(f"%%{name} only measures the cell; dropped it")
        lines[0] = ""
    out = []
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        match = _LINE_MAGIC.match(line)
        shell_value = bool(match and match.group(2) and match.group(3) == "!")
        magic = bool(match and not match.group(2) and stripped[:1] in "%!")
        if match and (shell_value or magic):
            out.append(_line(cleaned, number, match))
        elif _HELP.match(line):
            cleaned.dropped_lines.add(number)
            out.append(line[: len(line) - len(line.lstrip())] + "pass")
        else:
            out.append(line)
    cleaned.python = "\n".join(out)
    return cleaned
