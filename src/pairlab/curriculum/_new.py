"""`pairlab lesson new`: write a lesson pack from a data product, then build its notebooks.

The ambassador edits what this writes. Running it again writes files that are missing and
updates those still as pairlab wrote them (their hashes are in .pairlab/pack.json); a file
edited since, or one pairlab did not write, is kept as it is and named.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from pairlab import _process
from pairlab._files import write_bytes_atomic, write_text_atomic
from pairlab.curriculum._build import BuildResult, build
from pairlab.curriculum._pack_steps import lesson_files, toml_value
from pairlab.curriculum._product import Product, read_product
from pairlab.curriculum._ruff import RUFF_FILE, pack_ruff, pyproject_ruff, ruff_toml
from pairlab.errors import BadInput
from pairlab.lessons import CORE, PACK_FILE, read_pack

MANIFEST = ".pairlab/pack.json"
STARTER = "workspace"
WAREHOUSE_URL_VARIABLE = "PAIRLAB_WAREHOUSE_URL"


@dataclass
class NewPack:
    """What `lesson new` did: files written, updated, kept (edited), and the build."""

    root: Path
    name: str
    written: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    built: BuildResult = field(default_factory=BuildResult)


def pack_name(folder: Path, name: str | None) -> str:
    """Return the pack's name: `name`, else the folder's, in lower-case-with-dashes."""
    raw = name if name is not None else folder.resolve().name
    slug = re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-")
    if not slug or (name is not None and slug != name):
        raise BadInput(f"pack name {raw!r} is not lower-case-with-dashes", "e.g. --name loss-ratio")
    if slug == CORE:
        raise BadInput(f"'{CORE}' is the core curriculum's name", "choose another --name")
    return slug


def pack_owner(owner: str | None, root: Path | None = None) -> str:
    """Return the pack's owner: `owner`, else the ambassador running `lesson new`.

    The ambassador is git's `user.name` where the pack is written (who will commit it), else
    the login name.
    """
    if owner is not None:
        if not owner.strip():
            raise BadInput("--owner is blank", "pass the ambassador's username, e.g. --owner maya")
        return owner.strip()
    where = next((p for p in (root.absolute().parents if root else ()) if p.is_dir()), None)
    done = _process.run(["git", "config", "--get", "user.name"], cwd=where, timeout=10)
    named = done.stdout.strip() if done.ok else ""  # no git, or no name: the login name
    return named or getpass.getuser()


def _descriptor(product: Product, name: str, owner: str) -> str:
    """Return pack.toml: the pack is the ambassador's, the product stays its team's."""
    fields = {
        "name": name,
        "title": f"{product.title}: lessons on our own product",
        "domain": product.domain,
        "owner": owner,
        "warehouse_url_variable": WAREHOUSE_URL_VARIABLE,
        "product": product.id,
    }
    lines = ["# A lesson pack made by `pairlab lesson new`; edit it as you like.", "[pack]"]
    return "\n".join([*lines, *(f"{k} = {toml_value(v)}" for k, v in fields.items())]) + "\n"


def _notes(product: Product, name: str) -> str:
    """Return facilitator-notes.md: how to run the pack, what each lesson wants."""
    target = product.target
    lesson_4 = (
        "| 4 | tags the parameters cell, runs headless | has-parameters, answers-match |\n"
        if product.parameters
        else ""
    )
    return f"""# Facilitator notes: {product.title}

Lessons on the team's own product `{product.id}` (owner: {product.owner or "the team"}), made by
`pairlab lesson new`. Edit the sources in `source/` and the steps in `steps/`, then
`pairlab curriculum build --pack .` writes the learner and solution notebooks and `run-sheet.md`.

- Check the pack: `pairlab curriculum run --pack . --solutions` (every step passes) and
  `pairlab curriculum run --pack .` (the learner versions run; their steps fail).
- Teach: `pairlab lab --pack .` opens the core lessons with this pack beside them, in `{name}/`.
- The warehouse: lessons call `connect()`, which reads ${WAREHOUSE_URL_VARIABLE} (an ibis URL)
  or the local DuckDB file.

| lesson | what the learner does | the check |
| --- | --- | --- |
| 1 | counts the rows of {", ".join([*product.tables, *product.files])} | answers-match |
| 2 | rebuilds `{target.name}` from its docstring | answers-match against `{target.module}` |
| 3 | writes a test of `{target.name}` | tests-catch-mutants: it returns no rows |
{lesson_4}
Let each check fail once before you explain; read its message together.
"""


def _workspace(product: Product, name: str) -> dict[str, str | bytes]:
    """Return the starter files: the product's package with its data, its notebooks' files."""
    files: dict[str, str | bytes] = {
        f"{STARTER}/pyproject.toml": (
            "# The lessons' project settings: pytest imports the product's package from here,\n"
            "# ruff lints the lessons with the core's rules, the product's package first-party.\n"
            f'[project]\nname = "{name}-workspace"\nversion = "0"\nrequires-python = ">=3.11"\n\n'
            + pyproject_ruff(pack_ruff(product.package))
            + '\n[tool.pytest.ini_options]\npythonpath = ["."]\ntestpaths = ["tests"]\n'
        )
    }
    package = product.root / "src" / product.package
    for path in _carried(package):  # code and package data: what the functions read
        files[f"{STARTER}/{path.relative_to(package.parent).as_posix()}"] = path.read_bytes()
    notebooks = product.root / "notebooks"  # local files the notebook read, beside the lessons
    for path in _carried(notebooks):
        if path.suffix != ".ipynb" and not _is_paired_script(path):
            files[f"{STARTER}/{path.relative_to(notebooks).as_posix()}"] = path.read_bytes()
    return files


def _is_paired_script(path: Path) -> bool:
    """Return whether `path` is a notebook's jupytext twin: the notebook's text, not its data.

    The pack leaves the product's notebook out, so its twin too: the learner would find a
    script of the product notebook beside the lessons (and ruff its E402s and bare expressions).
    """
    notebook = path.with_suffix(".ipynb")
    if path.suffix != ".py" or not notebook.is_file():
        return False
    try:  # read the JSON directly: nbformat costs seconds to import
        pairing = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]["jupytext"]
        return "py" in str(pairing.get("formats", ""))
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        return False  # not a notebook, or not paired: the file is the product's to carry


def _carried(folder: Path) -> list[Path]:
    """Return the files under `folder` a copy needs: no caches, no compiled code."""
    if not folder.is_dir():
        return []
    return [
        path
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and not {"__pycache__", ".ipynb_checkpoints"} & set(path.parts)
        and path.suffix != ".pyc"
    ]


def _refuse_an_empty_reference(product: Product) -> None:
    """Refuse a product lesson 1 cannot check: nothing it reads gives the reference `{}`."""
    if not product.tables and not product.files:
        raise BadInput(
            f"{product.root / 'dataproduct.yaml'} names no warehouse table it reads and "
            f"src/{product.package}/ holds no CSV or parquet file, so lesson 1's reference would "
            "be empty and the untouched learner notebook would pass",
            "add the warehouse table it reads as an inputPorts entry, or save the frame it "
            f"builds inline as a CSV in src/{product.package}/data/ and read it from there",
        )


def _sha(data: bytes) -> str:
    """Return the hash recorded for a written file."""
    return hashlib.sha256(data).hexdigest()


def _recorded(root: Path) -> dict[str, str]:
    """Return {path: hash} of what pairlab last wrote in the pack."""
    path = root / MANIFEST
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")).get("files", {}))
    except (OSError, ValueError, AttributeError):
        return {}


def _write_all(root: Path, files: dict[str, str | bytes], done: NewPack) -> None:
    """Write each file unless someone edited it since pairlab wrote it."""
    recorded = _recorded(root)
    for rel, content in files.items():
        path, data = root / rel, content.encode() if isinstance(content, str) else content
        if not path.exists():
            write_bytes_atomic(path, data)
            done.written.append(rel)
            recorded[rel] = _sha(data)
            continue
        current = _sha(path.read_bytes())
        if current == _sha(data):
            done.unchanged.append(rel)
        elif recorded.get(rel) == current:  # as pairlab wrote it: ours to update
            write_bytes_atomic(path, data)
            done.updated.append(rel)
            recorded[rel] = _sha(data)
        else:
            done.kept.append(rel)
    write_text_atomic(root / MANIFEST, json.dumps({"files": recorded}, indent=1) + "\n")


def new_pack(
    root: Path, product_dir: Path, name: str | None = None, owner: str | None = None
) -> NewPack:
    """Write a lesson pack in `root` from the product in `product_dir`, then build it.

    The pack's owner is `owner`, else the user running this: the ambassador who teaches it,
    not the product's owner.
    """
    if root.exists() and not root.is_dir():
        raise BadInput(f"{root} is a file", "pass a folder for the pack")
    if root.resolve() == product_dir.resolve():
        raise BadInput("the pack cannot live in the product's own folder", "pass another folder")
    chosen = pack_name(root, name)
    ambassador = pack_owner(owner, root)
    if (root / PACK_FILE).exists():  # update that pack, never merge a second one into it
        held = read_pack(root).name
        if held != chosen:
            raise BadInput(
                f"{root} holds the pack '{held}', not '{chosen}'",
                f"pass --name {held} to update it, or choose an empty folder for '{chosen}'",
            )
    product = read_product(product_dir)
    _refuse_an_empty_reference(product)
    files: dict[str, str | bytes] = {
        PACK_FILE: _descriptor(product, chosen, ambassador),
        RUFF_FILE: ruff_toml(),
        "facilitator-notes.md": _notes(product, chosen),
        **lesson_files(product, chosen),
        **_workspace(product, chosen),
    }
    done = NewPack(root, chosen)
    _write_all(root, files, done)
    done.built = build(root)
    return done


def format_new_pack(done: NewPack) -> str:
    """Return what `lesson new` did, as lines for the terminal."""
    lines = [f"pairlab: pack '{done.name}' in {done.root}"]
    lines += [f"  wrote   {rel}" for rel in done.written]
    lines += [f"  updated {rel}" for rel in done.updated]
    lines += [f"  kept    {rel} (edited since pairlab wrote it)" for rel in done.kept]
    lines.append(f"  built   {len(done.built.changed)} notebooks and sheets")
    lines.append(
        f"pairlab: next: pairlab curriculum run --pack {done.root} --solutions; "
        f"then pairlab lab --pack {done.root}"
    )
    return "\n".join(lines)
