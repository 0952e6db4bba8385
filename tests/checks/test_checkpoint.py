"""pairlab.checkpoint: the panel's logic, driven without a browser (real widgets, real checks)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import pairlab
from pairlab import _process
from pairlab.checks._checkpoint import Checkpoint, find_notebook
from pairlab.lessons import get_lesson

pytestmark = pytest.mark.kernel  # runs notebooks in real kernels


@pytest.fixture
def notebook(fixtures, tmp_path):
    """Return lesson 0 as a pair leaves `meet` done: their own names, both cells run in order."""
    path = tmp_path / "00-welcome.ipynb"
    nb = json.loads((fixtures / "in_order/pass.ipynb").read_text())
    nb["cells"][1]["source"] = (
        'pair = {"driver": "Maria (analyst)", "navigator": "Jon (engineer)"}\nx = 1'
    )
    path.write_text(json.dumps(nb))
    return path


def test_import_pairlab_does_not_import_widgets():
    code = (
        "import sys, pairlab; print('ipywidgets' in sys.modules, 'pairlab.checks' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_checkpoint_is_exported_lazily(notebook):
    shown = []
    panel = pairlab.checkpoint("welcome/meet", path=notebook)
    assert isinstance(panel, Checkpoint) and panel.passed
    panel.show(shown.append)  # already displayed by checkpoint(): not shown twice
    assert shown == []


def test_static_checks_run_at_once_and_kernel_checks_wait(notebook):
    panel = Checkpoint("welcome/run-in-order", notebook)
    assert [r.id for r in panel.results] == ["in-order"] and panel.pending == ["runs-top-to-bottom"]
    assert panel.verdict == "pending" and not panel.passed  # a waiting kernel run is no pass
    assert "✅" in panel.table.value and "press Re-check" in panel.table.value
    assert "Run the notebook top to bottom" in panel.header.value


def test_recheck_reads_the_saved_notebook_again(notebook):
    panel = Checkpoint("welcome/meet", notebook)
    assert panel.passed
    nb = json.loads(notebook.read_text())
    nb["cells"][1]["execution_count"] = 9  # the learner re-ran a cell above: counts 9, 2
    notebook.write_text(json.dumps(nb))
    panel.button.click()
    assert not panel.passed and "❌" in panel.table.value and "c3" in panel.table.value


@pytest.mark.parametrize(
    ("step", "words"),
    [("welcome/nope", "no step 'nope'"), ("nope/meet", "no lesson 'nope'"), ("welcome", "step")],
)
def test_a_wrong_step_shows_an_error_instead_of_raising(notebook, step, words):
    panel = Checkpoint(step, notebook)
    assert panel.results[0].status == "error" and words in panel.results[0].message
    assert "⚠️" in panel.table.value


def test_the_notebook_is_found_from_the_kernel_session(notebook, monkeypatch, tmp_path):
    lesson = get_lesson("welcome")
    monkeypatch.chdir(tmp_path / "..")
    monkeypatch.setenv("JPY_SESSION_NAME", str(notebook))
    assert find_notebook(lesson) == notebook
    monkeypatch.delenv("JPY_SESSION_NAME")
    assert find_notebook(lesson, {"__vsc_ipynb_file__": str(notebook)}) == notebook
    monkeypatch.chdir(tmp_path)  # the kernel's folder holds the lesson's notebook
    assert find_notebook(lesson) == tmp_path / "00-welcome.ipynb"


def test_no_notebook_found_says_how_to_fix(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    panel = Checkpoint("welcome/meet")
    assert "pass path=" in panel.results[0].message


@pytest.mark.slow
def test_recheck_runs_the_kernel_checks_too(notebook):
    panel = Checkpoint("welcome/run-in-order", notebook)
    panel.button.click()
    assert [(r.id, r.status) for r in panel.results] == [
        ("in-order", "pass"),
        ("runs-top-to-bottom", "pass"),
    ]


@pytest.mark.slow
def test_checkpoint_in_a_real_kernel(notebook, tmp_path):
    cell = (
        "import pairlab\n"
        "panel = pairlab.checkpoint('welcome/meet')\n"
        "assert panel.passed, panel.results"
    )
    lesson = json.loads(notebook.read_text())
    lesson["cells"].append({"cell_type": "code", "id": "cp", "execution_count": None,
                            "metadata": {}, "outputs": [], "source": cell})  # fmt: skip
    notebook.write_text(json.dumps(lesson))
    out = tmp_path / "out.ipynb"
    argv = [sys.executable, "-m", "papermill", str(notebook), str(out), "--cwd", str(tmp_path)]
    # run_kernel starts once more a kernel that died at start (two kernels drew one port).
    done = _process.run_kernel([*argv, "-k", "python3"], timeout=120)
    assert done.ok, done.stderr[-2000:]
    outputs = json.loads(out.read_text())["cells"][-1]["outputs"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
