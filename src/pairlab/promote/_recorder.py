"""Runs inside the notebook's kernel: record each exported function's inputs and outputs.

The first real call of each function is recorded; then the function runs again on a small
sample of those inputs, and that call's inputs and output become a frozen test fixture.
pandas and ibis are imported where first needed, not at the top: this module loads into every
instrumented kernel, and a notebook that records nothing should not pay for them.
"""

from __future__ import annotations

import contextlib
import functools
import json
from pathlib import Path
from typing import Any

SAMPLE_ROWS = 500
_state: dict[str, Any] = {"dir": None, "busy": False, "done": set()}


def start(folder: str) -> None:
    """Record into `folder`, each function's first call from now on."""
    _state["dir"], _state["done"] = Path(folder), set()
    _state["dir"].mkdir(parents=True, exist_ok=True)


def _frame(value: Any) -> Any:
    """Return a pandas frame for an ibis table or a pandas frame, else None."""
    import pandas as pd

    if type(value).__module__.startswith("ibis") and hasattr(value, "to_pandas"):
        value = value.to_pandas()
    if not isinstance(value, pd.DataFrame):
        return None
    # A grouped frame keeps its keys in the index: make them columns, as a table has them.
    return value.reset_index() if any(n is not None for n in value.index.names) else value


def series_frame(value: Any) -> Any:
    """Return a Series (or an ibis column) as a frame: its index and its values, else None.

    The characterization test turns the package's result into a frame the same way.
    """
    import pandas as pd

    if type(value).__module__.startswith("ibis") and hasattr(value, "to_pandas"):
        value = value.to_pandas()
    if not isinstance(value, pd.Series):
        return None
    return value.rename(value.name if value.name is not None else "value").reset_index()


def canonical(frame: Any) -> Any:
    """Return the frame in a stable row order (SQL engines return groups in any order)."""
    with contextlib.suppress(TypeError):  # unorderable values: keep the engine's order
        frame = frame.sort_values(list(frame.columns), kind="stable")
    return frame.reset_index(drop=True)


def _head(table: Any) -> Any:
    """Return the first SAMPLE_ROWS of an ibis table sorted on every column, as pandas.

    A parallel join or scan returns rows in any order, and the first rows of a table in any
    order are a different sample each run: a second promote would rewrite the fixtures.
    """
    try:
        return table.order_by(list(table.columns)).limit(SAMPLE_ROWS).to_pandas()
    except Exception:  # a column type that cannot be ordered (a struct, a map): take as is
        return table.limit(SAMPLE_ROWS).to_pandas()


def _freeze(value: Any, name: str, tables: list[str]) -> tuple[dict[str, Any], Any]:
    """Return (how to rebuild it in a test, the sample value to call with) for one argument."""
    import ibis
    import pandas as pd
    from ibis.backends import BaseBackend

    folder = _state["dir"]
    if isinstance(value, BaseBackend):
        sample = ibis.duckdb.connect()
        for table in tables:
            frame = _head(value.table(table))
            frame.to_parquet(folder / f"{name}.{table}.parquet")
            sample.create_table(table, ibis.memtable(frame))
        return {"kind": "backend", "tables": tables}, sample
    if isinstance(value, pd.DataFrame) or type(value).__module__.startswith("ibis"):
        # A pandas argument comes in the engine's row order too (a group-by's groups): sort it
        # on every column as well, so the sample and its file are the same on every promote.
        frame = _frame(_head(value)) if hasattr(value, "limit") else canonical(_frame(value))
        frame = frame.head(SAMPLE_ROWS)
        frame.to_parquet(folder / f"{name}.parquet")
        is_ibis = not isinstance(value, pd.DataFrame)
        return {"kind": "ibis" if is_ibis else "frame"}, ibis.memtable(frame) if is_ibis else frame
    if isinstance(value, pd.Series):  # a column passed on its own: kept with its name
        sample = value.head(SAMPLE_ROWS).reset_index(drop=True)
        sample.to_frame("value").to_parquet(folder / f"{name}.parquet")
        return {"kind": "series", "name": value.name}, sample
    json.dumps(value)  # raises TypeError for what a test cannot rebuild
    return {"kind": "json", "value": value}, value


def _record(
    func: Any, tables: list[str], args: tuple[Any, ...], kwargs: dict[str, Any], module: str
) -> None:
    """Call `func` on a sample of its arguments and save both as a fixture."""
    key = func.__name__
    spec: dict[str, Any] = {"function": key, "module": module, "args": [], "kwargs": {}}
    sample_args, sample_kwargs = [], {}
    for i, value in enumerate(args):
        how, sample = _freeze(value, f"{key}.arg{i}", tables)
        spec["args"].append(how)
        sample_args.append(sample)
    for k, value in kwargs.items():
        how, sample = _freeze(value, f"{key}.kw.{k}", tables)
        spec["kwargs"][k] = how
        sample_kwargs[k] = sample
    result = func(*sample_args, **sample_kwargs)
    frame, kind = _frame(result), "frame"
    if frame is None and (frame := series_frame(result)) is not None:
        kind = "series"
    if frame is not None:
        canonical(frame).to_parquet(_state["dir"] / f"{key}.out.parquet")
        spec["result"] = {"kind": kind}
    else:
        value = result.item() if type(result).__module__ == "numpy" else result  # np.int64
        spec["result"] = {"kind": "json", "value": json.loads(json.dumps(value))}
    (_state["dir"] / f"{key}.json").write_text(json.dumps(spec, default=str))


def _wrap(func: Any, tables: list[str], module: str) -> Any:
    """Return `func` recording its first call; nested and sample calls pass straight through."""

    @functools.wraps(func)
    def recording(*args: Any, **kwargs: Any) -> Any:
        result = func(*args, **kwargs)
        if not _state["busy"] and func.__name__ not in _state["done"]:
            _state["busy"] = True
            _state["done"].add(func.__name__)
            try:
                _record(func, tables, args, kwargs, module)
            except Exception as exc:  # a function we cannot freeze gets no test, and says why
                note = {"function": func.__name__, "skipped": f"{type(exc).__name__}: {exc}"}
                (_state["dir"] / f"{func.__name__}.json").write_text(json.dumps(note))
            finally:
                _state["busy"] = False
        return result

    return recording


def wrap(
    namespace: dict[str, Any], tables: dict[str, list[str]], module: str = "transform"
) -> None:
    """Replace each named function in `namespace` by its recording wrapper."""
    for name, used in tables.items():
        if callable(namespace.get(name)):
            namespace[name] = _wrap(namespace[name], used, module)


def save_output(value: Any, name: str) -> None:
    """Save the notebook's result frame as `<name>.parquet`."""
    frame = _frame(value)
    if frame is None:
        raise TypeError(f"the result is a {type(value).__name__}, not a table")
    canonical(frame).to_parquet(_state["dir"] / f"{name}.parquet")
