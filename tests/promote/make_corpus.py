"""Write the promotion corpus: notebooks the way analysts write them, with their files.

Each folder of tests/promote/corpus/ is one analyst's workspace: a notebook and what lies
beside it (data files, a module, the pair's tests). test_corpus.py promotes every one and
states the expected outcome. Run `python tests/promote/make_corpus.py` after changing it;
the files are committed so a reader can open them in JupyterLab.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
from make_fixtures import code, md
from make_fixtures import notebook as fixture_notebook

HERE = Path(__file__).resolve().parent / "corpus"


def notebook(*cells: dict[str, Any]) -> str:
    """Return a version-4.5 notebook's JSON with ids on every cell (the fixtures' shape)."""
    return json.dumps(fixture_notebook(*cells), indent=1) + "\n"


def parquet(frame: pd.DataFrame) -> bytes:
    """Return a frame as parquet bytes."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


INCURRED = (
    "def incurred_by_region(con, year):\n"
    '    """Return claims incurred on losses in `year` by region, in dollars."""\n'
    '    claims = con.table("claims")\n'
    '    policies = con.table("policies").select("policy_id", "region")\n'
    "    recent = claims.filter(claims.loss_date.year() == year)\n"
    '    recent = recent.join(policies, "policy_id")\n'
    '    return recent.group_by("region").agg(incurred=recent.incurred.sum().cast("float64"))\n'
)

# A local CSV of targets read by relative path, a plot, %matplotlib, the result written to
# out/ (a folder the product must have, and ignore the contents of).
REGIONAL_TARGETS = {
    "targets.ipynb": notebook(
        md("# Incurred against target\n\nFinance sent the targets as a CSV; we keep it in data/."),
        code("year = 2024", 1, "parameters"),
        code("%matplotlib inline\nimport pandas as pd\n\nfrom pairlab.warehouse import connect", 2),
        code("con = connect()", 3),
        code('targets = pd.read_csv("data/targets.csv")\ntargets.head()', 4),
        code(
            INCURRED + "\n\n"
            "def gap_to_target(incurred, targets):\n"
            '    """Return how far each region\'s incurred (in millions) is from its target."""\n'
            '    frame = incurred.merge(targets, on="region", how="left")\n'
            '    frame["gap"] = (frame["incurred"] / 1e6 - frame["target_musd"]).round(3)\n'
            '    return frame.sort_values("region").reset_index(drop=True)',
            5,
        ),
        code(
            "incurred = incurred_by_region(con, year).execute()\n"
            "result = gap_to_target(incurred, targets)\n"
            "result",
            6,
        ),
        code('result.plot.bar(x="region", y="gap")', 7),
        code('result.to_csv("out/target_gap.csv", index=False)', 8),
    ),
    "data/targets.csv": "region,target_musd\nEast,0.5\nNorth,0.4\nSouth,0.6\nWest,0.45\n",
    "out/.gitkeep": "",
}

# No warehouse at all: parquet files per year, read through an f-string inside a function;
# a text file read with Path.read_text in an exploration cell.
PREMIUM_FILES = {
    "premiums.ipynb": notebook(
        md("# Earned premium by product line, from the monthly extracts"),
        code("year = 2024", 1, "parameters"),
        code("from pathlib import Path\n\nimport pandas as pd", 2),
        code('print(Path("data/README.txt").read_text())', 3),
        code(
            "def earned_by_line(year):\n"
            '    """Return the year\'s earned premium by product line."""\n'
            '    frame = pd.read_parquet(f"data/premiums_{year}.parquet")\n'
            '    by_line = frame.groupby("product_line", as_index=False)["earned"].sum()\n'
            '    return by_line.sort_values("product_line").reset_index(drop=True)',
            4,
        ),
        code("earned = earned_by_line(year)\nearned", 5),
    ),
    "data/README.txt": "Monthly premium extracts, one parquet file per year.\n",
    "data/premiums_2023.parquet": parquet(
        pd.DataFrame(
            {"product_line": ["auto", "home", "auto", "travel"], "earned": [10.0, 4.5, 3.0, 1.25]}
        )
    ),
    "data/premiums_2024.parquet": parquet(
        pd.DataFrame(
            {"product_line": ["auto", "home", "home", "travel"], "earned": [12.0, 5.5, 1.0, 2.0]}
        )
    ),
}

# Globals and magics: a function reads a parameter and a constant as globals; %%time,
# %load_ext/%autoreload, %who; a chart.
PERIL_MAGICS = {
    "perils.ipynb": notebook(
        md("# Big claims by peril"),
        code("%load_ext autoreload\n%autoreload 2", 1),
        code("year = 2023\nthreshold = 5000", 2, "parameters"),
        code("import matplotlib.pyplot as plt\n\nfrom pairlab.warehouse import connect", 3),
        code('PERILS = ["collision", "theft", "fire", "water", "storm"]', 4),
        code('%%time\ncon = connect()\nclaims = con.table("claims")', 5),
        code("%who", 6),
        code(
            "def big_claims(claims, year):\n"
            '    """Return the claims above the threshold in `year` for the main perils."""\n'
            "    recent = claims.filter(claims.loss_date.year() == year)\n"
            "    recent = recent.filter(recent.peril.isin(PERILS))\n"
            "    return recent.filter(recent.incurred > threshold)\n"
            "\n\n"
            "def count_by_peril(big):\n"
            '    """Return how many big claims each peril had."""\n'
            '    return big.group_by("peril").agg(claims=big.count()).order_by("peril")',
            7,
        ),
        code("big = big_claims(claims, year)\nby_peril = count_by_peril(big).execute()", 8),
        code("fig, ax = plt.subplots()\nax.bar(by_peril.peril, by_peril.claims)\nplt.show()", 9),
    ),
}

# Copy-pasted cells: the same function pasted twice, an exploration cell pasted twice; the
# result tagged `output`.
COPY_PASTE = {
    "weekly.ipynb": notebook(
        md("# Claims reported per week"),
        code("import pandas as pd\n\nfrom pairlab.warehouse import connect", 1),
        code('con = connect()\nclaims = con.table("claims").execute()', 2),
        code(
            "def per_week(frame):\n"
            '    """Return how many claims were reported each ISO week."""\n'
            '    weeks = pd.to_datetime(frame["report_date"]).dt.isocalendar().week\n'
            '    return weeks.value_counts().sort_index().rename_axis("week").reset_index()',
            3,
        ),
        code("claims.report_date.min(), claims.report_date.max()", 4),
        code("claims.report_date.min(), claims.report_date.max()", 5),
        code(
            "def per_week(frame):\n"
            '    """Return how many claims were reported each ISO week."""\n'
            '    weeks = pd.to_datetime(frame["report_date"]).dt.isocalendar().week\n'
            '    return weeks.value_counts().sort_index().rename_axis("week").reset_index()',
            6,
        ),
        code("weekly = per_week(claims)\nweekly.head()", 7, "output"),
    ),
}

# The pair's own tests: tests/ importing their module, test_churn.py importing the paired
# script; both travel into the product, importing the package.
WITH_TESTS = {
    "churn.ipynb": notebook(
        md("# Share of claims closed within 30 days, by region"),
        code("year = 2024", 1, "parameters"),
        code("import claimslib\nfrom pairlab.warehouse import connect", 2),
        code(
            "def share_closed(frame):\n"
            '    """Return the share of claims closed within 30 days, per region."""\n'
            '    frame = frame.assign(fast=frame["days"] <= 30)\n'
            '    shares = frame.groupby("region", as_index=False)["fast"].mean()\n'
            '    return shares.rename(columns={"fast": "share_fast"}).round(4)',
            3,
        ),
        code(
            "con = connect()\n"
            "closed = claimslib.closed_claims(con, year).execute()\n"
            "shares = share_closed(closed)\n"
            "shares",
            4,
        ),
    ),
    "churn.py": (
        "# %%\nyear = 2024\n\n# %%\nimport claimslib\nfrom pairlab.warehouse import connect\n\n"
        "# %%\n"
        "def share_closed(frame):\n"
        '    """Return the share of claims closed within 30 days, per region."""\n'
        '    frame = frame.assign(fast=frame["days"] <= 30)\n'
        '    shares = frame.groupby("region", as_index=False)["fast"].mean()\n'
        '    return shares.rename(columns={"fast": "share_fast"}).round(4)\n'
    ),
    "claimslib.py": (
        '"""Claims helpers the pair moved out of the notebook."""\n\n\n'
        "def closed_claims(con, year):\n"
        '    """Return closed claims of `year` with their region and days to close."""\n'
        '    claims = con.table("claims")\n'
        '    policies = con.table("policies").select("policy_id", "region")\n'
        '    closed = claims.filter(claims.status == "closed")\n'
        "    closed = closed.filter(closed.loss_date.year() == year)\n"
        '    closed = closed.join(policies, "policy_id")\n'
        '    days = closed.closed_date.delta(closed.report_date, unit="day")\n'
        '    return closed.select("claim_id", "region", days=days)\n\n\n'
        "def days_label(days):\n"
        '    """Return a label for a number of days to close."""\n'
        '    return "fast" if days <= 30 else "slow"\n'
    ),
    "tests/test_claimslib.py": (
        "import claimslib\n\n\n"
        "def test_days_label():\n"
        '    assert claimslib.days_label(3) == "fast"\n'
        '    assert claimslib.days_label(31) == "slow"\n'
    ),
    "test_churn.py": (
        "import pandas as pd\n"
        "from churn import share_closed\n\n\n"
        "def test_share_closed_counts_fast_claims():\n"
        '    frame = pd.DataFrame({"region": ["East", "East", "West"], "days": [3, 40, 10]})\n'
        "    shares = share_closed(frame)\n"
        '    got = shares.set_index("region")["share_fast"].to_dict()\n'
        '    assert got == {"East": 0.5, "West": 1.0}\n'
    ),
}

# No function and no `output` tag: a stop naming the cell to tag.
NO_FUNCTIONS = {
    "quick_look.ipynb": notebook(
        md("# Quick look"),
        code("from pairlab.warehouse import connect", 1),
        code('con = connect()\nclaims = con.table("claims").execute()', 2),
        code('summary = claims.groupby("peril", as_index=False)["incurred"].sum()', 3),
        code("summary", 4),
    ),
}

# `%run helpers.py`: names a package cannot follow; a stop that says to import them.
RUN_MAGIC = {
    "report.ipynb": notebook(
        code("%run helpers.py", 1),
        code("from pairlab.warehouse import connect\n\ncon = connect()", 2),
        code("result = open_by_peril(con).execute()", 3),
    ),
    "helpers.py": (
        "def open_by_peril(con):\n"
        '    claims = con.table("claims")\n'
        '    claims = claims.filter(claims.status == "open")\n'
        '    return claims.group_by("peril").agg(n=claims.count())\n'
    ),
}

# A file on a shared drive by absolute path, and a URL: a stop naming the cell, path and fix.
SHARED_DRIVE = {
    "shared_drive.ipynb": notebook(
        code("import pandas as pd", 1),
        code('rates = pd.read_csv("https://example.org/rates.csv")', 2),
        code('targets = pd.read_csv("/mnt/finance/targets.csv")', 3),
        code(
            'def merge(rates, targets):\n    return rates.merge(targets, on="region")',
            4,
        ),
        code("result = merge(rates, targets)", 5),
    ),
}

# A package that is not installed: a stop before anything runs.
MISSING_PACKAGE = {
    "fancy_plot.ipynb": notebook(
        code("import seaborn as sns\n\nfrom pairlab.warehouse import connect", 1),
        code(
            'def claims(con):\n    return con.table("claims").execute()',
            2,
        ),
        code("frame = claims(connect())", 3),
        code('sns.histplot(frame, x="incurred")', 4),
    ),
}

# Data from outside the notebook's folder: a stop saying to move it in.
OUTSIDE_FOLDER = {
    "outside.ipynb": notebook(
        code("import pandas as pd", 1),
        code(
            'def load():\n    return pd.read_csv("../shared/targets.csv")',
            2,
        ),
        code("targets = load()", 3),
    ),
}

CORPUS = {
    "regional_targets": REGIONAL_TARGETS,
    "premium_files": PREMIUM_FILES,
    "peril_magics": PERIL_MAGICS,
    "copy_paste": COPY_PASTE,
    "with_tests": WITH_TESTS,
    "no_functions": NO_FUNCTIONS,
    "run_magic": RUN_MAGIC,
    "shared_drive": SHARED_DRIVE,
    "missing_package": MISSING_PACKAGE,
    "outside_folder": OUTSIDE_FOLDER,
}


def main() -> None:
    """Write every corpus folder afresh."""
    for name, files in CORPUS.items():
        folder = HERE / name
        shutil.rmtree(folder, ignore_errors=True)
        for rel, data in files.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data if isinstance(data, bytes) else data.encode())


if __name__ == "__main__":
    main()
