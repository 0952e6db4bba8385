"""Write the check fixtures: each notebook passes or fails one check for a learner's reason.

Run `python tests/checks/make_fixtures.py` after changing it; the files are committed so a
reader can open each fixture in JupyterLab and see the mistake.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent / "fixtures"
PY = {"name": "python3", "display_name": "Python 3", "language": "python"}


def code(source: str, count: int | None = None, tags: tuple[str, ...] = (), outputs=()) -> dict:
    """Return a code cell."""
    meta: dict[str, Any] = {"tags": list(tags)} if tags else {}
    return {
        "cell_type": "code",
        "execution_count": count,
        "metadata": meta,
        "outputs": list(outputs),
        "source": source,
    }


def md(source: str) -> dict:
    """Return a markdown cell."""
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def stream(text: str) -> dict:
    """Return a stdout stream output."""
    return {"output_type": "stream", "name": "stdout", "text": text}


def notebook(cells: list[dict], kernel: dict | None = None, **meta: Any) -> dict:
    """Return a version-4.5 notebook whose cells get ids c1, c2... in order."""
    for number, cell in enumerate(cells, start=1):
        cell.setdefault("id", f"c{number}")
    metadata = {"kernelspec": kernel or PY, "language_info": {"name": (kernel or PY)["language"]}}
    return {"cells": cells, "metadata": metadata | meta, "nbformat": 4, "nbformat_minor": 5}


def write(relative: str, content: dict | str) -> Path:
    """Write one fixture file."""
    path = HERE / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else json.dumps(content, indent=1) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


LOAD = "from pathlib import Path\n\nDATA = Path('data') / 'sales.csv'"
REGION = 'region = "north"\nyear = 2024'


def practice_notebooks() -> None:
    """Write pass/fail notebooks for the static checks and the kernel run."""
    write("in_order/pass.ipynb", notebook([md("# Sales"), code("x = 1", 1), code("x + 1", 2)]))
    # The learner fixed cell 3, then went back and re-ran cell 2: counts 1, 5, 3.
    write("in_order/fail.ipynb", notebook([code("x = 1", 1), code("y = x * 2", 5), code("y", 3)]))
    write("lint/pass.ipynb", notebook([code("import math\n\nmath.sqrt(4)", 1)]))
    # An import left behind after the code that used it was deleted.
    write("lint/fail.ipynb", notebook([md("# Lint"), code("import os\nimport math\n\nmath.pi", 1)]))
    write("parameters/pass.ipynb", notebook([code(REGION, 1, ("parameters",)), code("region", 2)]))
    # Parameters are set in a plain cell: the learner never added the tag.
    write("parameters/fail.ipynb", notebook([code(REGION, 1), code("region", 2)]))
    write(
        "parameters/computed.ipynb",
        notebook([code("import datetime\nstart = datetime.date.today()", 1, ("parameters",))]),
    )
    functions = "def total(rows):\n    return sum(r['amount'] for r in rows)"
    write(
        "functions/pass.ipynb",
        notebook([code(functions, 1), code("rows = [{'amount': 2}]\nresult = total(rows)", 2)]),
    )
    loop = (
        "rows = [{'amount': 2}, {'amount': -1}]\ntotal = 0\nfor r in rows:\n"
        "    if r['amount'] > 0:\n        total += r['amount']\nprint(total)"
    )
    write("functions/fail.ipynb", notebook([code(loop, 1)]))
    count = "duplicates = 5\nprint(f'{duplicates} duplicate claims')"
    shown = [stream("5 duplicate claims\n")]
    write("cells/pass.ipynb", notebook([code(count, 1, ("step:count",), shown)]))
    # The learner's query counted every claim, so the lesson's assert stopped the cell.
    wrong = {
        "output_type": "error",
        "ename": "AssertionError",
        "evalue": "304 != 5",
        "traceback": [],
    }
    write("cells/fail.ipynb", notebook([code(count, 1, ("step:count",), [wrong])]))
    write("cells/unrun.ipynb", notebook([code("x = 1", 1), code(count, None, ("step:count",))]))
    env = "import os\n\npassword = os.environ['DB_PASSWORD']"
    write("secrets/pass.ipynb", notebook([code(env, 1)]))
    write("secrets/fail.ipynb", notebook([code('password = "hunter2-prod"\nuser = "ana"', 1)]))
    url = "postgresql://ana:s3cretpw@warehouse:5432/sales"
    write("secrets/output.ipynb", notebook([code("engine.url", 1, outputs=[stream(url)])]))
    write("paths/pass.ipynb", notebook([code(LOAD, 1)]))
    abs_load = "import pandas as pd\n\nsales = pd.read_csv('/home/ana/Downloads/sales.csv')"
    write("paths/fail.ipynb", notebook([code(abs_load, 1)]))


def run_notebooks() -> None:
    """Write notebooks for runs-top-to-bottom: one that runs, one that does not."""
    write("runs/pass.ipynb", notebook([code(REGION, None, ("parameters",)), code("len(region)")]))
    # `sales` came from a cell the learner deleted; the live kernel still remembered it.
    write("runs/fail.ipynb", notebook([code("x = 1", 1), code("sales.head()", 2)]))
    check = "assert region != 'all', 'run me with a region'\nprint(region)"
    write(
        "runs/needs_region.ipynb",
        notebook([code("region = 'all'", None, ("parameters",)), code(check)]),
    )
    r_kernel = {"name": "ir", "display_name": "R", "language": "R"}
    write("runs/r_kernel.ipynb", notebook([code("x <- 1")], r_kernel))


def paired_notebooks() -> None:
    """Write a paired notebook with its script in sync, and one whose script was edited."""
    meta = {"jupytext": {"formats": "ipynb,py:percent"}}
    cells = [md("# Paired"), code("def double(x):\n    return 2 * x", 1), code("double(2)", 2)]
    for name in ("pass", "stale"):
        write(f"paired/{name}.ipynb", notebook([dict(c) for c in cells], **meta))
        script = HERE / f"paired/{name}.py"
        # jupytext writes the script, as it would when the learner saves in JupyterLab.
        argv = [sys.executable, "-m", "jupytext", "--to", "py:percent", "-o", str(script)]
        subprocess.run([*argv, str(script.with_suffix(".ipynb"))], check=True, capture_output=True)
    stale = HERE / "paired/stale.py"
    # The learner fixed a bug in the script in their editor and never synced the notebook.
    stale.write_text(stale.read_text().replace("return 2 * x", "return x + x"))
    write("paired/unpaired.ipynb", notebook([dict(c) for c in cells]))


def projects() -> None:
    """Write two tiny projects: one whose tests pass, one with a learner's off-by-one."""
    toml = '[project]\nname = "sales"\nversion = "0"\n\n[tool.pytest.ini_options]\naddopts = ""\n'
    module = "def net(amounts):\n    return sum(a for a in amounts if a > 0)\n"
    for name, expected in (("tests_pass", 5), ("tests_fail", 4)):
        write(f"{name}/pyproject.toml", toml)
        write(f"{name}/sales.py", module)
        write(f"{name}/analysis.ipynb", notebook([code("from sales import net\n\nnet([2, 3])", 1)]))
        test = (
            "from sales import net\n\n\ndef test_net_drops_refunds():\n"
            f"    assert net([2, 3, -1]) == {expected}\n\n\ndef test_net_of_nothing():\n"
            "    assert net([]) == 0\n"
        )
        write(f"{name}/tests/test_sales.py", test)
    write("no_tests/pyproject.toml", toml)
    write("no_tests/analysis.ipynb", notebook([code("1 + 1", 1)]))


def corpus() -> None:
    """Write notebooks no check may crash on: other languages, old formats, damaged files."""
    r_kernel = {"name": "ir", "display_name": "R", "language": "R"}
    write("corpus/r.ipynb", notebook([code("library(dplyr)\nsales %>% head()", 1)], r_kernel))
    julia = {"name": "julia-1.10", "display_name": "Julia", "language": "julia"}
    write("corpus/julia.ipynb", notebook([code("x = [1, 2]\nsum(x)", 1)], julia))
    raw = {"cell_type": "raw", "metadata": {"format": "text/restructuredtext"}, "source": "..."}
    write("corpus/raw_cells.ipynb", notebook([raw, md("# t"), code("1", 1), dict(raw)]))
    odd = code("x = 1", "1")  # type: ignore[arg-type] - a count saved as text
    odd.pop("outputs")
    odd["collapsed"] = True  # nbformat 3's key, left behind by an old tool
    write(
        "corpus/extra_keys.ipynb", notebook([odd, {"cell_type": "markdown", "source": ["a", "b"]}])
    )
    write(
        "corpus/bad_cell_type.ipynb",
        notebook([{"cell_type": "heading", "level": 1, "source": "T"}]),
    )
    write("corpus/source_not_text.ipynb", notebook([{"cell_type": "code", "source": 42}]))
    v3 = {
        "metadata": {"name": "old"},
        "nbformat": 3,
        "nbformat_minor": 0,
        "worksheets": [{"cells": [{"cell_type": "code", "input": "1", "language": "python"}]}],
    }
    write("corpus/nbformat3.ipynb", v3)
    write("corpus/empty.ipynb", notebook([]))
    write("corpus/zero_bytes.ipynb", "")
    write("corpus/invalid_json.ipynb", '{"cells": [{"cell_type": "code", "source": "x = ')
    write("corpus/json_list.ipynb", "[1, 2, 3]\n")
    (HERE / "corpus/latin1.ipynb").write_bytes('{"cells": [], "note": "caf\xe9"}'.encode("latin-1"))
    magics = "%matplotlib inline\n!ls /home/ana\nlen?\n"
    write("corpus/magics.ipynb", notebook([code(magics, 1), code("%%bash\necho hi", 2)]))
    write("corpus/syntax_error.ipynb", notebook([code("def f(:\n    pass", 1)]))
    bare = {
        "cells": [{"cell_type": "code", "source": "print(1)"}],
        "nbformat": 4,
        "nbformat_minor": 0,
    }
    write("corpus/no_metadata.ipynb", bare)


if __name__ == "__main__":
    corpus()
    practice_notebooks()
    run_notebooks()
    paired_notebooks()
    projects()
    # A project marker: fixture notebooks belong to this folder, not to the pairlab repository.
    write("pyproject.toml", '[tool.ruff.lint]\nselect = ["E4", "E7", "E9", "F"]\n')
