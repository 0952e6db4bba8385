"""Write the answers-match fixtures: a claims file, its answer key and the learner notebooks.

Run `python tests/checks/make_answers_fixtures.py` after changing it; the files are committed
so a reader can open each notebook in JupyterLab and see the mistake.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent / "fixtures" / "answers"
PY = {"name": "python3", "display_name": "Python 3", "language": "python"}

# Claims 2 and 4-5 repeat earlier rows: 3 extra copies. Region north has 2 perils.
CLAIMS = """claim_id,policy_id,loss_date,peril,incurred,region
1,P1,2024-01-03,fire,1000,north
2,P1,2024-01-03,fire,1000,north
3,P2,2024-02-10,flood,500,south
4,P2,2024-02-10,flood,500,south
5,P2,2024-02-10,flood,500,south
6,P3,2024-03-01,theft,200,north
7,P4,2024-03-05,fire,750,south
8,P5,2024-04-11,theft,300,south
"""

ANSWER_KEY = '''"""The reference answers: what the warehouse documents."""

import pandas as pd

KEY = ["policy_id", "loss_date", "peril", "incurred"]


def claims() -> pd.DataFrame:
    """Return the claims table."""
    return pd.read_csv("claims.csv")


def duplicate_claims() -> int:
    """Return the number of extra copies of a claim."""
    return int(claims().duplicated(KEY).sum())


def claims_by_peril(region: str) -> pd.DataFrame:
    """Return the claims per peril in a region, indexed by peril."""
    rows = claims()
    return rows[rows.region == region].groupby("peril").agg(n=("claim_id", "count"))
'''

PARAMETERS = 'region = "north"'
LOAD = 'import pandas as pd\n\nclaims = pd.read_csv("claims.csv")\nclaims.head()'
RIGHT = (
    'copies = claims.groupby(["policy_id", "loss_date", "peril", "incurred"]).size()\n'
    "duplicate_claims = int((copies - 1).sum())\n"
    'assert duplicate_claims == 3, "the warehouse documents 3 duplicate claims"\n'
    "duplicate_claims"
)
# The classic slip: counting every copy, the first included; then silencing the assert.
WRONG = (
    'key = ["policy_id", "loss_date", "peril", "incurred"]\n'
    "duplicate_claims = int(claims.duplicated(key, keep=False).sum())\n"
    '# assert duplicate_claims == 3, "the warehouse documents 3 duplicate claims"\n'
    "# orphan_payments = ...\n"
    "duplicate_claims"
)
BY_PERIL = (
    "in_region = claims[claims.region == region]\n"
    'by_peril = in_region.groupby("peril", as_index=False).agg(n=("claim_id", "count"))\n'
    "by_peril"
)


def code(source: str, *tags: str) -> dict[str, Any]:
    """Return an unexecuted code cell."""
    meta = {"tags": list(tags)} if tags else {}
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": meta,
        "outputs": [],
        "source": source,
    }


def notebook(*cells: dict[str, Any]) -> dict[str, Any]:
    """Return a version-4.5 notebook whose cells get ids c1, c2... in order."""
    for number, cell in enumerate(cells, start=1):
        cell["id"] = f"c{number}"
    metadata = {"kernelspec": PY, "language_info": {"name": "python"}}
    return {"cells": list(cells), "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def write(name: str, content: dict[str, Any] | str) -> None:
    """Write one fixture file."""
    text = content if isinstance(content, str) else json.dumps(content, indent=1) + "\n"
    (HERE / name).write_text(text, encoding="utf-8")


def main() -> None:
    """Write every fixture."""
    HERE.mkdir(parents=True, exist_ok=True)
    write("claims.csv", CLAIMS)
    write("answer_key.py", ANSWER_KEY)
    write(
        "pass.ipynb",
        notebook(
            code(PARAMETERS, "parameters"),
            code(LOAD, "step:load"),
            code(RIGHT, "step:find-defects"),
            code(BY_PERIL, "step:by-region"),
        ),
    )
    write("wrong.ipynb", notebook(code(LOAD, "step:load"), code(WRONG, "step:find-defects")))
    # A typo in the file name: the run stops in cell 2, long before any answer exists.
    typo = LOAD.replace("claims.csv", "claim.csv")
    cells = code(PARAMETERS, "parameters"), code(typo, "step:load"), code(RIGHT)
    write("raises.ipynb", notebook(*cells))


if __name__ == "__main__":
    main()
