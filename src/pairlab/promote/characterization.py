"""Stage 3: run the notebooks once with a recorder, and freeze what happened into pytest tests."""

from __future__ import annotations

import ast
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pairlab import _process
from pairlab.catalog.tables import tables_in_tree
from pairlab.errors import one_line
from pairlab.notebook import NotebookError, load_notebook
from pairlab.promote._model import Analysis, PromoteError
from pairlab.promote._nbfile import notebook_json
from pairlab.promote.analysis import function_tables
from pairlab.promote.extraction import Names

FIXTURES = "tests/fixtures/characterization"
RUN_TIMEOUT = 600
_REC = "__pairlab_rec"


@dataclass(frozen=True)
class Run:
    """One instrumented notebook run: what ran, where its recordings are, what it printed."""

    label: str
    notebook: Path
    cwd: Path
    records: Path
    pythonpath: str = ""


def _code(source: str, cell_id: str) -> dict[str, Any]:
    """Return a code cell pairlab adds to an instrumented copy."""
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": cell_id,
        "metadata": {},
        "outputs": [],
        "source": source,
    }


def _start(records: Path) -> dict[str, Any]:
    """Return the cell that starts recording."""
    text = f"import pairlab.promote._recorder as {_REC}\n{_REC}.start({str(records)!r})"
    return _code(text, "pairlab-start")


def _original_cells(analysis: Analysis, records: Path) -> list[dict[str, Any]]:
    """Return the analyst's cells with the recorder wrapped around each exported function."""
    cells: list[dict[str, Any]] = [_start(records), *_preload_local(analysis)]
    for cell in analysis.cells:
        cells.append(
            {
                "cell_type": cell.type,
                "id": cell.id,
                "metadata": cell.metadata,
                "source": cell.source,
            }
            | ({"execution_count": None, "outputs": []} if cell.type == "code" else {})
        )
        defined = {
            f.name: function_tables(analysis, f)
            for f in analysis.functions.values()
            if f.cell.id == cell.id
        }
        if defined:
            cells.append(_code(f"{_REC}.wrap(globals(), {defined!r})", f"pairlab-wrap-{cell.id}"))
    cells.append(_code(f"{_REC}.save_output({analysis.output}, 'original')", "pairlab-save"))
    return cells


def _preload_local(analysis: Analysis) -> list[dict[str, Any]]:
    """Return a cell importing the notebook's own modules with recording functions.

    The notebook's later `import` finds the module already loaded, wrappers included, so calls
    in the very cell that imports it are recorded too.
    """
    lines = []
    for module, path in analysis.local_modules.items():
        funcs = _module_functions(path)
        lines.append(f"import {module} as __pairlab_{module}")
        lines.append(f"{_REC}.wrap(vars(__pairlab_{module}), {funcs!r}, module={module!r})")
    return [_code("\n".join(lines), "pairlab-local")] if lines else []


def _module_functions(path: Path) -> dict[str, list[str]]:
    """Return each top-level function of a module with the warehouse tables it reads."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        n.name: tables_in_tree(n)
        for n in tree.body
        if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")
    }


def _promoted_cells(
    cells: list[dict[str, Any]], analysis: Analysis, names: Names, records: Path
) -> list[dict[str, Any]]:
    """Return the rewritten notebook's cells, saving its result and pipeline.run()'s."""
    con = analysis.connection or "None"
    params = "".join(f", {n}={n}" for n in analysis.parameters)
    run = (
        f"from {names.package}.pipeline import run as __pairlab_run\n"
        f"{_REC}.save_output(__pairlab_run({con}{params}), 'pipeline')"
    )
    return [
        _start(records),
        *cells,
        _code(f"{_REC}.save_output({analysis.output}, 'promoted')", "pairlab-save"),
        _code(run, "pairlab-run"),
    ]


def _papermill(run: Run) -> _process.Completed:
    """Run one instrumented notebook through papermill in a fresh kernel."""
    out = run.notebook.with_suffix(".out.ipynb")
    argv = [
        *_process.python_module("papermill"),
        str(run.notebook),
        str(out),
        "--cwd",
        str(run.cwd),
        "-k",
        "python3",
        "--no-progress-bar",
        "--log-level",
        "ERROR",
    ]
    path = os.pathsep.join(p for p in (run.pythonpath, os.environ.get("PYTHONPATH", "")) if p)
    return _process.run_kernel(argv, timeout=RUN_TIMEOUT, env={"PYTHONPATH": path})


def _failure(run: Run, done: _process.Completed, analysis: Analysis) -> PromoteError:
    """Explain a failed run: the analyst's cell and its error, or papermill's last words."""
    numbers = {c.id: c.index + 1 for c in analysis.cells}
    try:
        executed = load_notebook(run.notebook.with_suffix(".out.ipynb"))
    except NotebookError:
        executed = None
    for cell in executed.code_cells if executed else ():
        for output in cell.outputs:
            if output.get("output_type") == "error":
                error = one_line(f"{output.get('ename', 'Error')}: {output.get('evalue', '')}")
                where = f"cell {numbers[cell.id]}" if cell.id in numbers else "pairlab's check"
                return PromoteError(
                    f"the {run.label} notebook fails to run: {where} raised {error}",
                    "fix it, restart the kernel and run all cells, then promote again",
                )
    return PromoteError(
        f"the {run.label} notebook could not run: {one_line(done.tail(2))}",
        "check that the python3 kernel and papermill are installed",
    )


def run_both(
    analysis: Analysis, names: Names, product: Path, promoted: list[dict[str, Any]], work: Path
) -> tuple[Path, Path]:
    """Run the original and the promoted notebook side by side; return their record folders."""
    runs = []
    for label, cells_of in (("original", None), ("promoted", promoted)):
        records = work / label
        records.mkdir(parents=True)
        cells = (
            _original_cells(analysis, records)
            if cells_of is None
            else _promoted_cells(cells_of, analysis, names, records)
        )
        path = work / f"{label}.ipynb"
        path.write_text(notebook_json(cells, None), encoding="utf-8")
        # Both run where the analyst's notebook runs: its relative paths and local files hold.
        cwd = analysis.path.parent
        runs.append(Run(label, path, cwd.resolve(), records, str((product / "src").resolve())))
    with ThreadPoolExecutor(max_workers=2) as pool:  # a kernel run is mostly waiting
        done = list(pool.map(_papermill, runs))
    for run, result in zip(runs, done, strict=True):
        if not result.ok:
            raise _failure(run, result, analysis)
    return runs[0].records, runs[1].records


def fixture_files(records: Path) -> tuple[dict[str, bytes], list[str]]:
    """Return the frozen fixtures to write (path -> bytes) and notes on functions left out."""
    files: dict[str, bytes] = {}
    notes = []
    for spec_path in sorted(records.glob("*.json")):
        spec = json.loads(spec_path.read_text())
        if "skipped" in spec:
            notes.append(f"no characterization test for `{spec['function']}`: {spec['skipped']}")
            continue
        stem = spec_path.stem
        files[f"{FIXTURES}/{spec_path.name}"] = spec_path.read_bytes()
        for data in sorted(records.glob(f"{stem}.*.parquet")):
            files[f"{FIXTURES}/{data.name}"] = data.read_bytes()
    return files, notes


TEST_MODULE = '''"""Characterization tests, written by `pairlab promote` from a real notebook run.

Each exported function was called in the notebook; pairlab froze a small sample of its real
inputs and what the notebook's function returned on them. The package's function must still
return the same. No warehouse is needed: the inputs are the files in fixtures/.
"""

import importlib
import json
from pathlib import Path

import ibis
import pandas as pd
import pytest

PACKAGE = "{package}"
FIXTURES = Path(__file__).parent / "fixtures" / "characterization"
CASES = sorted(p.stem for p in FIXTURES.glob("*.json"))


def load(spec: dict, name: str):
    """Rebuild one frozen argument."""
    if spec["kind"] == "json":
        return spec["value"]
    if spec["kind"] == "backend":
        con = ibis.duckdb.connect()
        for table in spec["tables"]:
            frame = pd.read_parquet(FIXTURES / f"{{name}}.{{table}}.parquet")
            con.create_table(table, ibis.memtable(frame))
        return con
    frame = pd.read_parquet(FIXTURES / f"{{name}}.parquet")
    if spec["kind"] == "series":
        return frame["value"].rename(spec["name"])
    return ibis.memtable(frame) if spec["kind"] == "ibis" else frame


def canonical(value) -> pd.DataFrame:
    """Return a result as a frame in a stable row order (a Series: its index and values)."""
    frame = value if isinstance(value, pd.DataFrame | pd.Series) else value.to_pandas()
    if isinstance(frame, pd.Series):
        frame = frame.rename(frame.name if frame.name is not None else "value").reset_index()
    try:
        frame = frame.sort_values(list(frame.columns), kind="stable")
    except TypeError:
        pass
    return frame.reset_index(drop=True)


@pytest.mark.parametrize("case", CASES)
def test_function_returns_what_the_notebook_returned(case):
    spec = json.loads((FIXTURES / f"{{case}}.json").read_text())
    module = importlib.import_module(f"{{PACKAGE}}.{{spec.get('module', 'transform')}}")
    func = getattr(module, spec["function"])
    args = [load(a, f"{{case}}.arg{{i}}") for i, a in enumerate(spec["args"])]
    kwargs = {{k: load(a, f"{{case}}.kw.{{k}}") for k, a in spec["kwargs"].items()}}
    got = func(*args, **kwargs)
    if spec["result"]["kind"] in ("frame", "series"):
        expected = pd.read_parquet(FIXTURES / f"{{case}}.out.parquet")
        pd.testing.assert_frame_equal(canonical(got), expected, check_dtype=False, rtol=1e-9)
    else:
        assert got == pytest.approx(spec["result"]["value"])
'''


def test_module(names: Names) -> str:
    """Return tests/test_characterization.py for the package."""
    return TEST_MODULE.format(package=names.package)
