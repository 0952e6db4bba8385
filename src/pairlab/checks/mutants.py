"""`tests-catch-mutants`: the tests assert something real and fail when a function is broken."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pairlab.checks._model import Check, Context, Param, Result, errored, failed, passed
from pairlab.checks._mutant import ENV as MUTANT_ENV
from pairlab.checks._mutant import FUNCS, Mutant, mutant_source, parse_mutants
from pairlab.checks._mutant import validate_mutants as validate_mutants  # the lesson loader's entry
from pairlab.checks._registry import register
from pairlab.checks.testsuite import (
    NO_TESTS,
    _test_paths,
    check_tests_pass,
    run_pytest,
    stale_writefile,
)
from pairlab.errors import BadInput

# Mutant runs side by side, even beyond the cores: each is mostly a Python start plus imports,
# and a second round of runs costs more wall time than sharing the cores (3 runs on 2 cores:
# 1.8 runs' time at once, 2.3 in two rounds).
RUNS_AT_ONCE = 4
FIX = "assert on the value your function returns, e.g. assert result[...] == [...]"
# Calls that check something: pytest.raises/warns/fail, unittest's self.fail and self.assert*.
ASSERTING_CALLS = {"raises", "warns", "deprecated_call", "fail"}
ALWAYS_TRUE_OPS = (ast.Eq, ast.Is, ast.LtE, ast.GtE)


def _module_file(project: Path, module: str) -> Path | None:
    """Return the file of `module` in the project (or its src/), or None."""
    for root in (project, project / "src"):
        base = root.joinpath(*module.split("."))
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
    return None


# --- Static: does each test assert something that can fail? ---------------------------------


def _number(node: ast.expr) -> float | None:
    """Return the value of a numeric literal such as `0` or `-1`, else None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return None if inner is None else -inner
    value = getattr(node, "value", None) if isinstance(node, ast.Constant) else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _is_size(node: ast.expr) -> bool:
    """Return whether `node` is a size, never negative: `len(x)` or `x.shape[i]`."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id == "len"
    return isinstance(node, ast.Subscript) and getattr(node.value, "attr", "") == "shape"


def _true_pair(left: ast.expr, op: ast.cmpop, right: ast.expr) -> bool:
    """Return whether `left op right` holds whatever the values: `x == x`, `len(x) >= 0`."""
    if isinstance(op, ALWAYS_TRUE_OPS) and ast.dump(left) == ast.dump(right):
        return True
    if isinstance(op, ast.LtE | ast.Lt | ast.NotEq) and _is_size(right):
        left, op, right = right, {ast.LtE: ast.GtE(), ast.Lt: ast.Gt()}.get(type(op), op), left
    bound = _number(right) if _is_size(left) else None
    if bound is None:
        return False
    if isinstance(op, ast.GtE):
        return bound <= 0
    return bound < 0 and isinstance(op, ast.Gt | ast.NotEq)


def _always_true(test: ast.expr) -> bool:
    """Return whether an assert's test cannot fail: a constant, `x == x`, `... or True`."""
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if isinstance(test, ast.Tuple | ast.List | ast.Set):  # `assert (x == 1, "msg")`
        return bool(test.elts)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return isinstance(test.operand, ast.Constant) and not test.operand.value
    if isinstance(test, ast.BoolOp):
        verdicts = [_always_true(v) for v in test.values]
        return any(verdicts) if isinstance(test.op, ast.Or) else all(verdicts)
    if isinstance(test, ast.Compare):
        lefts = [test.left, *test.comparators[:-1]]
        return all(map(_true_pair, lefts, test.ops, test.comparators))
    return False


def _call_name(node: ast.Call) -> str:
    """Return the called name: `f` in `f(...)` and `m.f(...)`."""
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _vacuous(func: ast.AST, helpers: set[str]) -> str | None:
    """Return why a test asserts nothing that can fail, or None when it does."""
    asserts = [n for n in ast.walk(func) if isinstance(n, ast.Assert)]
    if any(not _always_true(a.test) for a in asserts):
        return None
    for node in ast.walk(func):
        name = _call_name(node) if isinstance(node, ast.Call) else ""
        if name.startswith("assert") or name in ASSERTING_CALLS or name in helpers:
            return None
    if asserts:
        return f"only asserts what is always true (`assert {ast.unparse(asserts[0].test)}`)"
    return "has no assert"


def _helpers(tree: ast.Module) -> set[str]:
    """Return the non-test functions that assert, so a test calling one counts."""
    defs = [n for n in ast.walk(tree) if isinstance(n, FUNCS) and not n.name.startswith("test")]
    found: set[str] = set()
    grew = True
    while grew:  # a helper calling a helper: repeat until nothing new asserts
        new = {d.name for d in defs if d.name not in found and _vacuous(d, found) is None}
        found |= new
        grew = bool(new)
    return found


def _tests(tree: ast.Module) -> Iterator[tuple[str, ast.AST]]:
    """Yield the test functions pytest collects: `test*` functions and `Test*` classes' methods."""
    for node in tree.body:
        if isinstance(node, FUNCS) and node.name.startswith("test"):
            yield node.name, node
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for item in node.body:
                if isinstance(item, FUNCS) and item.name.startswith("test"):
                    yield f"{node.name}::{item.name}", item


@dataclass
class Scan:
    """What the test files hold: tests that assert, tests that do not, files that do not parse."""

    counting: list[str] = field(default_factory=list)
    vacuous: list[tuple[str, str]] = field(default_factory=list)  # (test id, why)
    broken: list[str] = field(default_factory=list)
    blind: list[str] = field(default_factory=list)  # files that never import the module
    module: str = ""

    @property
    def note(self) -> str:
        """Return the sentence naming the vacuous tests ('' when there are none)."""
        return "; ".join(f"{t.split('::')[-1]} {why}" for t, why in self.vacuous)


def _test_files(paths: list[Path]) -> list[Path]:
    """Return the test files among `paths`, folders searched the way pytest does."""
    files: list[Path] = []
    for path in paths:
        found = [*path.rglob("test_*.py"), *path.rglob("*_test.py")] if path.is_dir() else [path]
        files += sorted(set(found))
    return files


def _imports(tree: ast.Module, module: str) -> bool:
    """Return whether the file imports `module` (or names it to importlib) anywhere."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names = [node.value]
        else:
            continue
        if any(n == module or n.startswith(f"{module}.") for n in names):
            return True
    return False


def scan_tests(project: Path, paths: list[Path], module: str = "") -> Scan:
    """Read the test files and sort their tests into those that assert and those that do not."""
    scan = Scan(module=module)
    for path in _test_files(paths):
        rel = path.relative_to(project).as_posix() if path.is_relative_to(project) else str(path)
        try:
            tree = ast.parse(path.read_text(encoding="utf-8-sig"), filename=rel)
        except (SyntaxError, UnicodeDecodeError, OSError) as exc:
            scan.broken.append(f"{rel} cannot be read as Python ({exc})")
            continue
        helpers = _helpers(tree)
        if module and any(True for _ in _tests(tree)) and not _imports(tree, module):
            scan.blind.append(rel)
        for name, func in _tests(tree):
            why = _vacuous(func, helpers)
            if why is None:
                scan.counting.append(f"{rel}::{name}")
            else:
                scan.vacuous.append((f"{rel}::{name}", why))
    return scan


# --- Runs: the tests against the real module, then against each mutant ----------------------


@dataclass(frozen=True)
class Outcome:
    """What the tests did against one mutant: killed it (by which tests), or not."""

    mutant: Mutant
    killed: bool
    by: tuple[str, ...] = ()
    why: str = ""  # the first failing test's message
    error: str = ""  # the mutant could not be planted

    def to_json(self) -> dict[str, Any]:
        """Return the outcome as a detail of the result."""
        data = {"mutant": self.mutant.name, "function": self.mutant.function}
        return {**data, "killed": self.killed, "by": list(self.by), "message": self.why}


def _spec(ctx: Context, module: str, mutants: list[Mutant]) -> list[tuple[Mutant, str]] | Result:
    """Return each mutant with its JSON for the plugin, or the result saying what is wrong."""
    path = _module_file(ctx.project, module) if module else None
    if path is None:
        return errored(
            f"no module `{module}` in {ctx.project.name}; `module` names the module tested"
        )
    source = path.read_text(encoding="utf-8-sig")
    try:
        tree = ast.parse(source, filename=path.name)
    except SyntaxError as exc:
        return failed(f"{path.name} does not parse (line {exc.lineno}: {exc.msg}); fix it first")
    planted = []
    for mutant in mutants:
        filename = f"<mutant '{mutant.name}' of {path.name}>"
        try:
            text = mutant_source(source, tree, mutant, filename)
        except BadInput as exc:
            return errored(str(exc))
        spec = {"module": module, "function": mutant.function, "source": text}
        planted.append((mutant, json.dumps({**spec, "filename": filename})))
    return planted


def _try_mutant(
    ctx: Context, paths: list[Path], planted: tuple[Mutant, str], timeout: int
) -> Outcome:
    """Run the tests against one mutant and say whether a test failed."""
    mutant, spec = planted
    # Stop at the first failure: one test that kills the mutant is enough.
    plugins = ["-x", "-p", "pairlab.checks._mutant"]
    done, records = run_pytest(ctx, paths, timeout, plugins, {MUTANT_ENV: spec})
    if done.timed_out:  # the mutant loops forever: the tests did notice
        return Outcome(mutant, True, ("timeout",), f"the tests ran longer than {timeout} s")
    bad = [r for r in records if r["outcome"] in ("failed", "error")]
    if bad:
        return Outcome(mutant, True, tuple(r["test"] for r in bad), bad[0]["message"])
    if done.returncode == 0:
        return Outcome(mutant, False)
    return Outcome(mutant, False, error=done.tail(3))


def try_mutants(
    ctx: Context, paths: list[Path], planted: list[tuple[Mutant, str]], timeout: int
) -> list[Outcome]:
    """Run the tests against every mutant, a few test runs side by side."""
    with ThreadPoolExecutor(max_workers=min(RUNS_AT_ONCE, len(planted))) as pool:
        return list(pool.map(lambda p: _try_mutant(ctx, paths, p, timeout), planted))


# --- The check --------------------------------------------------------------------------------


def _scan(ctx: Context, names: list[str], module: str) -> tuple[list[Path], Scan] | Result:
    """Return the test paths and what they assert, or the result when no test can catch a bug."""
    missing = [n for n in names if not (ctx.project / n).exists()]
    if missing:
        return failed(f"there is no {missing[0]} in {ctx.project.name}; write it, then check")
    paths = _test_paths(ctx, names)
    scan = scan_tests(ctx.project, paths, module)
    if scan.broken:
        return failed(f"{scan.broken[0]}; fix it and run `pytest`")
    if not scan.counting and not scan.vacuous:
        return failed(f"no tests found in {ctx.project.name}; {NO_TESTS}")
    if not scan.counting:
        details = tuple({"test": t, "vacuous": why} for t, why in scan.vacuous)
        return failed(f"no test can fail: {scan.note}; {FIX}", details=details)
    return paths, scan


def _blind_spots(scan: Scan, baseline: Result) -> str:
    """Return why the tests may not see the mutants, said first: skipped tests, blind files."""
    skipped = [r["test"] for r in baseline.details if r.get("outcome") == "skipped"]
    causes = [
        f"`{t.split('::')[-1]}` is skipped, so it never runs: remove its skip mark"
        for t in skipped[:2]
    ]
    causes += [
        f"{f} never imports `{scan.module}`, so its tests cannot see your functions: import "
        f"them from `{scan.module}` instead of copying them into the test"
        for f in scan.blind[:2]
    ]
    return "".join(f"{c}; " for c in causes)


def _verdict(scan: Scan, baseline: Result, outcomes: list[Outcome]) -> Result:
    """Return the result: every mutant killed passes; each survivor is named with its fix."""
    broken = [o for o in outcomes if o.error]
    if broken:
        return errored(f"mutant '{broken[0].mutant.name}' could not be planted: {broken[0].error}")
    details = (
        *(o.to_json() for o in outcomes),
        *({"test": t, "vacuous": why} for t, why in scan.vacuous),
    )
    note = f"; also {scan.note}: {FIX}" if scan.vacuous else ""
    survivors = [o.mutant for o in outcomes if not o.killed]
    if survivors:
        told = _blind_spots(scan, baseline)
        told += "; ".join(
            f"the tests pass with `{m.function}` broken ({m.name}): "
            f"add a test whose assert fails when {m.fix}"
            for m in survivors
        )
        return failed(told + note, details=details)
    count = sum(r.get("outcome") == "passed" for r in baseline.details)
    planted = f"all {len(outcomes)} planted mutants" if len(outcomes) > 1 else "the planted mutant"
    return passed(f"{count} test(s) pass and catch {planted}{note}", details)


def check_tests_catch_mutants(ctx: Context, args: Mapping[str, Any]) -> Result:
    """Pass when real asserts pass on the module and fail on each planted mutant."""
    try:
        mutants = parse_mutants(args["mutants"])
    except BadInput as exc:
        return errored(str(exc))
    planted = _spec(ctx, args["module"], mutants)
    if isinstance(planted, Result):
        return planted
    # A test edited in its %%writefile cell but not run again: say that before judging the file.
    stale = stale_writefile(ctx, [ctx.project / n for n in args["paths"]])
    if stale is not None:
        return stale
    scanned = _scan(ctx, args["paths"], args["module"])
    if isinstance(scanned, Result):
        return scanned
    paths, scan = scanned
    baseline = check_tests_pass(ctx, {"paths": args["paths"], "timeout": args["timeout"]})
    if baseline.status != "pass":
        note = f"; also {scan.note}" if scan.vacuous else ""
        return replace(baseline, message=baseline.message + note)
    return _verdict(scan, baseline, try_mutants(ctx, paths, planted, args["timeout"]))


def _applies(ctx: Context) -> str | None:
    """Never run unasked: only a step knows the module and its mutants."""
    return "runs only where a step declares its mutants"


TESTS_CATCH_MUTANTS = register(
    Check(
        id="tests-catch-mutants",
        title="The tests fail when the code is broken",
        func=check_tests_catch_mutants,
        target="project",
        runs=True,
        applies=_applies,
        params={
            "paths": Param("strings", [], "test files or folders, relative to the project"),
            "module": Param("str", "", "the module under test, e.g. claimsfreq"),
            "mutants": Param(
                "table", {}, "name -> {function, body} or {function, old, new}, optional hint"
            ),
            "timeout": Param("int", 300, "seconds each test run may take"),
        },
    )
)
