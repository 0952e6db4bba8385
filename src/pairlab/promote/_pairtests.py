"""The pair's own tests travel: tests beside the notebook that import its code, rewritten.

A `tests/` folder beside the notebook, or `test_*.py` files next to it, are the pair's unit
tests (lesson 5). Those importing a module the notebook imports from its folder, or the
notebook's paired script, are kept in the product's `tests/`, their imports naming the package.
"""

from __future__ import annotations

import ast
from pathlib import Path

from pairlab.promote._model import Analysis, PairTest, PromoteError

RESERVED = {"test_characterization.py", "test_contract.py"}
_SKIP = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints"}


def _candidates(folder: Path) -> list[tuple[Path, str]]:
    """Return (file, path under the product's tests/) for the pair's test files."""
    found = [(p, p.name) for p in sorted(folder.glob("test_*.py"))]
    tests = folder / "tests"
    if tests.is_dir():
        for path in sorted(tests.rglob("*")):
            if path.is_file() and not _SKIP & set(path.relative_to(tests).parts):
                found.append((path, path.relative_to(tests).as_posix()))
    return found


def _script(analysis: Analysis) -> str:
    """Return the module name of the notebook's paired script, if it has one."""
    stem = analysis.path.stem
    return stem if stem.isidentifier() and analysis.path.with_suffix(".py").is_file() else ""


def _new_plain_import(node: ast.Import, ours: set[str], script: str, package: str) -> str:
    """Return `import x` rewritten to the package when x is ours, else ''."""
    if not any(a.name in ours for a in node.names):
        return ""
    parts = []
    for a in node.names:
        module = "transform" if a.name == script else a.name
        as_ = a.asname or (a.name if module != a.name else None)
        bound = f"{module} as {as_}" if as_ and as_ != module else module
        parts.append(f"from {package} import {bound}" if a.name in ours else f"import {a.name}")
    return "\n".join(parts)


def _new_from_import(
    node: ast.ImportFrom, ours: set[str], script: str, analysis: Analysis, package: str
) -> str:
    """Return `from x import y` rewritten to the package when x is ours, else ''."""
    if node.level or node.module not in ours:
        return ""
    if node.module == script:
        missing = [a.name for a in node.names if a.name not in analysis.functions]
        if missing:
            raise PromoteError(
                f"the pair's test imports `{missing[0]}` from the notebook's script, "
                "which is not one of its functions",
                "test the notebook's functions only, or move the test away, then promote again",
            )
    module = "transform" if node.module == script else node.module
    names = ", ".join(f"{a.name} as {a.asname}" if a.asname else a.name for a in node.names)
    return f"from {package}.{module} import {names}"


def _new_import(node: ast.Import | ast.ImportFrom, analysis: Analysis, package: str) -> str:
    """Return the import rewritten to the package, or '' when it imports nothing of ours."""
    script = _script(analysis)
    ours = set(analysis.local_modules) | ({script} if script else set())
    if isinstance(node, ast.Import):
        return _new_plain_import(node, ours, script, package)
    return _new_from_import(node, ours, script, analysis, package)


def rewrite(text: str, analysis: Analysis, package: str) -> tuple[str, list[str]]:
    """Return a test's text importing the package, and the changes made (none: not ours)."""
    tree = ast.parse(text)
    lines = text.split("\n")
    changes = []
    for node in reversed(list(ast.walk(tree))):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        new = _new_import(node, analysis, package)
        if not new:
            continue
        indent = lines[node.lineno - 1][: node.col_offset]
        old = ast.unparse(node)
        lines[node.lineno - 1 : node.end_lineno] = [indent + n for n in new.split("\n")]
        changes.append(f"line {node.lineno}: `{old}` -> `{new.replace(chr(10), '; ')}`")
    return "\n".join(lines), list(reversed(changes))


def find(analysis: Analysis) -> None:
    """Note the pair's tests of this notebook's code (their package is named at extraction)."""
    folder = analysis.path.parent
    kept: list[PairTest] = []
    for path, rel in _candidates(folder):
        target = f"tests/{'pair_' + rel if rel in RESERVED else rel}"
        if path.suffix != ".py" or not path.name.startswith("test_"):
            kept.append(PairTest(path, target, ""))  # conftest.py, test data: carried as is
            continue
        try:
            text = path.read_text(encoding="utf-8")
            _, changes = rewrite(text, analysis, "package")
        except (SyntaxError, UnicodeDecodeError) as exc:
            analysis.flags.append(f"{path.name} cannot be read ({exc}); left out of the product")
            continue
        if changes:
            kept.append(PairTest(path, target, text, changes))
        else:
            analysis.flags.append(
                f"{path.relative_to(folder)} imports none of the notebook's code; left out"
            )
    if any(t.changes for t in kept):
        analysis.tests = kept


def files(analysis: Analysis, package: str) -> dict[str, bytes]:
    """Return the product's copies of the pair's tests, imports naming `package`."""
    out: dict[str, bytes] = {}
    for test in analysis.tests:
        if not test.changes:
            out[test.target] = test.source.read_bytes()
            continue
        text, changes = rewrite(test.text, analysis, package)
        out[test.target] = text.encode()
        analysis.changes += [f"{test.target} {change}" for change in changes]
    return out
