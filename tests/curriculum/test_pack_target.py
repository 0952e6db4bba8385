"""The function a pack teaches holds the product's logic: the largest pure one run() calls."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pairlab.curriculum._product import read_product

DESCRIPTOR = """\
id: weekly
name: Weekly claims
inputPorts:
  - name: claims
"""

PIPELINE = '''\
"""Build `weekly`."""

import pandas as pd
from pairlab.warehouse import connect

from weekly import helpers
from weekly.transform import label, per_week, unused_year

WEIGHTS = {"a": 1}


def run(con=None, *, year=2024, floor=3):
    """Return the output table `weekly`."""
    if con is None:
        con = connect()
    claims = con.table("claims").execute()
    extra = pd.DataFrame({"week": [1, 2], "n": [3, 4]})  # a frame built inline
    noise = helpers.noisy(claims)
    weekly = per_week(claims, extra, floor=floor)
    weekly = label(weekly)
    total = unused_year(weekly, year)
    return weekly.assign(total=total, noise=len(noise))
'''

TRANSFORM = '''\
"""The notebook's functions."""

import pandas as pd

BASE = 1


def per_week(frame, extra, *, floor=3):
    """Return claims per ISO week, at least `floor`, with the extra weeks."""
    weeks = pd.to_datetime(frame["report_date"]).dt.isocalendar().week
    counts = weeks.value_counts().sort_index().rename_axis("week").reset_index()
    counts = pd.concat([counts, extra], ignore_index=True)
    return counts[counts["count"].fillna(floor) >= floor + BASE]


def label(frame):
    """Return the frame with a label."""
    return frame.assign(label="w")


def unused_year(frame, year):
    """Return a bigger body that ignores `year`: not pure enough to teach."""
    a = frame.copy()
    b = a.copy()
    c = b.copy()
    d = c.copy()
    e = d.copy()
    return round(float(len(e)), 2)
'''

HELPERS = '''\
"""Helpers beside the notebook."""

state = []


def noisy(frame):
    """Read a module variable: not pure."""
    a = frame.copy()
    b = a.copy()
    c = b.copy()
    state.append(1)
    return c.head(len(state) + 100)
'''


@pytest.fixture
def product(tmp_path: Path) -> Path:
    """Return a product folder whose run() calls several functions, one frame built inline."""
    root = tmp_path / "weekly"
    package = root / "src" / "weekly"
    package.mkdir(parents=True)
    (root / "dataproduct.yaml").write_text(DESCRIPTOR)
    (package / "__init__.py").write_text("")
    (package / "pipeline.py").write_text(PIPELINE)
    (package / "transform.py").write_text(TRANSFORM)
    (package / "helpers.py").write_text(HELPERS)
    return root


def test_the_target_is_the_largest_pure_function_run_calls(product: Path):
    target = read_product(product).target
    # Not run() (the wrapper), not unused_year (ignores `year`, returns a number), not
    # helpers.noisy (reads module state): per_week, the largest that is left.
    assert (target.module, target.name) == ("weekly.transform", "per_week")
    assert target.call == "per_week(claims, extra, floor=floor)"


def test_its_inputs_are_the_statements_of_run_that_build_its_arguments(product: Path):
    target = read_product(product).target
    assert target.inputs.splitlines() == [
        "floor = 3",  # run's keyword, absent from the notebook's parameters: its default
        "claims = con.table('claims').execute()",
        "extra = pd.DataFrame({'week': [1, 2], 'n': [3, 4]})",
    ]  # not `if con is None`, not `noise = ...`, which the call does not need
    assert target.imports.splitlines() == [
        "import pandas as pd",
        "from weekly.transform import BASE",
    ]


def test_a_pipeline_calling_no_package_function_falls_back_to_a_callable_one(product: Path):
    pipeline = product / "src" / "weekly" / "pipeline.py"
    pipeline.write_text(
        textwrap.dedent('''\
            """Build `weekly` inline."""


            def run(con=None, *, year=2024):
                """Return the output table `weekly`."""
                claims = con.table("claims")
                return claims.filter(claims.loss_date.year() == year)
            ''')
    )
    target = read_product(product).target
    assert (target.name, target.call, target.inputs) == ("run", "run(con=con)", "")


def test_a_call_whose_argument_only_a_loop_binds_is_not_taught(product: Path):
    pipeline = product / "src" / "weekly" / "pipeline.py"
    text = pipeline.read_text()
    looped = "    weekly = [per_week(c, extra, floor=floor) for c in [claims]][0]\n"
    pipeline.write_text(text.replace("    weekly = per_week(claims, extra, floor=floor)\n", looped))
    target = read_product(product).target
    # `c` exists only inside the comprehension: a lesson could not call per_week as run does.
    assert (target.name, target.call) == ("label", "label(weekly)")
    assert "weekly = [per_week(c, extra, floor=floor) for c in [claims]][0]" in target.inputs
