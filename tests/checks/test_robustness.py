"""A corpus no check may crash on: other languages, nbformat 3, damaged files, 5 MB outputs."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pairlab.cli import main

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"
STATIC = "in-order,lint-clean,has-parameters,paired,uses-functions,no-secrets,no-absolute-paths"
PYTHON_ONLY = {"lint-clean", "has-parameters", "uses-functions", "no-absolute-paths"}
# Files every notebook check must answer with `error`, and the words that say why.
UNREADABLE = {
    "nbformat3.ipynb": "nbformat 3",
    "invalid_json.ipynb": "not valid JSON",
    "zero_bytes.ipynb": "not valid JSON",
    "json_list.ipynb": "not a notebook",
    "latin1.ipynb": "not UTF-8",
    "bad_cell_type.ipynb": "cell_type 'heading'",
    "source_not_text.ipynb": "no readable 'source'",
}


def check_json(capsys, path: Path, *extra: str) -> tuple[int, dict]:
    """Run `pairlab check PATH --json` in-process; return exit code and parsed output."""
    with pytest.raises(SystemExit) as info:
        main(["check", str(path), "--json", *extra])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return info.value.code or 0, json.loads(out)


def assert_well_formed(body: dict) -> None:
    """Every result has a known status and a message a person can act on."""
    for result in body["results"]:
        assert result["status"] in ("pass", "fail", "error")
        assert len(result["message"]) > 10
        assert isinstance(result["cells"], list)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.ipynb")), ids=lambda p: p.name)
def test_static_checks_never_crash(capsys, path):
    if path.name in UNREADABLE:  # one line and exit 2, not the same error from every check
        with pytest.raises(SystemExit) as info:
            main(["check", str(path), "--json", "--only", STATIC])
        out, err = capsys.readouterr()
        assert (info.value.code, out) == (2, "")
        assert err.count("\n") == 1 and UNREADABLE[path.name] in err and "Traceback" not in err
        return
    code, body = check_json(capsys, path, "--only", STATIC)
    assert code in (0, 1)
    assert_well_formed(body)


@pytest.mark.parametrize("name", ["r.ipynb", "julia.ipynb"])
def test_other_languages_get_errors_that_say_why(capsys, name):
    _, body = check_json(capsys, CORPUS / name, "--only", STATIC)
    by_id = {r["id"]: r for r in body["results"]}
    for check_id in PYTHON_ONLY:
        assert by_id[check_id]["status"] == "error"
        assert "reads Python only" in by_id[check_id]["message"]
    assert by_id["in-order"]["status"] == "pass"  # counts mean the same in every language


def test_a_5_mb_output_is_scanned_quickly(capsys, tmp_path):
    line = "region north sales 1234.56 " * 4 + "\n"
    text = line * (5 * 2**20 // len(line)) + "postgresql://ana:realpw99@db/sales\n"
    cell = {"cell_type": "code", "id": "big", "execution_count": 1, "metadata": {},
            "source": "print(report)",
            "outputs": [{"output_type": "stream", "name": "stdout", "text": text}]}  # fmt: skip
    nb = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "big.ipynb"
    path.write_text(json.dumps(nb))
    assert path.stat().st_size > 5 * 2**20
    started = time.perf_counter()
    _, body = check_json(capsys, path, "--only", STATIC)
    assert time.perf_counter() - started < 10
    assert_well_formed(body)
    secrets = next(r for r in body["results"] if r["id"] == "no-secrets")
    assert secrets["status"] == "fail" and secrets["cells"] == ["big"]  # found at the very end


@pytest.mark.slow
def test_the_installed_command_on_the_whole_corpus(tmp_path):
    argv = [sys.executable, "-m", "pairlab", "check", str(CORPUS), "--only", STATIC, "--json"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    body = json.loads(done.stdout)
    assert {r["notebook"] for r in body["results"]} == {p.name for p in CORPUS.glob("*.ipynb")}


@pytest.mark.slow
def test_every_check_that_applies_on_the_corpus_in_real_kernels():
    argv = [sys.executable, "-m", "pairlab", "check", str(CORPUS), "--json"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    body = json.loads(done.stdout)
    assert_well_formed(body)
    runs = {r["notebook"]: r for r in body["results"] if r["id"] == "runs-top-to-bottom"}
    assert runs["r.ipynb"]["status"] == "error" and "not installed" in runs["r.ipynb"]["message"]
    assert runs["raw_cells.ipynb"]["status"] == "pass"
    assert runs["syntax_error.ipynb"]["status"] == "fail"
