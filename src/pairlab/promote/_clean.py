"""A product born clean: ruff-tidy code, outputs ignored, a git repository with a first commit."""

from __future__ import annotations

import json
import os
import posixpath
from pathlib import Path
from typing import Any

from pairlab import _process
from pairlab.checks.lint import ruff_binary
from pairlab.promote._nbfile import percent_script

FALLBACK_NAME = "pairlab promote"
FALLBACK_EMAIL = "pairlab-promote@localhost"
OURS = {"pipeline.py", "__init__.py", "test_characterization.py", "test_contract.py"}


def _snapshot(root: Path) -> dict[str, bytes]:
    """Return the Python files under `root` with their bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.py"))}


def tidy(product: Path, notebook: Path) -> list[str]:
    """Sort imports and format as the product's ruff does; return what changed in whose code.

    The notebook's import cells are sorted in the .ipynb (ruff reads notebooks cell by cell)
    and its py:percent twin is written again from the sorted cells, so the pair stays in sync.
    """
    return tidy_many([(product, notebook)])[0]


def tidy_many(products: list[tuple[Path, Path]]) -> list[list[str]]:
    """Tidy several (product, notebook) pairs with one ruff run per step; changes per product.

    ruff takes each file's settings from the pyproject.toml of the product it sits in.
    """
    ruff = ruff_binary()
    paths = [str(p / sub) for p, _ in products for sub in ("src", "tests")]
    before = [{**_snapshot(p / "src"), **_snapshot(p / "tests")} for p, _ in products]
    fix = ["check", "--fix", "--select", "I,F401", "--exit-zero", "--no-cache", "--quiet"]
    _process.run([ruff, *fix, *paths], cwd=products[0][0])
    _process.run([ruff, "format", "--no-cache", "--quiet", *paths], cwd=products[0][0])
    cells = [json.loads(nb.read_text(encoding="utf-8"))["cells"] for _, nb in products]
    sort = ["check", "--fix", "--select", "I", "--exit-zero", "--no-cache", "--quiet"]
    _process.run([ruff, *sort, *(str(nb) for _, nb in products)], cwd=products[0][0])
    return [
        _changes(product, notebook, old, cells_before)
        for (product, notebook), old, cells_before in zip(products, before, cells, strict=True)
    ]


def _changes(
    product: Path, notebook: Path, before: dict[str, bytes], cells: list[dict[str, Any]]
) -> list[str]:
    """Return what tidying changed in the analyst's code; write the notebook's twin again."""
    after = {**_snapshot(product / "src"), **_snapshot(product / "tests")}
    changes = [
        f"{rel}: imports sorted and code laid out by ruff format (behaviour unchanged)"
        for rel, data in after.items()
        if before.get(rel, data) != data and rel.rsplit("/", 1)[-1] not in OURS
    ]
    doc = json.loads(notebook.read_text(encoding="utf-8"))
    for number, (old, new) in enumerate(zip(cells, doc["cells"], strict=True), 1):
        if old["source"] != new["source"]:
            changes.append(f"notebook cell {number}: imports sorted by ruff")
    flat = [{**c, "source": "".join(c["source"])} for c in doc["cells"]]
    twin = notebook.with_suffix(".py")
    twin.write_text(percent_script(flat, doc["metadata"].get("kernelspec")), encoding="utf-8")
    return changes


def cells_of(notebook: Path) -> list[dict[str, Any]]:
    """Return a written notebook's cells, each source as one string."""
    doc = json.loads(notebook.read_text(encoding="utf-8"))
    return [{**c, "source": "".join(c["source"])} for c in doc["cells"]]


def ignore_outputs(product: Path, writes: list[str], carried: set[str]) -> list[str]:
    """Ignore in git the files the notebook writes when it runs (CI runs it in notebooks/).

    A folder it writes into that nothing carried creates gets a .gitkeep, so that a fresh
    clone has it. Return the ignored paths.
    """
    ignored = sorted(
        f"/notebooks/{w}"
        for w in set(writes)
        if not w.startswith("..") and not any(c.startswith(f"notebooks/{w}/") for c in carried)
    )  # a folder the notebook makes is ignored whole, unless files it reads are carried there
    ignored = [p for p in ignored if not any(p.startswith(f"{q}/") for q in ignored)]
    if not ignored:
        return []
    gitignore = product / ".gitignore"
    text = gitignore.read_text(encoding="utf-8") if gitignore.is_file() else ""
    text += "\n# Files the notebook writes when it runs (pairlab promote found them)\n"
    gitignore.write_text(text + "\n".join(ignored) + "\n", encoding="utf-8")
    for path in ignored:
        parent = posixpath.dirname(path.removeprefix("/"))
        parts = parent.split("/")  # a folder named by a pattern: keep the one above it
        parent = "/".join(parts[: next((i for i, p in enumerate(parts) if "*" in p), len(parts))])
        has_files = any(c.startswith(parent + "/") for c in carried)
        if parent != "notebooks" and not has_files:
            (product / parent).mkdir(parents=True, exist_ok=True)
            (product / parent / ".gitkeep").write_text("")
    return ignored


def _identity() -> tuple[str, str, bool]:
    """Return (name, email, configured) from git config, else pairlab's fallback."""
    name = _process.run(["git", "config", "--get", "user.name"]).stdout.strip()
    email = _process.run(["git", "config", "--get", "user.email"]).stdout.strip()
    if name and email:
        return name, email, True
    user = name or os.environ.get("USER", "")
    return f"{user} via {FALLBACK_NAME}" if user else FALLBACK_NAME, email or FALLBACK_EMAIL, False


def first_commit(dest: Path, notebook: str) -> str:
    """Make `dest` a git repository with everything in one first commit; return a note."""
    if (dest / ".git").exists():
        return ""
    init = _process.run(["git", "init", "-q", "-b", "main", str(dest)], timeout=60)
    if init.returncode == 127:
        return "git is not installed: run `git init` in the product, then commit"
    if not init.ok:
        return f"git init failed ({init.tail(1)}): run `git init` in the product, then commit"
    name, email, configured = _identity()
    ident = ["-c", f"user.name={name}", "-c", f"user.email={email}"]
    _process.run(["git", "-C", str(dest), "add", "-A"], timeout=60)
    message = f"Promote {notebook} with pairlab"
    done = _process.run(["git", "-C", str(dest), *ident, "commit", "-q", "-m", message], timeout=60)
    if not done.ok:
        return f"git commit failed ({done.tail(1)}): commit the product yourself"
    if configured:
        return f"committed the product as {name} <{email}>"
    return (
        f"committed the product as {name} <{email}>: git has no user.name/user.email; "
        "set them with `git config --global user.name ...` for your next commits"
    )
