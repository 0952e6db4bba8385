"""The step definitions of a lesson pack made from a product: one TOML file per lesson.

Each lesson's steps use the practice checks: answers-match against the product's tables and
function, tests-catch-mutants with a planted mutant, has-parameters and a headless run with
other parameter values drawn from the data.
"""

from __future__ import annotations

import json
from typing import Any

from pairlab.curriculum._pack_sources import (
    READ_FILE,
    input_constants,
    read_names,
    slugs,
    sources,
    stem,
)
from pairlab.curriculum._product import Product
from pairlab.curriculum._values import other_values


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
        f"{input_constants(product)}\n{READ_FILE}\n\n"
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
            f"Look at {read_names(product)} the product reads.",
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
