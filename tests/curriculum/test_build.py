"""Learner and solution notebooks, paired scripts and kit sheets are what the sources make."""

import shutil

import pytest

from pairlab.cli import main
from pairlab.curriculum import build
from pairlab.curriculum._build import notebook_for
from pairlab.errors import BadInput
from pairlab.resources import curriculum_dir, kits_dir

SOURCE = """# %% [markdown]
# # A lesson

# %% [markdown] tags=["facilitator"]
# Only the facilitator reads this.

# %% tags=["step:count", "parameters"] learner_tags=["step:count"]
n = 1
### BEGIN SOLUTION
total = n + 1
### END SOLUTION
#> total = ...  # add one
"""


def test_committed_files_are_what_the_sources_build():
    done = build(check=True)
    assert done.changed == [], "run `pairlab curriculum build` and commit the result"


def test_the_build_command_checks_without_writing(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["curriculum", "build", "--check"])
    assert exit_info.value.code == 0, capsys.readouterr().out


def test_a_stale_learner_notebook_is_rewritten(tmp_path):
    root, kits = tmp_path / "curriculum", tmp_path / "kits"
    shutil.copytree(curriculum_dir(), root)
    shutil.copytree(kits_dir() / "ambassador", kits / "ambassador")  # the sheets it derives
    (root / "04-functions.ipynb").write_text("{}")
    assert [p.name for p in build(root, check=True, kits=kits).changed] == ["04-functions.ipynb"]
    assert build(root, kits=kits).changed and build(root, check=True, kits=kits).changed == []


def test_one_source_makes_both_versions():
    learner = notebook_for(SOURCE, "learner", "99-demo")
    solution = notebook_for(SOURCE, "solution", "99-demo")
    assert len(learner["cells"]) == 2 and len(solution["cells"]) == 3
    assert "".join(learner["cells"][1]["source"]) == "n = 1\ntotal = ...  # add one"
    assert "".join(solution["cells"][2]["source"]) == "n = 1\ntotal = n + 1"
    assert learner["cells"][1]["metadata"] == {"tags": ["step:count"]}
    assert solution["cells"][2]["metadata"] == {"tags": ["step:count", "parameters"]}
    assert [c["id"] for c in learner["cells"]] == ["99-01", "99-03"]


def test_an_unclosed_solution_block_names_the_cell():
    with pytest.raises(BadInput, match="never closed"):
        notebook_for("# %%\n### BEGIN SOLUTION\nx = 1\n", "learner", "99-demo")


def test_running_with_no_kernels_is_bad_input(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["curriculum", "run", "--jobs", "0", "--out", str(tmp_path / "out")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'--jobs': 0 is not in the range 1<=x<=64" in err
    assert not (tmp_path / "out").exists()
