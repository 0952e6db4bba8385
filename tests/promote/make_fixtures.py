"""Write the promotion fixtures: exploration notebooks the way analysts really write them.

Run `python tests/promote/make_fixtures.py` after changing it; the notebooks are committed so
a reader can open them in JupyterLab. Execution counts record the order the analyst ran them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent / "fixtures"
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}


def md(text: str) -> dict[str, Any]:
    """Return a markdown cell."""
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def code(source: str, count: int | None, *tags: str) -> dict[str, Any]:
    """Return a code cell, tagged as given, run as the `count`-th execution."""
    meta: dict[str, Any] = {"tags": list(tags)} if tags else {}
    return {
        "cell_type": "code",
        "execution_count": count,
        "metadata": meta,
        "outputs": [],
        "source": source,
    }


def notebook(*cells: dict[str, Any]) -> dict[str, Any]:
    """Return a version-4.5 notebook with ids on every cell."""
    for i, cell in enumerate(cells):
        cell["id"] = f"c{i:02d}"
    meta = {"kernelspec": KERNEL, "language_info": {"name": "python"}}
    return {"cells": list(cells), "metadata": meta, "nbformat": 4, "nbformat_minor": 5}


LOSS_RATIO = notebook(
    md("# Loss ratio by region\n\nWhere do claims cost more than the premium we earn?"),
    code("year = 2024", 1, "parameters"),
    code("import pandas as pd\n\nfrom pairlab.warehouse import connect", 2),
    code("con = connect()\ncon.list_tables()", 3),
    code('policies = con.table("policies")\npolicies.head().execute()', 4),
    md("Premium is earned month by month; claims count by loss date."),
    code(
        "def earned_by_region(con, year):\n"
        '    """Return premium earned in `year` by region."""\n'
        '    premiums = con.table("premiums")\n'
        '    policies = con.table("policies").select("policy_id", "region")\n'
        "    joined = premiums.filter(premiums.month.year() == year)"
        '.join(policies, "policy_id")\n'
        '    return joined.group_by("region").agg(earned=joined.earned_premium.sum())\n'
        "\n\n"
        "def incurred_by_region(con, year):\n"
        '    """Return claims incurred on losses in `year` by region."""\n'
        "    claims = con.sql(\n"
        '        "SELECT p.region, c.incurred, c.loss_date FROM claims c "\n'
        '        "JOIN policies p USING (policy_id)"\n'
        "    )\n"
        "    claims = claims.filter(claims.loss_date.year() == year)\n"
        '    return claims.group_by("region").agg(incurred=claims.incurred.sum())\n'
        "\n\n"
        "def loss_ratio(earned: pd.DataFrame, incurred: pd.DataFrame) -> pd.DataFrame:\n"
        '    """Join earned and incurred and divide; regions without claims have 0."""\n'
        '    frame = earned.merge(incurred, on="region", how="left").fillna({"incurred": 0})\n'
        '    frame["earned"] = frame["earned"].astype(float)\n'
        '    frame["incurred"] = frame["incurred"].astype(float)\n'
        '    frame["loss_ratio"] = (frame["incurred"] / frame["earned"]).round(4)\n'
        '    return frame.dropna(subset=["region"]).sort_values("region").reset_index(drop=True)',
        5,
    ),
    code(
        "earned = earned_by_region(con, year).execute()\n"
        "incurred = incurred_by_region(con, year).execute()\n"
        "result = loss_ratio(earned, incurred)\n"
        "result",
        6,
    ),
    code('result.plot.bar(x="region", y="loss_ratio")', 7),
)

# Globals reused across cells, a function reading a global parameter and a constant, a plot,
# `%matplotlib inline` and a `!pip install` line: promotes, with flags explaining the fixes.
MESSY = notebook(
    md("# Claims by peril\n\nFirst look, messy on purpose."),
    code("!pip install -q duckdb\n%matplotlib inline", 1),
    code("min_claims = 5\nyear = 2023", 2, "parameters"),
    code("import ibis\nimport matplotlib.pyplot as plt\nfrom pairlab.warehouse import connect", 3),
    code('PERILS = ["collision", "theft", "fire", "water", "storm", "medical", "baggage"]', 4),
    code("con = connect()\nclaims = con.table('claims')\nclaims.count().execute()", 5),
    code("claims.peril.value_counts().execute()", 6),
    code(
        "def claims_by_peril(claims, year):\n"
        "    recent = claims.filter(claims.loss_date.year() == year)\n"
        "    recent = recent.filter(recent.peril.isin(PERILS))\n"
        "    counts = recent.group_by('peril').agg(\n"
        "        claims=recent.count(), incurred=recent.incurred.sum().cast('float64')\n"
        "    )\n"
        "    return counts.filter(counts.claims >= min_claims).order_by('peril')",
        7,
    ),
    code("table = claims_by_peril(claims, year)\nby_peril = table.execute()\nby_peril", 9),
    code("by_peril['average'] = (by_peril.incurred / by_peril.claims).round(2)\nby_peril", 10),
    code("fig, ax = plt.subplots()\nax.bar(by_peril.peril, by_peril.average)\nplt.show()", 11),
)

# Cell 4 uses `threshold`, which only cell 6 sets: it worked once, run out of order.
OUT_OF_ORDER = notebook(
    code("from pairlab.warehouse import connect\ncon = connect()", 1),
    code("def big(claims, threshold):\n    return claims.filter(claims.incurred > threshold)", 2),
    code("claims = con.table('claims')", 3),
    code("result = big(claims, threshold).execute()", 5),
    md("Chose the threshold after looking at the data."),
    code("threshold = 5000", 4),
)

# The function reads `claims`, a frame another cell computed: hidden state.
HIDDEN_STATE = notebook(
    code("from pairlab.warehouse import connect\ncon = connect()", 1),
    code("claims = con.table('claims').execute()", 2),
    code("def open_claims():\n    return claims[claims.status == 'open']", 3),
    code("result = open_claims()", 4),
)

# The shell builds part of the result: no module can hold that.
SHELL_IN_RESULT = notebook(
    code("import pandas as pd", 1),
    code("def count(names):\n    return pd.DataFrame({'n': [len(names)]})", 2),
    code("names = !ls\nresult = count(names)", 3),
)

NO_CODE = notebook(
    md("# Just looking"),
    code("from pairlab.warehouse import connect\ncon = connect()", 1),
    code("con.table('claims').head().execute()", 2),
)

# Runs fine statically, fails in a kernel: the column is misspelt.
FAILS = notebook(
    code("from pairlab.warehouse import connect\ncon = connect()", 1),
    code(
        "def by_status(con):\n"
        "    t = con.table('claims')\n"
        "    return t.group_by('statuss').agg(n=t.count())",
        2,
    ),
    code("result = by_status(con).execute()", 3),
)

# Runs, but draws a different sample each run: the promoted product cannot match it.
UNSEEDED = notebook(
    code("from pairlab.warehouse import connect\ncon = connect()", 1),
    code("def spot_check(claims, n):\n    return claims.sample(n=n).reset_index(drop=True)", 2),
    code("result = spot_check(con.table('claims').execute(), 20)", 3),
)

FIXTURES = {
    "loss_ratio.ipynb": LOSS_RATIO,
    "messy_globals.ipynb": MESSY,
    "out_of_order.ipynb": OUT_OF_ORDER,
    "hidden_state.ipynb": HIDDEN_STATE,
    "shell_in_result.ipynb": SHELL_IN_RESULT,
    "no_code.ipynb": NO_CODE,
    "fails_to_run.ipynb": FAILS,
    "unseeded_sample.ipynb": UNSEEDED,
}


def main() -> None:
    """Write every fixture notebook."""
    for name, content in FIXTURES.items():
        (HERE / name).write_text(json.dumps(content, indent=1) + "\n", encoding="utf-8")
    (HERE / "not_a_notebook.ipynb").write_text("this is not JSON\n", encoding="utf-8")


if __name__ == "__main__":
    main()
