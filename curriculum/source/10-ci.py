# %% [markdown]
# # Lesson 10: Continuous integration
#
# **Objectives**: write down, as one script, everything that must be true before a change is
# merged: lint, tests, the output contract, and the notebooks executed with papermill; run it on
# every change with a CI service.
# **Time box**: 30 minutes.

# %% [markdown] tags=["facilitator"]
# **Facilitator**: the script is the point, the YAML is plumbing: CI only runs what a person
# could run on their laptop. Ask the analyst which stage would have caught lesson 1's defects
# (the contract). Common mistake: CI that runs tests but never executes the notebooks, so a
# notebook that stopped running goes unnoticed until the pricing review.

# %% [markdown]
# ## The contract as a test (driver: the analyst)
# Lesson 3's contract promises unique keys and known product lines. This test checks the real
# output against it.

# %%
from pathlib import Path

Path("tests").mkdir(exist_ok=True)

# %%
# %%writefile tests/test_contract.py
"""The product's output keeps the promises of its contract (lesson 3)."""

from pairlab.warehouse import connect

import claimsfreq

KEY = ["month", "product_line", "region"]


def test_output_keeps_the_contract():
    output = claimsfreq.claims_frequency(connect(), year=2024)
    assert not output.duplicated(KEY).any(), "one row per month, product line and region"
    assert set(output["product_line"]) <= {"motor", "home", "travel"}
    assert output[KEY].notna().all().all(), "no missing keys"
    assert (output["claims"] >= 0).all() and (output["earned"] > 0).all()

# %% [markdown]
# ## One script for every check (rotate here)
# `ci.py` runs each stage and stops at the first failure. It has lint, and the tests (the
# contract test included); add the stage that is missing: the notebooks, executed with papermill
# (lesson 8's notebook for one region is enough to prove it still runs).

# %% tags=["step:ci-script"]
# %%writefile ci.py
"""Run every check a change must pass: python ci.py (exit 1 on the first failure)."""

import re
import subprocess
import sys

PY = sys.executable
# A line that names a problem: a ruff rule code (F401), an exception raised (KeyError: ...).
PROBLEM = re.compile(r"\b[A-Z]{1,4}\d{3,4}\b|^\w+(Error|Exception)\b")
COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # tools colour their output when a kernel runs them
STAGES = {
    "lint": [PY, "-m", "ruff", "check", "claimsfreq.py", "tests"],
    # Every test in tests/: lesson 5's unit tests and the contract test above.
    "tests": [PY, "-m", "pytest", "-q", "tests"],
    ### BEGIN SOLUTION
    "notebooks": [
        *[PY, "-m", "papermill", "08-parameterize.ipynb", "ci-08.ipynb"],
        *["-p", "region", "North", "--no-progress-bar", "--log-level", "ERROR"],
    ],
    ### END SOLUTION
    #> # "notebooks": [...],  # papermill on 08-parameterize.ipynb for region North
}


def first_problem(output):
    """Return the line that says what failed: a failed test, else a rule code or an error."""
    lines = [line.strip() for line in COLOUR.sub("", output).splitlines() if line.strip()]
    tests = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
    return next(iter([*tests, *filter(PROBLEM.search, lines), *lines]), "")


if __name__ == "__main__":
    for name, argv in STAGES.items():
        print(f"== {name}", flush=True)
        done = subprocess.run(argv, capture_output=True, text=True)
        print(done.stdout, done.stderr, sep="", flush=True)
        if done.returncode != 0:
            sys.exit(f"CI failed at stage {name}: {first_problem(done.stdout + done.stderr)}")
    print("CI passed")

# %% tags=["step:ci-script"]
import os
import runpy
import subprocess
import sys

stages = runpy.run_path("ci.py")["STAGES"]  # what ci.py will run, read without running it
print("stages:", ", ".join(stages))
# The headless demo inside lesson 8 starts one more run; CI needs only the notebook itself.
env = os.environ | {"PAIRLAB_NESTED_RUN": "1"}
done = subprocess.run([sys.executable, "ci.py"], capture_output=True, text=True, env=env)
print(done.stdout[-1500:], done.stderr[-1500:])
# ci.py's last line names the stage that failed and its first error: "CI failed at stage ...".
assert done.returncode == 0, (done.stderr.strip().splitlines() or ["ci.py failed"])[-1]
assert "== notebooks" in done.stdout, "ci.py never executes the notebooks"

# %% [markdown]
# ## Run it on every change
# A CI service runs the script on each push and pull request. This workflow is GitHub Actions';
# GitLab CI's `.gitlab-ci.yml` runs the same `python ci.py` in one job.

# %% tags=["step:workflow"]
import yaml

workflow = {
    "name": "ci",
    "on": ["push", "pull_request"],
    "jobs": {
        "check": {
            "runs-on": "ubuntu-latest",
            "steps": [
                {"uses": "actions/checkout@v4"},
                {"uses": "actions/setup-python@v5", "with": {"python-version": "3.11"}},
                {"run": "pip install pairlab"},
                ### BEGIN SOLUTION
                {"run": "python ci.py"},
                ### END SOLUTION
                #> # the step that runs the checks
            ],
        }
    },
}
runs = [step.get("run", "") for step in workflow["jobs"]["check"]["steps"]]
assert "python ci.py" in runs, "the workflow never runs ci.py"
Path(".github/workflows").mkdir(parents=True, exist_ok=True)
Path(".github/workflows/ci.yml").write_text(yaml.safe_dump(workflow, sort_keys=False))
print("wrote .github/workflows/ci.yml")
