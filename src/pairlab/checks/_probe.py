"""The answer probe: the last cell of a fresh run compares answers and prints only verdicts.

`answers-match` executes this file's source inside the learner's kernel, which may not have
pairlab installed: it uses the standard library only and recognises numpy and pandas values
by their methods. Nothing it prints reveals a reference value unless the step asks for it.
"""

from __future__ import annotations

import itertools
import json
import math
import numbers
import sys
from typing import Any

REL_TOL = 1e-6
ABS_TOL = 1e-12  # so 0.0 and a rounding error of 1e-15 still match
SHOWN_CHARS = 80
ERROR_CHARS = 200


def _records(value: Any) -> list[dict[str, Any]]:
    """Return a pandas Series or DataFrame as row records; a named index becomes columns."""
    frame = value if hasattr(value, "columns") else value.to_frame()
    # An unnamed index is row numbering (maybe shuffled by a sort); a named one is data.
    named = any(name is not None for name in frame.index.names)
    records: list[dict[str, Any]] = frame.reset_index(drop=not named).to_dict(orient="records")
    return records


def _plain_other(value: Any) -> Any:
    """Return plain data for values of numpy, pandas, datetime and decimal."""
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(value, "reset_index") and hasattr(value, "to_dict"):
        return plain(_records(value))
    if hasattr(value, "tolist"):  # numpy scalars and arrays, pandas Index
        return plain(value.tolist())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, numbers.Real):  # Decimal, Fraction
        return float(value)
    return value


def _sort_key(value: Any) -> tuple[int, Any]:
    """Order set members: numbers by value, everything else by its repr."""
    if isinstance(value, bool):  # a bool is an int to Python, but not a number to a learner
        return (1, repr(value))
    if isinstance(value, numbers.Real):
        return (0, float(value))
    return (1, repr(value))


def plain(value: Any) -> Any:
    """Return `value` as plain data: numbers, strings, lists and dicts with string keys."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((plain(v) for v in value), key=_sort_key)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return _plain_other(value)


def _missing(value: Any) -> bool:
    """Return whether the value is a missing value (None or NaN)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def same(a: Any, b: Any) -> bool:
    """Return whether two plain values are equal, floats within a relative 1e-6."""
    if _missing(a) or _missing(b):
        return _missing(a) and _missing(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b  # True is not the count 1
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and bool(a == b)


def kind(value: Any) -> str:
    """Return what a value is, in words that reveal nothing of its content."""
    if value is Ellipsis:
        return "the placeholder `...`"
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "true or false"
    if isinstance(value, numbers.Number):
        return "a number"
    if hasattr(value, "columns"):
        return "a DataFrame"
    if hasattr(value, "to_frame"):
        return "a Series"
    return "a string" if isinstance(value, str) else f"a {type(value).__name__}"


def _names(value: Any) -> set[str] | None:
    """Return a table's column names (or a dict's keys), or None for other values."""
    if hasattr(value, "columns"):
        return {str(c) for c in value.columns}
    return {str(k) for k in value} if isinstance(value, dict) else None


def hint(learner: Any, reference: Any) -> str:
    """Return how the answer differs, saying nothing the reference's values would give away."""
    mine, theirs = kind(learner), kind(reference)
    if mine != theirs:
        return f"it is {mine}, the reference is {theirs}"
    have, want = _names(learner), _names(reference)
    if have is None or want is None or have == want:
        return ""
    parts = []
    if want - have:
        parts.append(f"it lacks {', '.join(f'`{n}`' for n in sorted(want - have))}")
    if have - want:
        parts.append(f"it has {', '.join(f'`{n}`' for n in sorted(have - want))} too")
    return "; ".join(parts)


def shown(value: Any) -> str:
    """Return a one-line description of a value of at most SHOWN_CHARS characters."""
    if hasattr(value, "columns") and hasattr(value, "shape"):
        columns = [str(c) for c in value.columns]
        text = f"a DataFrame of {value.shape[0]} rows with columns {columns}"
    else:
        try:
            text = repr(value)
        except Exception:  # a learner's class may have a broken __repr__
            text = f"a {type(value).__name__}"
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def error(exc: BaseException) -> dict[str, Any]:
    """Return an exception as its type, a short message and (for NameError) the name."""
    return {
        "type": type(exc).__name__,
        "message": str(exc)[:ERROR_CHARS],
        "name": getattr(exc, "name", None) if isinstance(exc, NameError) else None,
    }


def _evaluate(expression: str, namespace: dict[str, Any]) -> tuple[Any, dict[str, Any] | None]:
    """Return (value, None), or (None, error) when evaluating the expression raises."""
    try:
        # The expressions come from the step definition, and run in the learner's own kernel.
        return eval(expression, namespace), None  # noqa: S307
    except Exception as exc:
        return None, error(exc)


def compare(
    learner: str, reference: str, ns: dict[str, Any], ref_ns: dict[str, Any], reveal: bool
) -> dict[str, Any]:
    """Return the verdict on one answer: match, mismatch, or which side raised."""
    expected, ref_error = _evaluate(reference, ref_ns)
    value, own_error = _evaluate(learner, ns)
    entry: dict[str, Any] = {"learner": learner}
    if ref_error:
        return entry | {"status": "reference-error", "error": ref_error}
    if own_error:
        return entry | {"status": "learner-error", "error": own_error}
    entry["shown"] = shown(value)
    if reveal:
        entry["reference"] = shown(expected)
    try:
        ok = same(plain(value), plain(expected))
        entry["hint"] = "" if ok else hint(value, expected)
    except Exception as exc:
        return entry | {"status": "compare-error", "error": error(exc)}
    return entry | {"status": "match" if ok else "mismatch"}


def _call(func: Any, case: tuple[Any, ...]) -> tuple[Any, dict[str, Any] | None]:
    """Return (func(*case), None), or (None, error) when the call raises."""
    try:
        return func(*case), None
    except Exception as exc:
        return None, error(exc)


def _case_words(name: str, case: tuple[Any, ...]) -> str:
    """Return the call a case stands for, as the learner would write it: decide(1, 3)."""
    return f"{name}({', '.join(repr(v) for v in case)})"


def cases(
    name: str, reference: str, grid: list[Any], ns: dict[str, Any], ref_ns: dict[str, Any]
) -> dict[str, Any]:
    """Return the verdict on a function over every case of the grid: the first that differs."""
    ref, ref_error = _evaluate(reference, ref_ns)
    mine, own_error = _evaluate(name, ns)
    entry: dict[str, Any] = {"learner": name}
    if ref_error or own_error:
        status = "reference-error" if ref_error else "learner-error"
        return entry | {"status": status, "error": ref_error or own_error}
    every = list(itertools.product(*(values for _, values in grid)))
    wrong = []
    for case in every:
        expected, ref_error = _call(ref, case)
        if ref_error:
            return entry | {"status": "reference-error", "error": ref_error}
        value, own_error = _call(mine, case)
        if own_error or not same(plain(value), plain(expected)):
            wrong.append((case, value, expected, own_error))
    if not wrong:
        return entry | {"status": "match", "cases": len(every)}
    case, value, expected, own_error = wrong[0]
    entry = {"learner": _case_words(name, case), "cases": len(every), "wrong": len(wrong)}
    if own_error:
        return entry | {"status": "learner-error", "error": own_error}
    return entry | {
        "status": "mismatch",
        "shown": shown(value),
        "reference": shown(expected),
        "hint": f"{len(wrong)} of {len(every)} cases differ",
    }


def run(spec: dict[str, Any], ns: dict[str, Any]) -> dict[str, Any]:
    """Run the setup on a copy of the namespace, then compare every answer."""
    # Setup's names must not stand in for a learner's missing variable: give it its own copy.
    ref_ns = dict(ns)
    sys.dont_write_bytecode = True  # setup's imports must not leave __pycache__ in the folder
    try:
        exec(compile(spec["setup"], "<setup>", "exec"), ref_ns)  # noqa: S102 - the step's setup
    except Exception as exc:
        return {"setup_error": error(exc), "answers": []}
    answers = [compare(a, b, ns, ref_ns, spec["reveal"]) for a, b in spec["expect"]]
    for name, reference, grid in spec.get("cases", []):
        entry = cases(name, reference, grid, ns, ref_ns)
        if not spec["reveal"]:
            entry.pop("reference", None)
        answers.append(entry)
    return {"setup_error": None, "answers": answers}


def main(spec_json: str, ns: dict[str, Any]) -> None:
    """Print the report between the run's markers; never raise into the learner's run."""
    spec = json.loads(spec_json)
    try:
        report = run(spec, ns)
    except Exception as exc:
        report = {"probe_error": error(exc)}
    print(spec["start"] + json.dumps(report, default=str) + spec["end"])
