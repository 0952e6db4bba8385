"""Properties of the CLI's argument handling (issue 14), checked by Hypothesis.

Any argv built from the real subcommands, their options and odd values (missing, wrong type,
out of range, too long, a file where a folder goes, /proc, a damaged notebook, a symlink loop)
ends with exit 0, 1 or 2, never a traceback, and an exit 2 says one line. `main([...])` runs
in-process, as papermill's CLI tests do; values that would start long work (a server, a
rendered kit, a generated warehouse) are left out of the pools, not out of the checks.
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairlab.cli import main

LONG = "n" * 300
# Paths that exist or not, the wrong kind, too long, unwritable, damaged or looping.
PATHS = [
    "", ".", "nothing.ipynb", "a_file.txt", "a_dir", "full", "a_file.txt/x.ipynb",
    f"{LONG}.ipynb", "/proc/pairlab", "damaged.ipynb", "loop.ipynb", "-", "wh.duckdb",
]  # fmt: skip
# Destinations a command refuses before any long work: none is a fresh, empty place.
TAKEN = ["", ".", "a_file.txt", "full", "a_file.txt/x", f"{LONG}", "/proc/pairlab", "loop.ipynb"]
# Roots a lab refuses to serve (a valid one would start a server and wait).
# Roots `pairlab lab` refuses before serving (a new folder would be seeded and served).
NO_ROOT = ["a_file.txt", "nothing/below", "a_file.txt/x", f"{LONG}", "/proc/pairlab", "loop.ipynb"]
TEXT = [
    "", " ", "x", "-1", "0", "1e999", "nan", "2026-13-45", "é", "a,b,,", "../..", LONG, "--json",
    "welcome/meet", "welcome/nope", "in-order", "practice", "Ana:analyst", "Ana:chef", ":",
]  # fmt: skip
NUMBERS = ["-5", "0", "1", "99999999999999999999", "x", "1.5", "", "inf"]
URLS = [
    "", "x", "postgres://u:pw@[::1:1/db", "nosuch://u:pw@h/db", "duckdb:///nothing.duckdb",
    "duckdb:///a_file.txt", "trino://u:pw@127.0.0.1:1/hive",
]  # fmt: skip

paths, taken, text = st.sampled_from(PATHS), st.sampled_from(TAKEN), st.sampled_from(TEXT)
numbers, urls, flag = st.sampled_from(NUMBERS), st.sampled_from(URLS), st.just(None)

# Each subcommand: its words, its positional values, and its options with their values
# (None: a flag). Options marked required here keep the command off its long-work path.
COMMANDS: list[tuple[list[str], list[st.SearchStrategy], dict[str, st.SearchStrategy], set[str]]]
COMMANDS = [
    (["lessons"], [], {"--json": flag}, set()),
    (
        ["check"],
        [paths],
        {"--step": text, "--only": text, "--set": text, "--json": flag},
        set(),
    ),
    (["warehouse", "info"], [], {"--url": urls, "--table": text, "--json": flag}, set()),
    (
        ["warehouse", "init"],
        [],
        {"--path": taken, "--scale": numbers, "--seed": numbers},
        set(),
    ),
    (["catalog", "search"], [text], {"--root": paths, "--limit": numbers, "--json": flag}, set()),
    (["catalog", "overlap"], [text], {"--root": paths, "--json": flag}, set()),
    (["catalog", "html"], [taken], {"--root": paths}, set()),
    (["catalog", "lint"], [paths], {"--policy": flag, "--json": flag}, set()),
    (
        ["catalog", "test"],
        [paths],
        {"--url": urls, "--junit": paths, "--json": flag},
        set(),
    ),
    (["report"], [paths], {"--out": taken, "--teams": paths}, set()),
    (["new", "data-product"], [taken], {"--name": text, "--owner": text}, set()),
    (
        ["new", "pairing-session"],
        [taken],
        {
            "--pair": text,
            "--product": text,
            "--rotation": numbers,
            "--date": text,
            "--facilitator": text,
        },
        set(),
    ),
    (
        ["new", "ambassador"],
        [taken],
        {"--name": text, "--team": text, "--teammate": text},
        set(),
    ),
    (
        ["promote"],
        [paths],
        {"--name": text, "--into": taken, "--dry-run": flag, "--force": flag},
        set(),
    ),
    (["lesson", "new"], [taken], {"--from": paths, "--name": text}, set()),
    (["curriculum", "build"], [], {"--pack": taken, "--check": flag}, {"--pack"}),
    (
        ["curriculum", "run"],
        [],
        {"--pack": taken, "--out": taken, "--jobs": numbers, "--no-steps": flag},
        {"--pack"},
    ),
    (["lab"], [], {"--root": st.sampled_from(NO_ROOT), "--port": numbers}, {"--root"}),
]


@st.composite
def argvs(draw: st.DrawFn) -> list[str]:
    """Return an argv: a subcommand with some of its options, odd values, now and then junk."""
    words, positional, options, required = draw(st.sampled_from(COMMANDS))
    argv = list(words)
    for value in positional:
        if draw(st.integers(0, 9)):  # now and then the argument is missing
            argv.append(draw(value))
    chosen = draw(st.lists(st.sampled_from(sorted(options)), max_size=4, unique=True))
    for name in sorted(required | set(chosen)):
        argv.append(name)
        value = draw(options[name])
        if value is not None:
            argv.append(value)
    if not draw(st.integers(0, 7)):
        junk = draw(st.sampled_from(["--nope", "-x", "--help", "--json", "extra", "--"]))
        argv.insert(draw(st.integers(len(words), len(argv))), junk)
    return argv


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in a folder of odd things, with a home, kits and warehouse setting of its own."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "a_file.txt").write_text("mine")
    (work / "a_dir").mkdir()
    (work / "full").mkdir()
    (work / "full" / "keep.txt").write_text("mine")
    (work / "wh.duckdb").write_text("not really a warehouse")
    (work / "damaged.ipynb").write_text('{"cells": [')
    (work / "loop.ipynb").symlink_to(work / "loop.ipynb")
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("PAIRLAB_KITS_HOME", str(home / "kits"))
    monkeypatch.setenv("PAIRLAB_WAREHOUSE_PATH", str(work / "wh.duckdb"))
    monkeypatch.delenv("PAIRLAB_WAREHOUSE_URL", raising=False)
    monkeypatch.chdir(work)
    return work


def run(argv: list[str]) -> tuple[int, str, str]:
    """Run `pairlab ARGV` in-process; return its exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        warnings.catch_warnings(),  # a library's warning is not the CLI's traceback
    ):
        warnings.simplefilter("ignore")
        try:
            main(argv)
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
        else:
            code = 0
    return code, out.getvalue(), err.getvalue()


@settings(
    max_examples=150,
    deadline=30_000,  # ms: the slowest case is an unreachable server's refusal
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(argv=argvs())
def test_any_argv_exits_0_1_or_2_with_one_line_errors(work, argv):
    (work / "a_file.txt").write_text("mine")  # an output path may have overwritten it before
    code, out, err = run(argv)
    assert "Traceback" not in out + err, (argv, err)
    assert code in (0, 1, 2), (argv, code, err)
    if code == 2:
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("pairlab: error: "), (argv, err)
        assert "pw@" not in err  # a URL's password is masked
    assert (work / "full" / "keep.txt").read_text() == "mine"  # a full folder is never taken
    assert os.getcwd() == str(work)


# What the property found, kept as plain cases: a symlink loop as a destination (Python 3.11's
# Path.resolve() raised RuntimeError), a product name copier's rule refused after the checks.
FOUND = [
    ["new", "data-product", "loop.ipynb"],
    ["lesson", "new", "loop.ipynb", "--from", "-"],
    ["warehouse", "init", "--path", "loop.ipynb", "--scale", "0"],
    ["new", "data-product", "fresh", "--name", "é"],
]


@pytest.mark.parametrize("argv", FOUND, ids=lambda argv: " ".join(argv))
def test_what_the_property_found_is_one_line_and_exit_2(work, argv):
    code, _, err = run(argv)
    assert code == 2, err
    assert len(err.splitlines()) == 1 and err.startswith("pairlab: error: "), err
    assert not (work / "fresh").exists()
