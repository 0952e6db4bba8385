"""The files of a lesson pack made from a product: lesson sources, step definitions, notes.

Four lessons, each a py:percent source with solution markers (the format of the core's
`curriculum/source/`) and a step file using the practice checks: explore the product's input
tables (answers-match), rebuild one of its functions (answers-match against the product's own),
write a test that catches a planted mutant of it (tests-catch-mutants), and parameterize and
run headless (has-parameters, answers-match with other parameters injected).
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

from pairlab.curriculum._product import Product
from pairlab.curriculum._values import other_values

AS_FRAME = '''def as_frame(result):
    """Return a result as a pandas frame in a stable row order (an ibis table runs here)."""
    frame = result.to_pandas() if hasattr(result, "to_pandas") else result
    try:
        frame = frame.sort_values(list(frame.columns), kind="stable")
    except TypeError:
        pass
    return frame.reset_index(drop=True)'''


def toml_value(value: Any) -> str:
    """Return `value` as a TOML value: strings, numbers, booleans, lists and inline tables."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    items = ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items())
    return "{ " + items + " }"


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


def _connect(product: Product, extra: str = "") -> str:
    """Return the cell that sets the parameters and connects to the warehouse."""
    head = "\n".join(line for line in (extra, "from pairlab.warehouse import connect") if line)
    tail = "\n".join(line for line in (_params(product), "con = connect()") if line)
    return f"# %%\n{head}\n\n{tail}\n"


READ_FILE = '''def read_file(path):
    """Return a data file the product reads (CSV or parquet) as a frame."""
    return pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path)'''


def _sources(product: Product) -> str:
    """Return the tables and data files the product reads, as the lesson's constants."""
    tables = ", ".join(json.dumps(t) for t in product.tables)
    files = ", ".join(json.dumps(f) for f in product.files)
    return f"TABLES = [{tables}]\nFILES = [{files}]"


def _read_names(product: Product) -> str:
    """Return the words naming what the product reads, for the lesson's title."""
    kinds = [
        (product.tables, "the tables"),
        (product.files, "the files"),
    ]
    return " and ".join(words for found, words in kinds if found)


def explore_source(product: Product) -> str:
    """Return lesson 1: explore the input tables and data files."""
    reads = _read_names(product)
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
        + "\n"
        + _connect(product, f"import pandas as pd\n\n{_sources(product)}")
        + "\n\n"
        + READ_FILE
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


def _inputs_cell(product: Product) -> str:
    """Return the cell that builds the function's arguments as `pipeline.run` does, if any."""
    inputs = product.target.inputs
    if not inputs:
        return ""
    return (
        "\n# %% [markdown]\n"
        f"# The inputs `{product.target.name}` is given, built as the product's `pipeline.run`\n"
        "# builds them.\n\n# %%\n" + inputs + "\n"
    )


def rebuild_source(product: Product) -> str:
    """Return lesson 2: rebuild the product's function in the notebook."""
    target = product.target
    imports = target.imports + "\n" if target.imports else ""
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
        + _connect(product, imports)
        + _inputs_cell(product)
        + "\n\n"
        + AS_FRAME
        + "\n\n# %% [markdown]\n"
        + f"# ## Rebuild `{target.name}` (driver: the learner)\n"
        + "# Write the body below the docstring. The check runs the notebook afresh and\n"
        + f"# compares `mine` with what `{target.module}.{target.name}` returns.\n\n"
        + '# %% tags=["step:rebuild"]\n'
        + target.signature
        + "\n### BEGIN SOLUTION\n"
        + target.body
        + "\n### END SOLUTION\n"
        + f"#>     ...  # rebuild it: the product's version is in {target.module}\n\n\n"
        + f"mine = as_frame({target.call})\nmine.head()\n"
    )


def _test_file(product: Product) -> str:
    """Return the `%%writefile` cell of lesson 3, with the assert as the exercise."""
    target = product.target
    return (
        f"# %%writefile tests/test_{target.name}.py\n"
        f'"""A test of `{target.name}` on the warehouse: it fails when it is broken."""\n\n'
        + (target.input_imports + "\n" if target.input_imports else "")
        + f"from pairlab.warehouse import connect\n\nfrom {target.module} import {target.name}\n\n"
        + (_params(product) + "\n\n" if product.parameters else "")
        + f"\ndef test_{target.name}_returns_rows():\n"
        + "    con = connect()\n"
        + (textwrap.indent(target.inputs, "    ") + "\n" if target.inputs else "")
        + f"    result = {target.call}\n"
        + '    frame = result.to_pandas() if hasattr(result, "to_pandas") else result\n'
        + "### BEGIN SOLUTION\n"
        + f'    assert len(frame) > 0, "{target.name} returned no rows"\n'
        + "### END SOLUTION\n"
        + "#>     assert ...  # what must be true of the result?\n"
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
        + _params(product)
        + '\n\n# %% tags=["step:headless"]\n'
        + (target.input_imports + "\n" if target.input_imports else "")
        + "from pairlab.warehouse import connect\n\n"
        + f"from {target.module} import {target.name}\n\ncon = connect()\n"
        + (target.inputs + "\n" if target.inputs else "")
        + f"result = {target.call}\nresult\n"
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


def _lesson_toml(pack: str, slug: str, lesson: dict[str, Any], steps: list[dict[str, Any]]) -> str:
    """Return one step definition file."""
    lines = [
        f"id = {toml_value(f'{pack}-{slug}')}",
        f"title = {toml_value(lesson['title'])}",
        f"notebook = {toml_value(stem(pack, slug) + '.ipynb')}",
        f"summary = {toml_value(lesson['summary'])}",
        f'facilitator_notes = """\n{lesson["notes"]}\n"""',
        "# Credentials never belong in a notebook: checked at every step.",
        'every_step = ["no-secrets"]',
    ]
    for step in steps:
        lines += ["", "[[steps]]"]
        lines += [f"{key} = {toml_value(step[key])}" for key in ("id", "title", "goal", "hint")]
        for check in step["checks"]:
            lines += ["", "[[steps.checks]]", f"id = {toml_value(check['id'])}"]
            lines += [f"args.{k} = {toml_value(v)}" for k, v in check["args"].items()]
    return "\n".join(lines) + "\n"


def _answers(through: str, expect: dict[str, str], setup: str, **more: Any) -> dict[str, Any]:
    """Return an answers-match check declaration."""
    args: dict[str, Any] = {"through": through, "reveal": True, "expect": expect}
    return {"id": "answers-match", "args": args | ({"setup": setup} if setup else {}) | more}


def _explore_steps(product: Product) -> list[dict[str, Any]]:
    """Return lesson 1's step: the row counts equal the warehouse's and the files'."""
    setup = (
        "import pandas as pd\nfrom pairlab.warehouse import connect\n\n_con = connect()\n"
        f"{_sources(product)}\n{READ_FILE}\n\n"
        "REFERENCE_COUNTS = {t: int(_con.table(t).count().execute()) for t in TABLES}\n"
        "REFERENCE_COUNTS |= {p: len(read_file(p)) for p in FILES}"
    )
    return [
        {
            "id": "explore",
            "title": "Count the rows of each input",
            "goal": "Fill row_counts with the number of rows of every table and file the "
            "product reads.",
            "hint": "con.table(name).count().execute() counts a table's rows; len(frame) a file's.",
            "checks": [_answers("step:explore", {"row_counts": "REFERENCE_COUNTS"}, setup)],
        }
    ]


def _rebuild_steps(product: Product) -> list[dict[str, Any]]:
    """Return lesson 2's step: the rebuilt function returns what the product's returns."""
    target = product.target
    setup = f"from {target.module} import {target.name} as _product_function"
    reference = "as_frame(_product_function" + target.call[len(target.name) :] + ")"
    return [
        {
            "id": "rebuild",
            "title": f"Rebuild {target.name}",
            "goal": f"Write the body of {target.name} so that mine equals the product's result.",
            "hint": f"Read {target.module}.{target.name} only when stuck; the docstring says "
            "what it returns.",
            "checks": [
                _answers("step:rebuild", {"mine": reference}, setup),
                {"id": "pure-functions", "args": {"names": [target.name]}},
            ],
        }
    ]


def _test_steps(product: Product) -> list[dict[str, Any]]:
    """Return lesson 3's step: the test passes and catches the planted mutant."""
    target = product.target
    mutant = {
        "function": target.name,
        "body": target.mutant_body,
        "hint": f"{target.name} returns no rows",
    }
    args = {
        "paths": [f"tests/test_{target.name}.py"],
        "module": target.module,
        "mutants": {f"{target.name} returns no rows": mutant},
    }
    return [
        {
            "id": "test",
            "title": f"A test that catches a broken {target.name}",
            "goal": f"Write tests/test_{target.name}.py with an assert that fails when "
            f"{target.name} returns no rows, and run the cell.",
            "hint": "assert len(frame) > 0 is a start; compare a known value to do better.",
            "checks": [{"id": "tests-catch-mutants", "args": args}],
        }
    ]


def _parameterize_steps(product: Product) -> list[dict[str, Any]]:
    """Return lesson 4's steps: the parameters cell, then a headless run with other values."""
    other = other_values(product.parameters, product.tables)
    expect = {k: repr(v) for k, v in other.items()}
    return [
        {
            "id": "parameters",
            "title": "Declare the inputs",
            "goal": "Tag the cell that sets the inputs `parameters`, and save.",
            "hint": "Property Inspector (gear icon) -> Cell Tags -> parameters.",
            "checks": [{"id": "has-parameters", "args": {"names": list(product.parameters)}}],
        },
        {
            "id": "headless",
            "title": "Run it headless with other values",
            "goal": "The notebook runs in a fresh kernel with other parameters and uses them.",
            "hint": "If the run keeps the defaults, papermill found no cell tagged parameters.",
            "checks": [_answers("step:headless", expect, "", parameters=other)],
        },
    ]


def lesson_files(product: Product, pack: str) -> dict[str, str]:
    """Return every lesson's source and step definition, by path inside the pack."""
    target = product.target
    lessons = {
        "explore": (
            _explore_steps,
            "Explore the inputs",
            f"Look at {_read_names(product)} the product reads.",
            "Ask the learner what they expect each table to hold before looking.",
        ),
        "rebuild": (
            _rebuild_steps,
            f"Rebuild {target.name}",
            f"Write {target.name} again from its docstring.",
            "Let the check fail first; read its message together.",
        ),
        "test": (
            _test_steps,
            f"Test {target.name}",
            "A test that catches a planted mutant.",
            "A test that passes is not yet a test that can fail: the mutant shows it.",
        ),
        "parameterize": (
            _parameterize_steps,
            "Parameterize and run headless",
            "Declare the inputs and run the notebook with others.",
            "The tag is the exercise; the headless step shows why it matters.",
        ),
    }
    files = {f"source/{name}": text for name, text in sources(product, pack).items()}
    for slug in slugs(product):
        steps, title, summary, notes = lessons[slug]
        meta = {"title": title, "summary": summary, "notes": notes}
        files[f"steps/{stem(pack, slug)}.toml"] = _lesson_toml(pack, slug, meta, steps(product))
    return files
