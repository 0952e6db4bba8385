# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 7: Pair the notebook with a script, and put it under version control
#
# **Objectives**: keep a plain-text twin of the notebook (a *paired* `py:percent` script) that
# reviews and diffs well; start a git repository, make git show notebook diffs with nbdime, and
# commit both files.
# **Time box**: 30 minutes.

# %% [markdown] tags=["facilitator"]
# **Facilitator**: pairing is a click, so the navigator should explain *why*: the `.py` file is
# what a reviewer reads in a pull request, and what ruff, pytest and grep see. If the guide says
# the pair is out of sync, the notebook was edited while JupyterLab's Jupytext was not running:
# save the notebook again. The commit uses the pair's names; at work, set `git config user.name`.

# %% [markdown]
# ## Pair the notebook (driver: the engineer; navigator: watch the file browser)
# Open the command palette (Ctrl+Shift+C), run **Pair with percent script** (Jupytext's command;
# the notebook's metadata then says `ipynb,auto:percent`), and save. A file
# `07-pair-and-version.py` appears next to this notebook: every save now writes both. Open the
# `.py` file and compare it with the notebook.
#
# (In a terminal: `jupytext --set-formats ipynb,py:percent 07-pair-and-version.ipynb`.)

# %% tags=["step:pair"]
import subprocess
import sys
from pathlib import Path

script = Path("07-pair-and-version.py")
print("paired script:", script.exists() and script.read_text()[:200])


# %% [markdown]
# ## A repository with notebook-aware diffs (rotate here)
# Make this folder a git repository and configure nbdime for it, so `git diff` shows notebook
# changes cell by cell. `git` below runs one git command and returns what it printed; `nbdime`
# runs one nbdime command.

# %%
def git(*args):
    """Run one git command in this folder and return its output."""
    done = subprocess.run(["git", *args], capture_output=True, text=True, check=True)
    return done.stdout


def nbdime(*args):
    """Run one nbdime command with this kernel's Python."""
    subprocess.run([sys.executable, "-m", "nbdime", *args], check=True)


# %% tags=["step:version"]
git("init", "--quiet")
nbdime("config-git", "--enable")
print(git("config", "--get", "diff.jupyternotebook.command"))

# %% [markdown]
# Commit the notebook *and* its paired script, under both your names. Run again, the cell
# commits only what changed since.

# %% tags=["step:version"]
who = ["-c", "user.name=Ana and Eli", "-c", "user.email=pair@example.com"]
git("add", "07-pair-and-version.ipynb", "07-pair-and-version.py")
if git("status", "--porcelain", "--untracked-files=no"):  # run again: nothing new to commit
    git(*who, "commit", "--quiet", "-m", "Pair lesson 7 with a script")
# What the repository's last commit holds (the step's check asks git the same question).
committed = git("ls-tree", "--name-only", "HEAD").split()
assert "07-pair-and-version.py" in committed, f"the last commit holds {committed}"
print("committed:", committed)

# %% [markdown]
# Now change a cell, save, and run `git diff` in a terminal: nbdime shows the cell that changed.
