"""`names-changed`: the pair replaced the lesson's example values with their own.

The rule, over the code cells (IPython magics blanked, cells that do not parse skipped), for
each variable in `names`:

1. a code cell assigns it at its top level (`pair = ...` or `pair: dict = ...`); the last such
   assignment in the notebook is the one judged;
2. every string in its value differs from every string in `examples` (case and surrounding
   spaces ignored). A literal value is walked through dicts (their values), lists, tuples and
   sets, and must hold no blank string and not be empty; any other value (an f-string, a call)
   is judged by the string constants written in it;
3. the outputs of the cell that assigns it show no example: if they do, the cell ran before
   the names were changed;
4. when the cell shows output, it shows every string of the value: a name it does not show
   was typed after the cell last ran (edited, not run again). The lesson's cell prints each
   name, so what ran and what is written can be compared.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pairlab.checks._model import Check, Context, Param, Result, failed, passed
from pairlab.checks._registry import register
from pairlab.notebook import Cell, python_source

_TEXT_TYPES = ("text/plain", "text/html", "text/markdown")


@dataclass(frozen=True)
class Assigned:
    """The last top-level assignment of a name: its cell and its value's expression."""

    cell: Cell
    value: ast.expr


def _assignments(cells: tuple[Cell, ...], names: set[str]) -> dict[str, Assigned]:
    """Return, for each of `names` assigned at a cell's top level, its last assignment."""
    found: dict[str, Assigned] = {}
    for cell in cells:
        try:
            tree = ast.parse(python_source(cell) or "")
        except SyntaxError:
            continue  # lint-clean reports syntax errors; this cell simply assigns nothing
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign):
                targets, value = stmt.targets, stmt.value
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                targets, value = [stmt.target], stmt.value
            else:
                continue
            for target in targets:
                if isinstance(target, ast.Name) and target.id in names:
                    found[target.id] = Assigned(cell, value)
    return found


def _leaves(value: Any) -> Iterator[str]:
    """Yield the strings inside a literal value (dict values, list/tuple/set items)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _leaves(item)


def _strings(node: ast.expr) -> tuple[list[str], bool]:
    """Return the strings of an assigned value, and whether the value is blank or empty."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        # Not a literal: an f-string or a call; the examples can still be written inside it.
        written = [n.value for n in ast.walk(node) if isinstance(n, ast.Constant)]
        return [text for text in written if isinstance(text, str)], False
    strings = list(_leaves(value))
    empty = value is None or (isinstance(value, str | dict | list | tuple | set) and not value)
    return strings, empty or any(not s.strip() for s in strings)


def _shown(cell: Cell) -> str:
    """Return the text the cell's outputs show: streams, displayed values and errors."""
    parts: list[Any] = []
    for output in cell.outputs:
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif output.get("output_type") == "error":
            parts.append(str(output.get("evalue", "")))
        else:
            data = output.get("data", {})
            parts.extend(data.get(kind, "") for kind in _TEXT_TYPES if isinstance(data, dict))
    return "".join("".join(p) if isinstance(p, list) else str(p) for p in parts)


def _problem(name: str, assigned: Assigned, examples: list[str]) -> str | None:
    """Return what is wrong with one assigned name, as a sentence, or None."""
    label = assigned.cell.label
    strings, blank = _strings(assigned.value)
    wanted = {e.strip().casefold(): e for e in examples if e.strip()}
    keys = [s.strip().casefold() for s in strings]
    example = next((wanted[key] for key in keys if key in wanted), None)
    if example is not None:
        return (
            f"{label} still has the example name {example!r} in `{name}`; write your own "
            "names, run the cell and save"
        )
    if blank:
        return (
            f"{label} leaves `{name}` empty or a name in it blank; write your names, run the "
            "cell and save"
        )
    shown = _shown(assigned.cell).casefold()
    example = next((e for key, e in wanted.items() if key in shown), None)
    if example is not None:
        return (
            f"the output of {label} still shows {example!r}: it ran before you wrote your names "
            f"in `{name}`; run the cell again and save"
        )
    unseen = next((s for s in strings if shown and s.strip().casefold() not in shown), None)
    if unseen is not None:
        return (
            f"the output of {label} does not show {unseen.strip()!r}: the cell was edited after "
            f"it ran, so `{name}` is not what ran; run the cell again and save"
        )
    return None


def check_names_changed(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Pass when every named variable is assigned, with the pair's own values, and was re-run."""
    names = list(args["names"])
    found = _assignments(ctx.notebook.code_cells, set(names))
    for name in names:
        if name not in found:
            return failed(
                f"no code cell assigns `{name}` at its top level; write `{name} = ...` with your "
                "own names, run the cell and save"
            )
        problem = _problem(name, found[name], list(args["examples"]))
        if problem:
            return failed(problem, (found[name].cell.id,))
    shown = ", ".join(f"`{n}`" for n in names) or "no names asked for"
    return passed(f"{shown}: your own values, and the cell ran with them")


NAMES_CHANGED = register(
    Check(
        id="names-changed",
        title="The example names are replaced with yours",
        func=check_names_changed,
        python_only=True,
        params={
            "names": Param("strings", [], "top-level variables holding the names, e.g. pair"),
            "examples": Param("strings", [], "the example values the lesson ships with"),
        },
    )
)
