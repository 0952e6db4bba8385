# %% [markdown]
# # Lesson 6: Lint, format and read diffs
#
# **Objectives**: let ruff find problems in a notebook before a reviewer does; format code the
# same way every time; read a notebook's changes as cells, not as JSON.
# **Time box**: 30 minutes.
#
# This notebook ships **with lint problems on purpose**. Find and fix them.

# %% [markdown] tags=["facilitator"]
# **Facilitator**: let the pair read ruff's messages aloud and decide each fix; `--fix` solves
# the import findings, the `== None` comparison needs a human. Then open the diff of this notebook
# in git (after lesson 7 configures nbdime) so the pair sees cells, not JSON. nbqa is only needed
# for tools that cannot read notebooks themselves (mypy, for example): ruff reads them natively.

# %% [markdown]
# ## Ruff on a notebook (driver: the analyst; navigator: read each finding aloud)
# Run the next cell: ruff checks this notebook as saved. Fix what it reports in the cells below
# it, save, and run it again until it says `All checks passed!`. `ruff check --fix` fixes the
# safe ones for you; `ruff format` lays code out the standard way.

# %%
import sys

python = sys.executable  # this kernel's Python, with ruff installed
# !{python} -m ruff check 06-lint-and-diffs.ipynb
# !{python} -m ruff format --diff 06-lint-and-diffs.ipynb

# %% tags=["step:lint-clean"]
### BEGIN SOLUTION
from pairlab.warehouse import connect

import claimsfreq

### END SOLUTION
#> import os
#> import claimsfreq
#> from pairlab.warehouse import connect
#>
con = connect()
west = claimsfreq.claims_frequency(con, year=2024, region="West")

# %% tags=["step:lint-clean"]
### BEGIN SOLUTION
has_gaps = west["region"].isna().any()
### END SOLUTION
#> has_gaps = (west["region"] == None).any()
print("missing regions in the output:", has_gaps)

# %% [markdown]
# ## Read a notebook diff (rotate here)
# A notebook file is JSON: `git diff` of two versions is hard to read. nbdime compares them cell
# by cell. Here are two versions of a small notebook: find which cells changed.

# %% tags=["step:read-diff"]
import nbformat
from nbdime import diff_notebooks
from nbdime.prettyprint import pretty_print_diff

before = nbformat.v4.new_notebook(
    cells=[
        nbformat.v4.new_markdown_cell("# Loss ratio", id="title"),
        nbformat.v4.new_code_cell("ratio = incurred / earned", id="ratio"),
        nbformat.v4.new_code_cell("ratio", id="show"),
    ]
)
after = nbformat.v4.new_notebook(
    cells=[
        nbformat.v4.new_markdown_cell("# Loss ratio", id="title"),
        nbformat.v4.new_code_cell("ratio = round(incurred / earned, 4)", id="ratio"),
        nbformat.v4.new_code_cell("ratio", id="show"),
    ]
)
diff = diff_notebooks(before, after)
pretty_print_diff(before, diff, "notebook")

# %% [markdown]
# The diff is a list of operations on paths like `cells/1/source`. Collect the indices of the
# cells it touches.

# %% tags=["step:read-diff"]
cell_ops = next(op["diff"] for op in diff if op["key"] == "cells")
### BEGIN SOLUTION
changed_cells = sorted({op["key"] for op in cell_ops})
### END SOLUTION
#> changed_cells = ...  # a sorted list of cell indices
assert changed_cells == [1], f"look again at the pretty-printed diff: {changed_cells}"
print("changed cells:", changed_cells)

# %% [markdown]
# In a terminal: `nbdiff before.ipynb after.ipynb`, or `nbdiff-web` for a side-by-side view in
# the browser. Lesson 7 makes `git diff` use nbdime for every notebook.
#
# ## Run it in order
# Restart the kernel, run all cells, save, and check.
