"""Mutants: declared by a step, built from the real function's source, planted in a test run.

tests-catch-mutants validates the declarations and builds each mutated function's source in
pairlab's process, then runs pytest with this module as a plugin
(`-p pairlab.checks._mutant`) and the mutant as JSON in PAIRLAB_MUTANT: the module, the
function and the mutated source. The plugin
imports the module and runs that `def` in the module's own globals, so `module.func`,
`from module import func` and the module's internal calls all meet the mutant; the learner's
files are never written. Loading it costs a test run pairlab.checks' import (about 0.1 s),
no third-party package.
"""

from __future__ import annotations
import __future__

import ast
import importlib
import json
import linecache
import os
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from pairlab.errors import BadInput

ENV = "PAIRLAB_MUTANT"
MUTANT_KEYS = {"function", "body", "old", "new", "hint"}
FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(frozen=True)
class Mutant:
    """One planted defect: the function it breaks and how (a new body, or old text -> new)."""

    name: str
    function: str
    body: str | None = None
    old: str | None = None
    new: str | None = None
    hint: str = ""

    @property
    def fix(self) -> str:
        """Return what a test must notice, for the message when the mutant survives."""
        return self.hint or f"`{self.function}` is broken this way"


def _text(entry: Mapping[str, Any], key: str, where: str, empty_ok: bool = False) -> str | None:
    """Return entry[key] if present; raise BadInput unless it is a (non-empty) string."""
    value = entry.get(key)
    if value is not None and not (isinstance(value, str) and (empty_ok or value.strip())):
        raise BadInput(f"{where}: `{key}` must be a non-empty string", f"got {value!r}")
    return value


def _declared(name: str, entry: Any) -> Mutant:
    """Return the mutant declared as `entry`; raise BadInput saying what is wrong with it."""
    where = f"mutant '{name}'"
    shape = "give `function` and either `body` or `old` + `new`"
    if not isinstance(entry, Mapping):
        raise BadInput(f"{where} must be a table", shape)
    unknown = sorted(set(entry) - MUTANT_KEYS)
    if unknown:
        raise BadInput(f"{where} has no field `{unknown[0]}`", shape)
    function, body = _text(entry, "function", where), _text(entry, "body", where)
    old, new = _text(entry, "old", where), _text(entry, "new", where, empty_ok=True)
    if not function or not function.isidentifier():
        raise BadInput(f"{where} needs `function`, the name of a top-level function", shape)
    if (body is None) == (old is None) or (old is None) != (new is None):
        raise BadInput(f"{where} must give either `body` or both `old` and `new`", shape)
    if body is not None:
        try:
            ast.parse(textwrap.dedent(body))
        except SyntaxError as exc:
            raise BadInput(f"{where}: `body` is not Python ({exc.msg})", shape) from None
    return Mutant(name, function, body, old, new, _text(entry, "hint", where) or "")


def parse_mutants(table: Any) -> list[Mutant]:
    """Return the mutants declared in `table`; raise BadInput on a malformed one."""
    if not isinstance(table, Mapping) or not table:
        raise BadInput("`mutants` must declare at least one mutant", "e.g. {name = {...}}")
    return [_declared(str(name), entry) for name, entry in table.items()]


def validate_mutants(table: Any) -> None:
    """Raise BadInput when `table` is not a well-formed `mutants` argument."""
    parse_mutants(table)


# --- In pairlab: the mutated source ------------------------------------------------------------


def _cut(line: str, col: int) -> str:
    """Return the line up to `col`, which ast counts in UTF-8 bytes."""
    return line.encode("utf-8")[:col].decode("utf-8", errors="replace")


def _find(tree: ast.Module, mutant: Mutant) -> ast.FunctionDef | ast.AsyncFunctionDef:
    """Return the top-level definition the mutant replaces; raise BadInput when there is none."""
    defs = [n for n in tree.body if isinstance(n, FUNCS) and n.name == mutant.function]
    if not defs:
        known = ", ".join(n.name for n in tree.body if isinstance(n, FUNCS)) or "none"
        raise BadInput(
            f"mutant '{mutant.name}': the module has no function `{mutant.function}`",
            f"its functions: {known}",
        )
    return defs[-1]  # a name defined twice: the last definition is the one that runs


def _new_body(
    lines: list[str], start: int, node: ast.FunctionDef | ast.AsyncFunctionDef, body: str
) -> str:
    """Return the definition from line `start` (decorators, signature) with `body` as its body."""
    first = node.body[0]
    head = "".join(lines[start - 1 : first.lineno - 1])
    head += _cut(lines[first.lineno - 1], first.col_offset)  # a one-line `def f(x): return x`
    indented = textwrap.indent(textwrap.dedent(body).strip("\n"), "    ")
    return f"{head.rstrip()}\n{indented}\n"


def mutant_source(source: str, tree: ast.Module, mutant: Mutant, filename: str) -> str:
    """Return the mutated function's definition, on the same lines as in the real file."""
    node = _find(tree, mutant)
    # Split on newlines only, as ast numbers lines (str.splitlines also splits on form feeds).
    lines = [f"{line}\n" for line in source.split("\n")]
    start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    text = "".join(lines[start - 1 : node.end_lineno])
    if mutant.old is None:
        text = _new_body(lines, start, node, mutant.body or "")
    elif mutant.old in text:
        text = text.replace(mutant.old, mutant.new or "")
    else:
        raise BadInput(
            f"mutant '{mutant.name}': `old` text {mutant.old!r} is not in `{mutant.function}`",
            "copy it exactly from the function's source",
        )
    text = "\n" * (start - 1) + text  # tracebacks then point at the real file's line numbers
    try:
        compile(text, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        problem = f"mutant '{mutant.name}' does not compile: {exc.msg} (line {exc.lineno})"
        raise BadInput(problem, "fix its `body`, `old` or `new`") from None
    return text


# --- In the test run: the pytest plugin -------------------------------------------------------


def _flags(module: ModuleType) -> int:
    """Return the compiler flags of the module's `from __future__ import annotations`, if any."""
    feature = __future__.annotations
    return feature.compiler_flag if getattr(module, "annotations", None) is feature else 0


def plant(spec: dict[str, Any]) -> None:
    """Import `spec["module"]` and replace its function with the mutant defined in `spec`."""
    import pytest  # only ever called inside a pytest run

    try:
        module = importlib.import_module(spec["module"])
    except Exception as exc:  # the learner's module may fail to import for any reason
        raise pytest.UsageError(f"pairlab cannot import {spec['module']}: {exc!r}") from exc
    source, filename = spec["source"], spec["filename"]
    # Tracebacks through the mutant show its own lines, not the real file's.
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    try:
        code = compile(source, filename, "exec", _flags(module), dont_inherit=True)
        exec(code, module.__dict__)  # noqa: S102 - pairlab built it from the module's own source
    except Exception as exc:  # a decorator or default value may raise at definition time
        raise pytest.UsageError(f"pairlab cannot plant {filename}: {exc!r}") from exc


def pytest_load_initial_conftests(early_config: Any) -> None:
    """Plant the mutant before conftest files (and later the tests) import the module."""
    raw = os.environ.get(ENV)
    if raw:
        plant(json.loads(raw))
