"""The README's layout section names the tree as it is: every room, every test folder."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECTION = re.compile(r"^## Layout\n(.*?)(?=^## |\Z)", re.S | re.M)


def _layout() -> str:
    match = SECTION.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert match, "README.md has no ## Layout section"
    return match.group(1)


def test_every_folder_the_layout_names_exists() -> None:
    named = re.findall(r"^\| `([^`]+/)` \|", _layout(), re.M)
    assert named and [n for n in named if not (ROOT / n).is_dir()] == []


def test_every_room_of_the_library_and_every_test_folder_is_named() -> None:
    layout = _layout()
    package = ROOT / "src/pairlab"
    rooms = [p.name + ("/" if p.is_dir() else "") for p in package.iterdir()]
    rooms = [r for r in rooms if not r.startswith(("__", ".")) and r != "labextension/"]
    rooms = [r for r in rooms if r.endswith("/") or r.endswith(".py")]
    tests = [p.name + "/" for p in (ROOT / "tests").iterdir() if p.is_dir() and p.name[0] != "_"]
    missing = [r for r in rooms + tests if f"`{r}`" not in layout]
    assert missing == [], f"README's layout does not name {missing}"
