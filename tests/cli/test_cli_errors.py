"""Every subcommand, given bad input, says one line and exits 2: no traceback, nothing left behind.

Runs `python -m pairlab` as a user would; the unwritable cases drop the capabilities that let
root write anywhere (DESIGN: "Root can read and write anything").
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "tests/promote/fixtures/loss_ratio.ipynb"
DROP = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
LONG = "n" * 300
PAIR = ["--pair", "Ana:analyst", "--pair", "Eli:engineer"]


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A folder with a read-only folder, a file, a folder, a non-empty folder and a warehouse."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "ro").mkdir()
    (work / "ro").chmod(0o555)
    (work / "a_file.txt").write_text("mine")
    (work / "a_dir").mkdir()
    (work / "full").mkdir()
    (work / "full" / "keep.txt").write_text("mine")
    (work / "wh.duckdb").write_text("not really")
    yield work
    (work / "ro").chmod(0o755)


def pairlab(work: Path, *args: str, drop: bool = False) -> subprocess.CompletedProcess[str]:
    """Run `pairlab ARGS` in `work` as a separate process (without root's powers if `drop`).

    Its home, caches, kits and warehouse live beside `work`, so `work` shows what it left.
    """
    home = work.parent / "home"
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "PAIRLAB_KITS_HOME": str(home / "kits"),
        "PAIRLAB_WAREHOUSE_PATH": str(home / "warehouse.duckdb"),
    }
    env.pop("PAIRLAB_WAREHOUSE_URL", None)
    command = [*(DROP if drop else []), sys.executable, "-m", "pairlab", *args]
    return subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=120)


CASES: list[tuple[str, list[str], bool, str]] = [
    # missing arguments: click's usage block becomes one line and a --help hint
    ("check-missing", ["check"], False, "Missing argument 'PATH'"),
    ("promote-missing", ["promote"], False, "Missing argument"),
    ("promote-no-name", ["promote", str(NOTEBOOK)], False, "--name"),
    ("new-dp-missing", ["new", "data-product"], False, "Missing argument 'DEST'"),
    ("new-amb-missing", ["new", "ambassador", "x"], False, "--name"),
    (
        "new-amb-blank",
        ["new", "ambassador", "x", "--name", " ", "--team", "t", "--teammate", "y"],
        False,
        "--name is blank",
    ),
    ("search-missing", ["catalog", "search"], False, "Missing argument 'QUERY'"),
    ("overlap-missing", ["catalog", "overlap"], False, "Missing argument"),
    ("html-missing", ["catalog", "html"], False, "Missing argument 'OUT'"),
    ("ctest-missing", ["catalog", "test"], False, "Missing argument 'PRODUCT'"),
    ("report-missing", ["report"], False, "Missing argument"),
    ("report-no-out", ["report", "x.json"], False, "--out"),
    ("unknown-command", ["nope"], False, "No such command"),
    ("unknown-option", ["lessons", "--colour"], False, "No such option"),
    # wrong types and out-of-range values
    ("lab-port", ["lab", "--root", ".", "--port", "eighty"], False, "eighty"),
    ("wh-scale", ["warehouse", "init", "--scale", "big"], False, "big"),
    ("wh-seed", ["warehouse", "init", "--seed", "1.5"], False, "1.5"),
    ("jobs-zero", ["curriculum", "run", "--jobs", "0"], False, "--jobs"),
    ("limit-negative", ["catalog", "search", "x", "--limit", "-1"], False, "--limit"),
    ("limit-text", ["catalog", "search", "x", "--limit", "ten"], False, "--limit"),
    ("rotation", ["new", "pairing-session", "s", *PAIR, "--rotation", "-5"], False, "--rotation"),
    ("rotation-text", ["new", "pairing-session", "s", *PAIR, "--rotation", "x"], False, "x"),
    ("date", ["new", "pairing-session", "s", *PAIR, "--date", "2026-13-45"], False, "--date"),
    ("url", ["warehouse", "info", "--url", "postgres://user:pw@[::1:1/db"], False, "not a valid"),
    # missing inputs
    ("check-nothing", ["check", "nothing.ipynb"], False, "does not exist"),
    ("promote-nothing", ["promote", "nothing.ipynb", "--name", "abc-x"], False, "nothing.ipynb"),
    ("report-nothing", ["report", "nothing.json", "--out", "r.html"], False, "nothing.json"),
    ("name-too-long", ["check", f"{LONG}.ipynb"], False, "too long"),
    # existing destinations: a folder where a file goes, a file where a folder goes, a full one
    ("html-onto-folder", ["catalog", "html", "a_dir"], False, "is a folder"),
    ("html-under-file", ["catalog", "html", "a_file.txt/x.html"], False, "is a file"),
    ("html-into-proc", ["catalog", "html", "/proc/pairlab.html"], False, "/proc"),
    ("html-too-long", ["catalog", "html", f"{LONG}.html"], False, "too long"),
    ("report-onto-folder", ["report", "x.json", "--out", "a_dir"], False, "is a folder"),
    ("junit-onto-folder", ["catalog", "test", "p", "--junit", "a_dir"], False, "is a folder"),
    ("wh-exists", ["warehouse", "init", "--path", "wh.duckdb"], False, "wh.duckdb"),
    ("new-into-file", ["new", "data-product", "a_file.txt"], False, "is a file"),
    ("new-into-full", ["new", "data-product", "full"], False, "not empty"),
    ("lab-root-file", ["lab", "--root", "a_file.txt"], False, "is a file, not a folder"),
    # unwritable, as a user without root's powers
    ("html-unwritable", ["catalog", "html", "ro/x/index.html"], True, "ro"),
    ("report-unwritable", ["report", "x.json", "--out", "ro/r.html"], True, "ro"),
    ("junit-unwritable", ["catalog", "test", "p", "--junit", "ro/j.xml"], True, "ro"),
    ("wh-unwritable", ["warehouse", "init", "--path", "ro/w.duckdb"], True, "ro"),
    (
        "promote-unwritable",
        ["promote", str(NOTEBOOK), "--name", "abc-x", "--into", "ro/p"],
        True,
        "ro",
    ),
    ("new-unwritable", ["new", "data-product", "ro/dp"], True, "ro"),
    ("session-unwritable", ["new", "pairing-session", "ro/s", *PAIR], True, "ro"),
]


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs util-linux setpriv")
@pytest.mark.parametrize(
    ("args", "drop", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_one_line_and_exit_2(work, args, drop, words):
    before = sorted(p.name for p in work.rglob("*"))
    done = pairlab(work, *args, drop=drop)
    assert "Traceback" not in done.stderr + done.stdout
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pairlab: error: ")
    assert words in lines[0]
    assert "pw@" not in lines[0]  # a URL's password is masked
    after = sorted(p.name for p in work.rglob("*"))
    assert after == before  # nothing left behind: no .tmp, no staging, no half-made folder
    assert (work / "a_file.txt").read_text() == "mine"
    assert (work / "full" / "keep.txt").read_text() == "mine"


def test_the_usage_hint_names_the_subcommand(work):
    done = pairlab(work, "catalog", "search")
    assert "(see `pairlab catalog search --help`)" in done.stderr
