"""The lesson sources of a pack made from a product (their steps are in _pack_steps.py).

Four lessons, each a py:percent source with solution markers (the format of the core's
`curriculum/source/`): explore the product's input tables, rebuild one of its functions, write
a test that catches a planted mutant of it, and parameterize and run headless. Every code cell
pairlab generates is laid out as the pack's ruff settings want it (_ruff.py).
"""

from __future__ import annotations

import ast
import json
import textwrap
from typing import Any

from pairlab.curriculum._logic import used_imports
from pairlab.curriculum._product import Product, Target
from pairlab.curriculum._ruff import pack_ruff, tidy

AS_FRAME = '''def as_frame(result):
    """Return a result as a pandas frame in a stable row order (an ibis table runs here)."""
    frame = result.to_pandas() if hasattr(result, "to_pandas") else result
    with contextlib.suppress(TypeError):  # values that do not order: keep the frame's order
        frame = frame.sort_values(list(frame.columns), kind="stable")
    return frame.reset_index(drop=True)'''
# What the learner's function raises until they write its body: the failure names the exercise.
STUB = 'raise NotImplementedError("write the body from the docstring")'


def _literal(value: Any) -> str:
    """Return a parameter value as Python source."""
    return repr(value)


def _params(product: Product) -> str:
    """Return the notebook's parameter assignments."""
    return "\n".join(f"{k} = {_literal(v)}" for k, v in product.parameters.items())


def _header(number: int, title: str, objectives: str, minutes: int, note: str) -> str:
    """Return a lesson's title cell and its facilitator note."""
    return (
        f"# %% [markdown]\n# # Lesson {number}: {title}\n#\n"
        + textwrap.indent(textwrap.fill(f"**Objectives**: {objectives}", 96), "# ")
        + f"\n# **Time box**: {minutes} minutes.\n\n"
        + '# %% [markdown] tags=["facilitator"]\n'
        + textwrap.indent(textwrap.fill(f"**Facilitator**: {note}", 96), "# ")
        + "\n"
    )


def _tidy(product: Product, code: str) -> str:
    """Return generated code as ruff wants it in the product's pack: sorted and formatted."""
    return tidy(code, pack_ruff(product.package))


def _connect(product: Product, imports: list[str], constants: str = "") -> str:
    """Return the code that imports, sets the parameters and connects to the warehouse."""
    head = "\n".join([*imports, "from pairlab.warehouse import connect"])
    tail = "\n".join(line for line in (constants, _params(product), "con = connect()") if line)
    return f"{head}\n\n{tail}"


READ_FILE = '''def read_file(path):
    """Return a data file the product reads (CSV or parquet) as a frame."""
    return pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path)'''


def input_constants(product: Product) -> str:
    """Return the tables and data files the product reads, as the lesson's constants."""
    tables = ", ".join(json.dumps(t) for t in product.tables)
    files = ", ".join(json.dumps(f) for f in product.files)
    return f"TABLES = [{tables}]\nFILES = [{files}]"


def read_names(product: Product) -> str:
    """Return the words naming what the product reads, for the lesson's title."""
    kinds = [
        (product.tables, "the tables"),
        (product.files, "the files"),
    ]
    return " and ".join(words for found, words in kinds if found)


def explore_source(product: Product) -> str:
    """Return lesson 1: explore the input tables and data files."""
    reads = read_names(product)
    setup = _connect(product, ["import pandas as pd"], input_constants(product))
    return (
        _header(
            1,
            f"Explore {reads} {product.title} reads",
            f"connect to the warehouse and look at {reads} the product reads: the columns, "
            "the size, a few rows.",
            20,
            "let the learner drive and name what surprises them; the product's owner knows "
            "the planted traps of these tables (nulls, duplicates): ask, do not tell.",
        )
        + "\n# %%\n"
        + _tidy(product, f"{setup}\n\n\n{READ_FILE}")
        + "\n\n# %% [markdown]\n# ## The inputs (driver: the learner)\n"
        + "# Look at the columns and first rows of each, then count the rows of each into\n"
        + "# `row_counts`: a dict from table name or file path to number of rows.\n\n"
        + '# %% tags=["step:explore"]\n'
        + "for name in TABLES:\n    print(name, con.table(name).columns)\n"
        + "for path in FILES:\n    print(path, list(read_file(path).columns))\n"
        + "### BEGIN SOLUTION\n"
        + "row_counts = {name: int(con.table(name).count().execute()) for name in TABLES}\n"
        + "row_counts |= {path: len(read_file(path)) for path in FILES}\n"
        + "### END SOLUTION\n"
        + "#> row_counts = {}  # table name or file path -> number of rows\n"
        + "row_counts\n"
    )


def _bound(lines: list[str]) -> set[str]:
    """Return the names import lines bind."""
    names: set[str] = set()
    for line in lines:
        stmt = ast.parse(line).body[0]
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            names |= {alias.asname or alias.name.split(".")[0] for alias in stmt.names}
    return names


def _rebuild_imports(target: Target) -> tuple[list[str], list[str]]:
    """Return the imports lesson 2 needs before the function, and those only its body uses.

    The body's go where the learner writes the body: in the learner's notebook nothing
    imports what nothing uses yet (ruff's F401), and writing a function includes its imports.
    """
    lines = target.imports.splitlines()
    drop = {target.name, "connect", "contextlib"}  # defined, or imported, by the lesson itself
    before = used_imports(lines, "\n".join([target.inputs, target.call, target.signature]), drop)
    return before, used_imports(lines, target.source, drop | _bound(before))


def _rebuild_setup(product: Product, before: list[str]) -> str:
    """Return lesson 2's cells up to the exercise: connect, the call's inputs, `as_frame`."""
    target = product.target
    connect = _connect(product, ["import contextlib", *before])
    if not target.inputs:
        return "# %%\n" + _tidy(product, f"{connect}\n\n\n{AS_FRAME}") + "\n"
    return (
        "# %%\n" + _tidy(product, connect) + "\n\n# %% [markdown]\n"
        f"# The inputs `{target.name}` is given, built as the product's `pipeline.run`\n"
        "# builds them.\n\n# %%\n" + _tidy(product, f"{target.inputs}\n\n\n{AS_FRAME}") + "\n"
    )


def _body_imports_note(listed: str) -> str:
    """Return the markdown naming the imports the body needs, as the product's module has them."""
    if not listed:
        return ""
    listing = "\n".join(f"# {line}" if line else "#" for line in listed.splitlines())
    return (
        "#\n# Import what your body uses at the top of the cell; the product's module has:\n#\n"
        f"# ```python\n{listing}\n# ```\n"
    )


def rebuild_source(product: Product) -> str:
    """Return lesson 2: rebuild the product's function in the notebook."""
    target = product.target
    before, body = _rebuild_imports(target)
    listed = _tidy(product, "\n".join(body)) if body else ""
    imports = f"### BEGIN SOLUTION\n{listed}\n\n\n### END SOLUTION\n" if listed else ""
    return (
        _header(
            2,
            f"Rebuild `{target.name}`",
            f"write the body of `{target.name}` from its docstring, as the product has it in "
            f"`{target.module}`, and get the same result on the warehouse.",
            30,
            "the learner drives; as navigator, read the docstring aloud and sketch the steps "
            "first. The check compares the result with the product's own function.",
        )
        + "\n"
        + _rebuild_setup(product, before)
        + "\n# %% [markdown]\n"
        + f"# ## Rebuild `{target.name}` (driver: the learner)\n"
        + "# Write the body below the docstring. The check runs the notebook afresh and\n"
        + f"# compares `mine` with what `{target.module}.{target.name}` returns.\n"
        + _body_imports_note(listed)
        + '\n# %% tags=["step:rebuild"]\n'
        + imports
        + target.signature
        + "\n### BEGIN SOLUTION\n"
        + target.body
        + f"\n### END SOLUTION\n#>     {STUB}\n\n\n"
        + _tidy(product, f"mine = as_frame({target.call})\nmine.head()")
        + "\n"
    )


def _test_file(product: Product) -> str:
    """Return the `%%writefile` cell of lesson 3, with the assert as the exercise."""
    target = product.target
    solution = _tidy(
        product,
        f'"""A test of `{target.name}` on the warehouse: it fails when it is broken."""\n\n'
        + (target.input_imports + "\n" if target.input_imports else "")
        + f"from pairlab.warehouse import connect\n\nfrom {target.module} import {target.name}\n\n"
        + (_params(product) + "\n\n" if product.parameters else "")
        + f"\ndef test_{target.name}_returns_rows():\n"
        + "    con = connect()\n"
        + (textwrap.indent(target.inputs, "    ") + "\n" if target.inputs else "")
        + f"    result = {target.call}\n"
        + '    frame = result.to_pandas() if hasattr(result, "to_pandas") else result\n'
        + f'    assert len(frame) > 0, "{target.name} returned no rows"\n',
    )
    # The assert, as ruff laid it out, is the answer; the learner starts from `assert ...`.
    answer = next(n for n in ast.walk(ast.parse(solution)) if isinstance(n, ast.Assert))
    lines = solution.splitlines()
    return (
        "\n".join(
            [
                f"# %%writefile tests/test_{target.name}.py",
                *lines[: answer.lineno - 1],
                "### BEGIN SOLUTION",
                *lines[answer.lineno - 1 : answer.end_lineno],
                "### END SOLUTION",
                "#>     assert ...  # what must be true of the result?",
                *lines[answer.end_lineno or answer.lineno :],
            ]
        )
        + "\n"
    )


def mutant_test_source(product: Product) -> str:
    """Return lesson 3: a test that catches a planted mutant."""
    target = product.target
    return (
        _header(
            3,
            f"A test that catches a broken `{target.name}`",
            f"write a pytest test of `{target.module}.{target.name}` that passes on the "
            "product and fails when the function is broken.",
            30,
            "the check plants a mutant (the function returning no rows) and runs the test "
            "against it; a test that asserts nothing real lets the mutant live. Better still, "
            "as the core's lesson 5 teaches: a hand-made frame instead of the warehouse.",
        )
        + '\n# %%\nfrom pathlib import Path\n\nPath("tests").mkdir(exist_ok=True)\n\n'
        + "# %% [markdown]\n# ## The test (driver: the learner)\n"
        + "# Running the cell writes the test file. Replace `assert ...` with an assert that\n"
        + "# fails when the function returns nothing.\n\n"
        + '# %% tags=["step:test"]\n'
        + _test_file(product)
    )


def parameterize_source(product: Product) -> str:
    """Return lesson 4: tag the parameters cell and run headless."""
    target = product.target
    names = ", ".join(f"`{k}`" for k in product.parameters)
    headless = (
        (target.input_imports + "\n" if target.input_imports else "")
        + "from pairlab.warehouse import connect\n\n"
        + f"from {target.module} import {target.name}\n\ncon = connect()\n"
        + (target.inputs + "\n" if target.inputs else "")
        + f"result = {target.call}\nresult"
    )
    return (
        _header(
            4,
            "Parameterize and run headless",
            f"give the cell that sets {names} the tag `parameters`, so papermill can run the same "
            "notebook headless with other values.",
            20,
            "the exercise is the tag (Property Inspector, Cell Tags). Without it papermill "
            "injects the values above the cell that overwrites them: the headless run "
            "silently uses the defaults.",
        )
        + "\n# %% [markdown]\n# ## The inputs, in one cell (driver: the learner)\n"
        + "# Tag this cell `parameters` and save.\n\n"
        + '# %% tags=["parameters", "step:parameters"] learner_tags=["step:parameters"]\n'
        + _tidy(product, _params(product))
        + '\n\n# %% tags=["step:headless"]\n'
        + _tidy(product, headless)
        + "\n"
    )


SLUGS = ("explore", "rebuild", "test", "parameterize")


def stem(pack: str, slug: str) -> str:
    """Return a lesson's file stem, NN-PACK-SLUG: no core lesson's notebook has its name."""
    return f"{SLUGS.index(slug) + 1:02d}-{pack}-{slug}"


def slugs(product: Product) -> tuple[str, ...]:
    """Return the pack's lessons: lesson 4 only for a notebook with parameters to vary."""
    return SLUGS if product.parameters else SLUGS[:-1]


def sources(product: Product, pack: str) -> dict[str, str]:
    """Return each lesson's source file name and text."""
    texts = dict(
        zip(
            SLUGS,
            (explore_source, rebuild_source, mutant_test_source, parameterize_source),
            strict=True,
        )
    )
    return {f"{stem(pack, slug)}.py": texts[slug](product) for slug in slugs(product)}
