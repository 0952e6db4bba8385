"""paired: the jupytext-free reader for py:percent agrees with jupytext, and falls back to it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PAIRED = {"jupytext": {"formats": "ipynb,py:percent"}}
CELLS = [
    ("markdown", "# Title\n\nSome *text*.\n\n- a list"),
    ("code", "%matplotlib inline\nimport math"),
    ("raw", "raw text"),
    ("code", "def f(x):\n    # a comment\n    return math.sqrt(x)\n\n\nf(4)"),
    ("code", "!echo hi"),
]


def pair(folder, cells, formats="ipynb,py:percent"):
    """Write a notebook with `cells` and let jupytext write its paired script."""
    nb = {
        "cells": [
            {"cell_type": kind, "id": f"c{i}", "metadata": {}, "source": source}
            | ({"execution_count": None, "outputs": []} if kind == "code" else {})
            for i, (kind, source) in enumerate(cells, start=1)
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "language": "python", "display_name": "P"},
            "jupytext": {"formats": formats},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = folder / "nb.ipynb"
    path.write_text(json.dumps(nb))
    # jupytext's own command, run in this process: a fresh interpreter per call paid seconds
    # of imports (nbformat) in each of these tests.
    from jupytext.cli import jupytext

    assert jupytext(["--quiet", "--sync", str(path)]) == 0
    return path


@pytest.mark.parametrize("cells", [CELLS, CELLS[:1] + CELLS[3:4]], ids=["magics", "plain"])
def test_a_script_jupytext_wrote_is_in_sync(check, tmp_path, cells):
    path = pair(tmp_path, cells)
    assert check(path, "paired").status == "pass"


def test_other_formats_go_through_jupytext(check, tmp_path):
    path = pair(tmp_path, CELLS, formats="ipynb,md:myst")
    assert (tmp_path / "nb.md").is_file()
    assert check(path, "paired").status == "pass"
    text = (tmp_path / "nb.md").read_text().replace("return math.sqrt(x)", "return x")
    (tmp_path / "nb.md").write_text(text)
    assert check(path, "paired").cells == ("c4",)


def test_an_edited_markdown_line_is_out_of_sync(check, tmp_path):
    path = pair(tmp_path, CELLS)
    script = tmp_path / "nb.py"
    script.write_text(script.read_text().replace("# Some *text*.", "# Some other text."))
    result = check(path, "paired")
    assert result.status == "fail" and result.cells == ("c1",)


def test_a_missing_script_says_how_to_create_it(check, tmp_path):
    path = pair(tmp_path, CELLS)
    (tmp_path / "nb.py").unlink()
    result = check(path, "paired")
    assert result.status == "fail" and "jupytext --sync nb.ipynb" in result.message


def test_a_pair_in_sync_is_confirmed_without_importing_jupytext(fixtures):
    code = (
        "import sys; from pathlib import Path; from pairlab.checks import run_checks, select\n"
        f"r = run_checks(Path({str(fixtures / 'paired/pass.ipynb')!r}), select(only=['paired']))\n"
        "print(r.results[0].status, 'jupytext' in sys.modules, 'nbformat' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["pass", "False", "False"]


def test_a_jupytext_config_file_pairs_too(check, tmp_path):
    (tmp_path / "jupytext.toml").write_text('formats = "ipynb,py:percent"\n')
    path = pair(tmp_path, CELLS[:2])
    nb = json.loads(path.read_text())
    del nb["metadata"]["jupytext"]  # the pairing now comes from the config file only
    path.write_text(json.dumps(nb))
    assert check(path, "paired").status == "pass"


TWINS = {"auto:percent": "nb.py", "py:percent": "nb.py", "py:light": "nb.py", "md": "nb.md"}
TWINS |= {"md:myst": "nb.md"}


@pytest.mark.parametrize("fmt", sorted(TWINS))
def test_every_pairing_jupytext_writes_is_understood(check, tmp_path, fmt):
    # `auto:percent` is what JupyterLab's "Pair with percent script" command writes.
    path = pair(tmp_path, CELLS[:2] + CELLS[3:4], formats=f"ipynb,{fmt}")
    result = check(path, "paired")
    assert result.status == "pass" and TWINS[fmt] in result.message, result.message
    twin = tmp_path / TWINS[fmt]
    twin.write_text(twin.read_text().replace("return math.sqrt(x)", "return x"))
    result = check(path, "paired")
    assert result.status == "fail" and f"{TWINS[fmt]} is out of sync" in result.message
