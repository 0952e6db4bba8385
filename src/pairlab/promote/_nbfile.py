"""Write notebooks and their py:percent twins as text, without importing nbformat (3 s)."""

from __future__ import annotations

import json
import re
from typing import Any

FORMATS = "ipynb,py:percent"
KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


_MAGIC = re.compile(r"^\s*(?:\w+\s*=\s*)?[%!]")


def _comment_magic(line: str) -> str:
    """Comment out an IPython magic or shell line, as jupytext does in a script."""
    return f"# {line}" if _MAGIC.match(line) else line


def notebook_json(cells: list[dict[str, Any]], kernelspec: dict[str, Any] | None) -> str:
    """Return a version-4.5 notebook paired with a py:percent script, as Jupyter saves it."""
    out = []
    for cell in cells:
        item = {**cell, "source": cell["source"].splitlines(keepends=True)}
        out.append(dict(sorted(item.items())))
    meta = {
        "jupytext": {"formats": FORMATS},
        "kernelspec": kernelspec or KERNEL,
        "language_info": {"name": "python"},
    }
    doc = {"cells": out, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def percent_script(cells: list[dict[str, Any]], kernelspec: dict[str, Any] | None) -> str:
    """Return the py:percent script jupytext pairs with the notebook."""
    spec = kernelspec or KERNEL
    lines = ["# ---", "# jupyter:", "#   jupytext:", f"#     formats: {FORMATS}", "#   kernelspec:"]
    lines += [f"#     {k}: {spec[k]}" for k in ("display_name", "language", "name") if k in spec]
    lines += ["# ---", ""]
    for cell in cells:
        tags = cell.get("metadata", {}).get("tags")
        if cell["cell_type"] == "code":
            lines.append(f"# %% tags={json.dumps(tags)}" if tags else "# %%")
            lines += [_comment_magic(line) for line in cell["source"].split("\n")]
        else:
            lines.append("# %% [markdown]" if cell["cell_type"] == "markdown" else "# %% [raw]")
            lines += [f"# {line}".rstrip() for line in cell["source"].split("\n")]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
