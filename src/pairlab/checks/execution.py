"""`runs-top-to-bottom`: a copy of the notebook runs in a fresh kernel, without errors.

The papermill run and the explanation of its failures are shared with `answers-match`.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pairlab import _process
from pairlab.checks._model import Check, Context, Param, Result, errored, failed, passed
from pairlab.checks._notebook import NotebookError, load_notebook
from pairlab.checks._registry import register

START_TIMEOUT = 60
# The arguments every check that runs the notebook accepts, with the same meaning.
RUN_PARAMS = {
    "parameters": Param("table", {}, "values papermill injects, e.g. {region = 'north'}"),
    "kernel": Param("str", "", "kernel name to run instead of the notebook's own"),
    "cell_timeout": Param("int", 120, "seconds one cell may take"),
    "timeout": Param("int", 600, "seconds the whole run may take"),
}


def kernel_name(ctx: Context, args: Mapping[str, Any]) -> str | None:
    """Return the kernel to run: the argument, else the one the notebook names."""
    if args["kernel"]:
        return str(args["kernel"])
    spec = ctx.notebook.metadata.get("kernelspec")
    name = spec.get("name") if isinstance(spec, dict) else None
    return name if isinstance(name, str) and name else None


def _papermill_argv(
    src: Path, out: Path, ctx: Context, kernel: str, args: Mapping[str, Any]
) -> list[str]:
    """Return the papermill command that runs `src` into `out` in the notebook's folder."""
    argv = [*_process.python_module("papermill"), str(src), str(out)]
    argv += ["--cwd", str(ctx.folder), "-k", kernel, "--no-progress-bar", "--log-level", "ERROR"]
    argv += ["--execution-timeout", str(args["cell_timeout"])]
    argv += ["--start-timeout", str(START_TIMEOUT), "--no-request-save-on-cell-execute"]
    if args["parameters"]:
        argv += ["-y", json.dumps(args["parameters"])]  # JSON is YAML, and quotes every string
    return argv


def _copy(ctx: Context, src: Path, last_cell: dict[str, Any] | None) -> None:
    """Copy the notebook to `src`, with `last_cell` appended when given."""
    if last_cell is None:
        shutil.copyfile(ctx.path, src)
        return
    data = json.loads(ctx.path.read_text(encoding="utf-8"))
    data["cells"].append(last_cell)
    src.write_text(json.dumps(data), encoding="utf-8")


@contextmanager
def fresh_run(
    ctx: Context, args: Mapping[str, Any], kernel: str, last_cell: dict[str, Any] | None = None
) -> Iterator[tuple[_process.Completed, Path]]:
    """Run a copy (plus `last_cell`) in a temporary folder; yield the run and the executed copy.

    The learner's file is only read; the kernel works in the notebook's folder, so relative
    paths mean what they mean to the learner.
    """
    with tempfile.TemporaryDirectory(prefix="pairlab-run-") as tmp:
        src, out = Path(tmp) / ctx.path.name, Path(tmp) / "executed.ipynb"
        _copy(ctx, src, last_cell)
        argv = _papermill_argv(src, out, ctx, kernel, args)
        yield _process.run(argv, cwd=ctx.folder, timeout=args["timeout"]), out


def _first_error(out: Path) -> tuple[str, str] | None:
    """Return (cell id, 'Ename: evalue') of the first cell that raised in the executed copy."""
    try:
        executed = load_notebook(out)
    except NotebookError:
        return None
    for cell in executed.code_cells:
        for output in cell.outputs:
            if output.get("output_type") == "error":
                name, value = output.get("ename", "Error"), output.get("evalue", "")
                return cell.id, f"{name}: {value}".strip().rstrip(":")
    return None


def explain_failure(
    done: _process.Completed,
    out: Path,
    kernel: str,
    args: Mapping[str, Any],
    name: Callable[[str], str],
) -> Result:
    """Turn a failed papermill run into what the learner should do next; `name` names cells."""
    if done.timed_out:
        return failed(f"the whole run took longer than {args['timeout']} s; make it faster")
    if "NoSuchKernel" in done.stderr:
        return errored(
            f"the notebook's kernel '{kernel}' is not installed where pairlab runs; install it "
            "(`jupyter kernelspec list` shows what is) or pass the kernel argument"
        )
    found = _first_error(out)
    if "CellTimeoutError" in done.stderr or "Timeout waiting" in done.stderr:
        cells = (found[0],) if found else ()
        return failed(f"a cell ran longer than {args['cell_timeout']} s; make it faster", cells)
    if found:
        cell_id, error = found
        return failed(
            f"in a fresh kernel, {name(cell_id)} raised {error}; fix it, then restart the kernel "
            "and run all cells to see what a colleague (or CI) would see",
            (cell_id,),
        )
    return errored(f"papermill could not run the notebook: {done.tail()}")


def check_runs(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Run a copy in a temporary folder with papermill; the learner's file is only read."""
    kernel = kernel_name(ctx, args)
    if kernel is None:
        return errored("the notebook names no kernel; open it in JupyterLab and pick one")
    with fresh_run(ctx, args, kernel) as (done, out):
        if not done.ok:
            return explain_failure(done, out, kernel, args, ctx.notebook.label)
    cells = len(ctx.notebook.code_cells)
    given = f" with parameters {sorted(args['parameters'])}" if args["parameters"] else ""
    return passed(f"all {cells} code cells ran in a fresh '{kernel}' kernel{given}")


RUNS_TOP_TO_BOTTOM = register(
    Check(
        id="runs-top-to-bottom",
        title="The notebook runs top to bottom in a fresh kernel",
        func=check_runs,
        runs=True,
        params=RUN_PARAMS,
    )
)
