"""`runs-top-to-bottom`: a copy of the notebook runs in a fresh kernel, without errors.

The papermill run and the explanation of its failures are shared with `answers-match`.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pairlab import _process
from pairlab._files import scratch_folder
from pairlab._paths import imports_stay_inside
from pairlab.checks import _run_cache
from pairlab.checks._in_place import remembered_in_place
from pairlab.checks._model import Check, Context, Param, Result, errored, failed, passed
from pairlab.checks._pooled_run import CellHook, pooled_kernel, run_pooled, run_started_here
from pairlab.checks._registry import register
from pairlab.checks._run_cache import run_mode
from pairlab.checks._scratch import ScratchError, scratch_copy
from pairlab.checks._watch import Progress
from pairlab.errors import Forbidden
from pairlab.notebook import Cell, NotebookError, load_notebook

START_TIMEOUT = 60
WHOLE_RUN_LIMIT = 3600  # a lesson's own run: its cells have their own timeout
# Cells papermill adds to the executed copy: the parameters it injects, its error banners.
_PAPERMILL_TAGS = {"injected-parameters", "papermill-error-cell-tag"}
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b.*")
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
    src: Path, out: Path, cwd: Path, kernel: str, args: Mapping[str, Any]
) -> list[str]:
    """Return the papermill command that runs `src` into `out` in the folder `cwd`."""
    argv = [*_process.python_module("papermill"), str(src), str(out)]
    argv += ["--cwd", str(cwd), "-k", kernel, "--no-progress-bar", "--log-level", "ERROR"]
    argv += ["--execution-timeout", str(args["cell_timeout"])]
    argv += ["--start-timeout", str(START_TIMEOUT), "--no-request-save-on-cell-execute"]
    if args["parameters"]:
        argv += ["-y", json.dumps(args["parameters"])]  # JSON is YAML, and quotes every string
    return argv


def _copy(
    ctx: Context, src: Path, last_cell: dict[str, Any] | None, upto: int | None = None
) -> str:
    """Copy the notebook to `src`: cells up to index `upto`, then `last_cell`; return the text."""
    if last_cell is None and upto is None:
        shutil.copyfile(ctx.path, src)
        return src.read_text(encoding="utf-8", errors="replace")
    data = json.loads(ctx.path.read_text(encoding="utf-8"))
    if upto is not None:
        data["cells"] = data["cells"][: upto + 1]
    if last_cell is not None:
        data["cells"].append(last_cell)
    text = json.dumps(data)
    src.write_text(text, encoding="utf-8")
    return text


def _progress(ctx: Context, check: str, text: str) -> CellHook | None:
    """Return the hook that tells the watch which cell starts, and stops on cancel."""
    watch = ctx.watch
    if watch is None:
        return None
    try:
        cells = json.loads(text).get("cells", [])
    except ValueError:
        cells = []
    code = [c for c in cells if c.get("cell_type") == "code" and "".join(c.get("source", ""))]
    ids = [c.get("id") for c in code]
    started = [0]

    def hook(cell: Mapping[str, Any], **_: Any) -> None:
        watch.raise_if_cancelled()
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            return
        started[0] += 1
        n = started[0]
        cell_id = ids[n - 1] if n <= len(ids) else None
        elapsed = time.monotonic() - watch.started
        watch.tell(Progress(check, ctx.path.name, n, len(code), cell_id, elapsed))

    return hook


def _execute(
    ctx: Context,
    paths: tuple[Path, Path, Path],
    kernel: str,
    args: Mapping[str, Any],
    env: Mapping[str, str] | None,
    hook: CellHook | None,
) -> _process.Completed:
    """Run the copy `src` into `out` in `cwd`: a papermill subprocess when cold, else pooled."""
    src, out, cwd = paths
    if run_mode() == "cold":
        argv = _papermill_argv(src, out, cwd, kernel, args)
        return _process.run_kernel(
            argv, cwd=cwd, timeout=args["timeout"], env=env, cancel=ctx.watch
        )
    return run_pooled(src, out, cwd, kernel, args, env, ctx.watch, hook)


@contextmanager
def fresh_run(
    ctx: Context,
    args: Mapping[str, Any],
    kernel: str,
    last_cell: dict[str, Any] | None = None,
    upto: int | None = None,
    env: Mapping[str, str] | None = None,
    *,
    check: str = "",
    volatile: Sequence[str] = (),
) -> Iterator[tuple[_process.Completed, Path]]:
    """Run a copy (cells up to index `upto`, plus `last_cell`); yield the run and the copy.

    The learner's files are only read: the kernel works in a scratch copy of the project
    (raises ScratchError when it cannot be made), in the notebook's folder there, so relative
    paths mean what they mean to the learner and whatever the cells write is thrown away.
    Stopping at `upto` lets a step be judged before the pair has done the exercises after it.
    $PAIRLAB_CHECK_RUNS picks how: `cold` (a papermill subprocess), `pool` (a pre-started
    kernel) or `fast` (pool, and a run already made on the same cells, files and warehouse is
    remembered). `volatile` names strings random to this run (the probe's markers); `check`
    names the check in the progress the watch hears. Raises Cancelled when the watch cancels.
    """
    try:  # nothing from outside the project may run, not even a module linked into it
        imports_stay_inside(ctx.folder, ctx.project)
    except Forbidden as exc:
        raise ScratchError(str(exc)) from None
    if ctx.watch is not None:
        ctx.watch.raise_if_cancelled()
    mode = run_mode()
    with scratch_folder("pairlab-run-") as tmp:
        src, out = Path(tmp) / ctx.path.name, Path(tmp) / "executed.ipynb"
        text = _copy(ctx, src, last_cell, upto)
        key = ""
        if mode == "fast":
            volatile = [*volatile, *_run_cache.places(ctx, env or {})]
            key = _run_cache.run_key(ctx, text, args, kernel, env or {}, volatile)
        hit = _run_cache.load(key, volatile) if key else None
        if hit is not None:
            if hit[1]:
                out.write_text(hit[1], encoding="utf-8")
            yield hit[0], out
            return
        cwd = scratch_copy(ctx, Path(tmp) / "scratch")
        done = _execute(ctx, (src, out, cwd), kernel, args, env, _progress(ctx, check, text))
        if done.cancelled and ctx.watch is not None:
            ctx.watch.raise_if_cancelled()
        if key:
            executed = out.read_text(encoding="utf-8") if out.is_file() else ""
            _run_cache.store(key, done, executed, volatile)
        yield done, out


def run_in_place(
    path: Path, kernel: str, cell_timeout: int, *, allow_errors: bool = False
) -> _process.Completed:
    """Run the notebook at `path` in place, in its own folder, as a lesson's own run.

    Not a check's fresh run (the cells write into the pair's folder, the outputs into the
    file), but run the way $PAIRLAB_CHECK_RUNS says: on a kernel started for it when `cold`,
    else on a pooled kernel, and when `fast` a run made before on the same folder is replayed
    with the files it wrote. With `allow_errors`, every cell runs even after one raised.
    """
    args = {"parameters": {}, "kernel": kernel, "cell_timeout": cell_timeout}
    args["timeout"] = WHOLE_RUN_LIMIT
    mode = run_mode()
    if mode == "cold":
        return run_started_here(path, path, path.parent, kernel, args, allow_errors)

    def run() -> _process.Completed:
        return run_pooled(
            path, path, path.parent, kernel, args, None, None, allow_errors=allow_errors
        )

    if mode == "pool":
        return run()
    return remembered_in_place(path, {**args, "allow_errors": allow_errors}, run)


@contextmanager
def kernel_in(folder: Path, kernel: str = "python3") -> Iterator[Any]:
    """Lend a fresh kernel in `folder` for cells a caller runs itself (e.g. nbclient's, by km=).

    A pooled one, shut down afterwards; None when $PAIRLAB_CHECK_RUNS is `cold` (the caller's
    client then starts its own, as a learner's lab would).
    """
    if run_mode() == "cold":
        yield None
        return
    with pooled_kernel(kernel, folder) as km:
        yield km


@contextmanager
def side_by_side(runs: int) -> Iterator[None]:
    """Keep kernels ready for `runs` fresh runs at once meanwhile (none when runs are cold)."""
    if run_mode() == "cold":
        yield
        return
    from pairlab.checks._kernels import pool

    with pool().sized(runs):
        yield


def _executed(out: Path) -> list[tuple[str, Cell]]:
    """Return the executed copy's code cells, each with the id the learner's file gives it.

    Cells of notebooks older than nbformat 4.5 get random ids when papermill upgrades them, so
    cells are matched by position (the cells papermill adds aside) with the copy
    fresh_run wrote beside `out`, whose cells have the ids the learner's messages use.
    """
    try:
        executed = load_notebook(out)
    except NotebookError:
        return []
    source = [p for p in out.parent.glob("*.ipynb") if p != out]
    try:
        ids = [c.id for c in load_notebook(source[0]).cells] if len(source) == 1 else []
    except NotebookError:
        ids = []
    cells = [c for c in executed.cells if not _PAPERMILL_TAGS & set(c.tags)]
    return [(ids[i] if i < len(ids) else c.id, c) for i, c in enumerate(cells) if c.type == "code"]


def _first_error(out: Path) -> tuple[str, str] | None:
    """Return (cell id, 'Ename: evalue') of the first cell that raised in the executed copy."""
    for cell_id, cell in _executed(out):
        for output in cell.outputs:
            if output.get("output_type") == "error":
                name, value = output.get("ename", "Error"), first_line(output.get("evalue", ""))
                return cell_id, f"{name}: {value}".strip().rstrip(":")
    return None


def _last_started(out: Path) -> str | None:
    """Return the id of the last cell the kernel started in the executed copy (a timeout's)."""
    started = [i for i, c in _executed(out) if "iopub.execute_input" in _timing(c.metadata)]
    return started[-1] if started else None


def _previewed_cell(done: _process.Completed, out: Path) -> str | None:
    """Return the id of the cell nbclient previews in its timeout message (no copy was saved).

    fresh_run writes the notebook it runs beside `out`: the preview is matched against it.
    """
    text = done.stderr.split("Here is a preview of the cell contents:", 1)
    if len(text) < 2:
        return None
    parts = text[1].split("-------------------")
    preview = [ln.strip() for ln in (parts[1] if len(parts) > 2 else "").splitlines()]
    wanted = [ln for ln in preview if ln and ln != "..."]
    for src in sorted(p for p in out.parent.glob("*.ipynb") if p != out):
        try:
            cells = load_notebook(src).code_cells
        except NotebookError:
            continue
        for cell in cells:
            lines = {ln.strip() for ln in cell.source.splitlines()}
            if wanted and all(ln in lines for ln in wanted):
                return cell.id
    return None


def _timing(metadata: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return the cell's execution timestamps as nbclient records them."""
    timing = metadata.get("execution")
    return timing if isinstance(timing, dict) else {}


def first_line(text: Any) -> str:
    """Return the first non-empty line of an error text, without the ANSI colours of a trace."""
    plain = _ANSI.sub("", str(text))
    return next((line.strip() for line in plain.splitlines() if line.strip()), "")


def _last_error_line(done: _process.Completed) -> str:
    """Return the exception line papermill ended with, not the traceback above it."""
    lines = [ln.strip() for ln in _ANSI.sub("", done.stderr or done.stdout).splitlines()]
    errors = [ln for ln in lines if _EXCEPTION_LINE.match(ln)]
    return (errors[-1] if errors else next((ln for ln in reversed(lines) if ln), ""))[:300]


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
            "(`jupyter kernelspec list` shows what is), or choose an installed one in Jupyter"
        )
    found = _first_error(out)
    if "CellTimeoutError" in done.stderr or "Timeout waiting" in done.stderr:
        slow = found[0] if found else (_last_started(out) or _previewed_cell(done, out))
        what = name(slow) if slow else "a cell"
        return failed(
            f"{what} ran longer than {args['cell_timeout']} s; make it faster (an endless loop?)",
            (slow,) if slow else (),
        )
    if found:
        cell_id, error = found
        return failed(
            f"in a fresh kernel, {name(cell_id)} raised {error}; fix it, then restart the kernel "
            "and run all cells to see what a colleague (or CI) would see",
            (cell_id,),
        )
    return errored(f"papermill could not run the notebook: {_last_error_line(done)}")


def check_runs(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Run a copy in a temporary folder with papermill; the learner's file is only read."""
    if not ctx.notebook.code_cells:
        return failed("the notebook has no code cells, so nothing ran; add the lesson's code")
    kernel = kernel_name(ctx, args)
    if kernel is None:
        return errored("the notebook names no kernel; open it in JupyterLab and pick one")
    try:
        with fresh_run(ctx, args, kernel, check="runs-top-to-bottom") as (done, out):
            if not done.ok:
                return explain_failure(done, out, kernel, args, ctx.notebook.label)
    except ScratchError as exc:
        return errored(str(exc))
    cells = len(ctx.notebook.code_cells)
    given = f" with parameters {sorted(args['parameters'])}" if args["parameters"] else ""
    return passed(f"all {cells} code cells ran in a fresh '{kernel}' kernel{given}")


def _has_code(ctx: Context) -> str | None:
    """Apply to notebooks with code to run (an unreadable one reaches the check's own error)."""
    try:
        return None if ctx.notebook.code_cells else "the notebook has no code cells to run"
    except NotebookError:
        return None


RUNS_TOP_TO_BOTTOM = register(
    Check(
        id="runs-top-to-bottom",
        title="The notebook runs top to bottom in a fresh kernel",
        func=check_runs,
        runs=True,
        applies=_has_code,
        params=RUN_PARAMS,
    )
)
