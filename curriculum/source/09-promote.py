# %% [markdown]
# # Lesson 9: Promote into a package
#
# **Objectives**: turn the working notebook of lesson 8 into a data product another team can
# rely on: a Python package with the functions, tests, the notebook rewritten to import them, a
# descriptor with its contract, and CI; and know what each part is for.
# **Time box**: 40 minutes.
#
# `pairlab promote` does the mechanical part and explains each decision; the pair reviews it.

# %% [markdown] tags=["facilitator"]
# **Facilitator**: the run takes about half a minute: use it to have the navigator predict which
# cells become package code. Then walk the generated folder together: `src/` (what the notebook
# computed, as functions and `pipeline.run()`), `tests/` (characterization tests frozen from a
# real run: they prove *unchanged*, not *correct*; lesson 5's tests prove correct),
# `notebooks/` (paired), `dataproduct.yaml` and `contracts/`, and the CI files. If promote stops
# on a cell, its message names the cell and the fix: that is the exercise in a real product.

# %% [markdown]
# ## Promote lesson 8's notebook (driver: the analyst)
# Choose the product's name (lower case words joined by dashes, e.g. `claims-frequency`), then
# run the cell. promote analyses the notebook, writes the product, runs the original and the
# product on the same parameters and compares their output (the equivalence gate), and runs the
# product's checks.

# %% tags=["step:promote"]
import subprocess
import sys
from pathlib import Path

### BEGIN SOLUTION
name = "claims-frequency"
### END SOLUTION
#> name = ""  # the product's name, e.g. "claims-frequency"
argv = [sys.executable, "-m", "pairlab", "promote", "08-parameterize.ipynb", "--name", name]
done = subprocess.run([*argv, "--into", name], capture_output=True, text=True)
print(done.stdout[-3000:], done.stderr[-1000:])
assert done.returncode == 0, "promote stopped: read its message above"
written = sorted(p.name for p in Path(name).iterdir())
print("promoted into", name)

# %% [markdown]
# ## Read the decisions (rotate here)
# The table at the top of promote's output says what each cell became and why. Which cell number
# became the parameters of `pipeline.run()`?

# %% tags=["step:read-decisions"]
table = done.stdout.split("equivalence:")[0]
### BEGIN SOLUTION
parameters_cell = next(
    int(line.split()[1]) for line in table.splitlines() if "parameters of pipeline" in line
)
### END SOLUTION
#> parameters_cell = ...  # the cell number, read from the table above
expected = [line for line in table.splitlines() if line.startswith(f"cell {parameters_cell} ")]
assert expected and "parameters" in expected[0], f"cell {parameters_cell} is not the one"
print(f"cell {parameters_cell} became the parameters of pipeline.run()")

# %% [markdown]
# ## What was written
# Open the product folder in the file browser. Each part, and what you would do by hand without
# promote (`pairlab new data-product DEST` renders the same skeleton):
#
# | part | by hand |
# | --- | --- |
# | `src/<package>/transform.py`, `pipeline.py` | move the functions and the cells that build the result into modules |
# | `notebooks/` | rewrite the notebook to import them; pair it with a script (lesson 7) |
# | `tests/` | freeze a small real input and output per function as characterization tests |
# | `dataproduct.yaml`, `contracts/` | lesson 3's descriptor, with the contract inferred from the output |
# | CI files | lesson 10's script, as GitHub Actions and GitLab CI jobs |

# %% tags=["step:read-decisions"]
print(written)
assert {"pyproject.toml", "dataproduct.yaml", "src", "tests", "notebooks"} <= set(written)
