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


# A long markdown paragraph (one line, as analysts type it) and SQL held in variables: a query
# constant a function formats, read by promote for the input tables and the test's sample.
LONG_NOTE = (
    "Finance asked for the claims count and the incurred amount per region for the year, "
    "counted by loss date rather than report date, because the reserving team books them that "
    "way and the two differ by a few percent at year end."
)
SQL_VARIABLES = {
    "regional_sql.ipynb": notebook(
        md(f"# Claims by region, in SQL\n\n{LONG_NOTE}"),
        code("year = 2024", 1, "parameters"),
        code("from pairlab.warehouse import connect", 2),
        code(
            'CLAIMS_SQL = """\n'
            "SELECT p.region, count(*) AS claims, sum(c.incurred) AS incurred\n"
            "FROM claims AS c\n"
            "JOIN policies AS p ON c.policy_id = p.policy_id\n"
            "WHERE extract(year FROM c.loss_date) = {year}\n"
            "GROUP BY p.region\n"
            '"""',
            3,
        ),
        code(
            "def claims_by_region(con, year):\n"
            '    """Return claims and incurred per region for losses in `year`."""\n'
            "    frame = con.sql(CLAIMS_SQL.format(year=year)).execute()\n"
            '    frame["incurred"] = frame["incurred"].astype("float64").round(2)\n'
            '    return frame.sort_values("region").reset_index(drop=True)',
            4,
        ),
        code("con = connect()\nby_region = claims_by_region(con, year)\nby_region", 5),
    ),
}

# The analyst's own zip() (ruff's B905: not safe to fix for them) and a str.format() call
# (UP032: ruff's safe fix): a stop naming the line and the fix, then --fix for the rest.
SEVERITY = "region,weight\nEast,1.0\nNorth,1.5\nSouth,0.5\nWest,2.0\n"
ZIP_PAIRS = {
    "weights.ipynb": notebook(
        md("# Weighted severity by region"),
        code("import pandas as pd", 1),
        code('weights = pd.read_csv("data/weights.csv")', 2),
        code(
            "def weighted(regions, weights):\n"
            '    """Return each region with its weight, labelled for the chart."""\n'
            "    rows = []\n"
            "    for region, weight in zip(regions, weights):\n"
            '        rows.append({"region": region, "label": "{:.1f}".format(weight)})\n'
            "    return pd.DataFrame(rows)",
            3,
        ),
        code('labels = weighted(weights["region"], weights["weight"])\nlabels', 4),
    ),
    "data/weights.csv": SEVERITY,
}

# Functions returning a Series and a number (both get characterization tests), and the
# result written through an f-string path (git must ignore it, or CI leaves a dirty tree).
PERILS_CSV = "peril,incurred\nfire,1200.5\ntheft,300.25\nfire,800.0\nwater,50.0\ntheft,99.75\n"
SERIES_EXPORT = {
    "peril_shares.ipynb": notebook(
        md("# Each peril's share of incurred, exported for finance"),
        code("year = 2024", 1, "parameters"),
        code("import pandas as pd", 2),
        code('claims = pd.read_csv("data/claims.csv")', 3),
        code(
            "def incurred_by_peril(frame):\n"
            '    """Return the incurred amount per peril, as a Series."""\n'
            '    return frame.groupby("peril")["incurred"].sum().round(2)\n'
            "\n\n"
            "def total_incurred(frame):\n"
            '    """Return the total incurred amount."""\n'
            '    return round(float(frame["incurred"].sum()), 2)\n'
            "\n\n"
            "def shares(by_peril, total, year):\n"
            '    """Return each peril\'s share of the total in `year`, as a table."""\n'
            '    table = (by_peril / total).round(4).rename("share").reset_index()\n'
            "    return table.assign(year=year)",
            4,
        ),
        code(
            "by_peril = incurred_by_peril(claims)\n"
            "total = total_incurred(claims)\n"
            "result = shares(by_peril, total, year)\n"
            "result",
            5,
        ),
        code('result.to_csv(f"out/shares_{year}.csv", index=False)', 6),
    ),
    "data/claims.csv": PERILS_CSV,
    "out/.gitkeep": "",
}

# A query on one long line inside a function: ruff's E501 in the product, a stop naming the
# line and the fix (sql_variables is the same query, applied: in triple quotes).
LONG_SQL_LINE = {
    "one_line_sql.ipynb": notebook(
        code("from pairlab.warehouse import connect", 1),
        code(
            "def open_by_peril(con):\n"
            "    return con.sql(\"SELECT peril, count(*) AS n FROM claims WHERE status = 'open' "
            'GROUP BY peril ORDER BY peril").execute()',
            2,
        ),
        code("by_peril = open_by_peril(connect())", 3),
    ),
}

# scikit-learn is not installed here: a stop whose advice names the distribution to install.
MISSING_SKLEARN = {
    "trend.ipynb": notebook(
        code("import pandas as pd\nfrom sklearn.linear_model import LinearRegression", 1),
        code(
            "def fit_trend(frame):\n"
            '    model = LinearRegression().fit(frame[["month"]], frame["claims"])\n'
            '    return pd.DataFrame({"slope": [model.coef_[0]]})',
            2,
        ),
        code('trend = fit_trend(pd.DataFrame({"month": [1, 2, 3], "claims": [3, 5, 7]}))', 3),
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
    "sql_variables": SQL_VARIABLES,
    "zip_pairs": ZIP_PAIRS,
    "series_export": SERIES_EXPORT,
    "long_sql_line": LONG_SQL_LINE,
    "missing_sklearn": MISSING_SKLEARN,
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
