"""`pairlab promote`: the five stages, from a working notebook to a checked data product."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pairlab._files import new_scratch_folder, scratch_folder, temp_root
from pairlab._imports import distribution
from pairlab.checks import Report, format_report
from pairlab.errors import BadInput
from pairlab.kits import render
from pairlab.promote import (
    _ci,
    _clean,
    _commit,
    _data,
    _lint,
    _pairtests,
    _reuse,
    characterization,
    equivalence,
)
from pairlab.promote._checks import run_product_checks
from pairlab.promote._contract import contract
from pairlab.promote._decide import format_table
from pairlab.promote._model import Analysis
from pairlab.promote._nbfile import notebook_json, percent_script
from pairlab.promote.analysis import analyse
from pairlab.promote.extraction import Names, notebook_cells, pipeline_module, transform_module

KIT_DEPENDENCIES = {"pairlab", "ibis-framework", "duckdb", "pandas", "pyarrow"}
GENERIC = {"result", "results", "df", "out", "output", "table", "frame", "data", "res"}
WORK_PREFIX = "pairlab-promote-"
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
# Longer names cannot keep every generated line (imports, docstrings) within ruff's 100.
MAX_NAME = 64


@dataclass
class Outcome:
    """What a promote did: where, the analysis, the gate's verdicts, the checks, the diff."""

    dest: Path
    analysis: Analysis
    verdicts: dict[str, equivalence.Verdict] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    diff: str = ""
    report: Report | None = None  # the product's checks
    reused: _reuse.Recorded | None = None  # the last promote's result, nothing having changed

    @property
    def ok(self) -> bool:
        """Return whether the gate and every check passed."""
        same = all(v.same for v in self.verdicts.values())
        checks = self.report is None or self.report.exit_code == 0
        return same and checks


def names_for(name: str, analysis: Analysis) -> Names:
    """Return the product's names from --name; refuse a bad name or one that shadows a module."""
    if not _NAME.match(name):
        raise BadInput(
            f"--name '{name}' is not a product name",
            "use lower case letters and digits joined by dashes, e.g. claims-loss-ratio",
        )
    if len(name) > MAX_NAME:
        raise BadInput(
            f"--name is {len(name)} characters long; a product has at most {MAX_NAME} characters",
            "choose a shorter name, e.g. drop words the domain already says",
        )
    package = name.replace("-", "_")
    if package in sys.stdlib_module_names or importlib.util.find_spec(package) is not None:
        raise BadInput(
            f"--name '{name}' clashes with the installed Python module `{package}`",
            f"choose another name, e.g. --name {name}-product",
        )
    output = package if analysis.output in GENERIC else analysis.output
    return Names(name.replace("_", "-"), package, output, analysis.path.stem)


def _answers(analysis: Analysis, names: Names) -> dict[str, object]:
    """Return the kit's answers for a promoted product."""
    return {
        "product_name": names.product_id.replace("-", " ").capitalize(),
        "product_id": names.product_id,
        "package_name": names.package,
        "owner": os.environ.get("USER") or "analyst",
        "purpose": f"Build `{names.output}` as notebooks/{names.notebook}.ipynb does",
        "value_hypothesis": "State what would prove this product worth keeping, and by when",
        "output_name": names.output,
        "input_tables": analysis.input_tables,
        "input_products": analysis.input_products,
        "dependencies": _dependencies(analysis),
        "example": False,
    }


def _dependencies(analysis: Analysis) -> list[str]:
    """Return what the notebook installs or imports beyond the kit's own dependencies."""
    modules = {line.split()[1].split(".")[0] for line in analysis.imports.values()}
    imported = {d for d in map(distribution, modules) if d}
    found = {d.lower() for d in (*analysis.dependencies, *imported)}
    return sorted(found - KIT_DEPENDENCIES)


def _write(root: Path, rel: str, data: str | bytes) -> None:
    """Write one staged file."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)


def _extract(
    analysis: Analysis, names: Names, product: Path, fix: bool = False
) -> list[dict[str, Any]]:
    """Stage 2 in the staging folder: render the kit, write modules, data, tests, notebook.

    Stops when the product's lint would fail on the analyst's code (after ruff's safe fixes,
    with `fix`): its CI would, and the kernels need not run for that.
    """
    render("data-product", product, _answers(analysis, names))
    pkg = f"src/{names.package}"
    if analysis.functions:
        _write(product, f"{pkg}/transform.py", transform_module(analysis, names))
    for module, path in analysis.local_modules.items():
        _write(product, f"{pkg}/{module}.py", path.read_bytes())
    _write(product, f"{pkg}/pipeline.py", pipeline_module(analysis, names))
    carried = {rel.replace("{package}", pkg): src for rel, src in _data.carried(analysis).items()}
    for rel, source in carried.items():
        _write(product, rel, source.read_bytes())
    for rel, data in _pairtests.files(analysis, names.package).items():
        _write(product, rel, data)
    cells = notebook_cells(analysis, names)
    notebook = product / f"notebooks/{names.notebook}.ipynb"
    _write(product, f"notebooks/{names.notebook}.ipynb", notebook_json(cells, None))
    _write(product, f"notebooks/{names.notebook}.py", percent_script(cells, None))
    _clean.ignore_outputs(product, analysis.writes, set(carried))
    analysis.changes += _clean.tidy(product, notebook)
    _lint.gate(product, notebook, analysis, fix)
    return _clean.cells_of(notebook)


def _stage(
    analysis: Analysis,
    names: Names,
    product: Path,
    cells: list[dict[str, Any]],
    outcome: Outcome,
    run: bool,
) -> None:
    """Stages 3 and 4 in the staging folder: run both notebooks, freeze, compare."""
    frame = None
    if run:
        # The pid in the name lets the next promote remove it if this one is killed (-9).
        with scratch_folder(f"{WORK_PREFIX}{os.getpid()}-") as work:
            original, promoted = characterization.run_both(
                analysis, names, product, cells, Path(work)
            )
            files, outcome.notes = characterization.fixture_files(original)
            for rel, data in files.items():
                _write(product, rel, data)
            _write(product, "tests/test_characterization.py", characterization.test_module(names))
            outcome.verdicts = equivalence.compare_runs(original, promoted)
            frame = pd.read_parquet(original / "original.parquet")
    text = contract(frame, product_id=names.product_id, port=names.output, domain="claims")
    _write(product, f"contracts/{names.output}.odcs.yaml", text)


def _dead(pid: str) -> bool:
    """Return whether no process has id `pid` (a name that holds no pid counts as dead)."""
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return True
    except PermissionError:
        return False
    return False


def _clean_stale(dest: Path | None) -> None:
    """Remove the staging and run folders of promotes that were killed (their pid is gone)."""
    stale = [p for p in temp_root().glob(f"{WORK_PREFIX}*") if p.is_dir()]
    stale = [p for p in stale if _dead(p.name[len(WORK_PREFIX) :].split("-", 1)[0])]
    if dest is not None and dest.parent.is_dir():
        staging = dest.parent.glob(f".{dest.name}.pairlab-staging-*")
        stale += [p for p in staging if _dead(p.name.rsplit("-", 2)[-2])]
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)


def _staging(dest: Path, dry_run: bool) -> Path:
    """Make the staging folder: beside the target (one rename to commit), or for a dry run in
    the temp folder, so that a dry run creates nothing where the target goes."""
    if dry_run:
        return new_scratch_folder(f"{WORK_PREFIX}{os.getpid()}-dry-")
    dest.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{dest.name}.pairlab-staging-{os.getpid()}-"
    return new_scratch_folder(prefix, dest.parent)


def promote(
    notebook: Path,
    name: str,
    into: Path | None = None,
    *,
    dry_run: bool = False,
    force: bool = False,
    run: bool = True,
    checks: bool = True,
    fix: bool = False,
    ci: bool | None = None,
    echo: Callable[[str], None] = print,
) -> Outcome:
    """Promote `notebook` into a data product named `name` (in `into`, default ./NAME).

    With `checks`, the product's checks run, then (unless `ci` is False) its own CI steps
    from a fresh clone: the outcome passes only when every one does. `fix` applies ruff's safe
    fixes to the code that moves.
    """
    analysis = analyse(notebook)
    names = names_for(name, analysis)
    dest = (into or Path.cwd() / name).absolute()
    outcome = Outcome(dest, analysis)
    _guard(dest, dry_run, force)
    ci = checks if ci is None else ci
    # Only a full promote (both runs, the checks, the CI) is recorded, and reused.
    full = run and checks and ci and not dry_run
    key = _reuse.key(analysis, name, {"fix": fix}) if full else None
    outcome.reused = _reuse.recall(dest, key)
    if outcome.reused is not None:
        echo(outcome.reused.table)
        return outcome
    _clean_stale(dest)
    staging = _staging(dest, dry_run)
    try:
        product = staging / "product"
        cells = _extract(analysis, names, product, fix)
        table = format_table(analysis)  # with every change stage 2 made to the analyst's code
        echo(table)
        _stage(analysis, names, product, cells, outcome, run)
        files = _commit.read_tree(product)
        files[_commit.MANIFEST] = _commit.manifest_bytes(files, notebook.name)
        _write(product, _commit.MANIFEST, files[_commit.MANIFEST])
        found = _commit.plan(dest, files)
        _commit.guard(dest, found, force)
        if not all(v.same for v in outcome.verdicts.values()):
            return outcome  # the gate failed: nothing is written
        if dry_run:
            outcome.diff = _commit.diff(dest, found)
            return outcome
        first = not dest.exists()
        if found.changes:
            _commit.commit(dest, product, found)
        outcome.written = found.changes
        if first:
            outcome.notes.append(_clean.first_commit(dest, notebook.name))
        if _commit.MANIFEST in found.create:  # a first promote: say what is left to people
            outcome.notes.append(
                "edit dataproduct.yaml: state the purpose and the value hypothesis in your words"
            )
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _check_product(outcome, checks, ci)
    if outcome.ok and outcome.report is not None:
        recorded = _reuse.Recorded(table, _verdict_lines(outcome), format_report(outcome.report))
        _reuse.remember(dest, key, recorded)
    return outcome


def _guard(dest: Path, dry_run: bool, force: bool) -> None:
    """Finish an interrupted promote into `dest`; refuse a target pairlab may not write."""
    if dest.is_dir() and not dry_run:
        _commit.roll_forward(dest)
    _commit.guard(dest, _commit.Plan({}), force)  # refuse early, before minutes of work
    _commit.guard_edits(dest, force)  # a hand edit too: staging takes minutes


def _check_product(outcome: Outcome, checks: bool, ci: bool) -> None:
    """Run the product's checks, then its own CI steps from a fresh clone, into the outcome."""
    if checks:
        outcome.report = run_product_checks(outcome.dest)
    if ci:
        outcome.report = outcome.report or Report(path=str(outcome.dest))
        done = _ci.run_ci(outcome.dest, outcome.analysis)  # PASS: the product's own CI passes
        outcome.report.results += done.results
        outcome.report.skipped += done.skipped


def _verdict_lines(outcome: Outcome) -> list[str]:
    """Return the equivalence gate's lines, one per side compared."""
    lines = []
    for side, verdict in outcome.verdicts.items():
        if verdict.same:
            lines.append(
                f"equivalence: {side} gives the same {verdict.rows} rows x "
                f"{len(verdict.columns)} columns as the original"
            )
        else:
            lines += [f"equivalence FAILED: {side} differs: {d}" for d in verdict.differences]
    return lines


def format_outcome(outcome: Outcome, dry_run: bool = False) -> str:
    """Return what happened, for a terminal: flags, the gate, what was written, the checks."""
    lines = [f"! {note}" for note in outcome.notes if note]
    if outcome.reused is not None:
        return "\n".join([
            *lines,
            *outcome.reused.verdicts,
            f"pairlab: {outcome.dest} is up to date; nothing written (the notebook, the files "
            "it reads, the warehouse and the product are as when the last promote passed: "
            "its gate and checks are not run again)",
            outcome.reused.report,
        ])  # fmt: skip
    lines += _verdict_lines(outcome)
    if not all(v.same for v in outcome.verdicts.values()):
        lines.append(f"pairlab: nothing written to {outcome.dest}: the product's output differs")
        return "\n".join(lines)
    if dry_run:
        lines.append(outcome.diff or f"(no changes: {outcome.dest} is up to date)")
        lines.append(f"pairlab: dry run, nothing written to {outcome.dest}")
    elif outcome.written:
        lines.append(f"pairlab: wrote {len(outcome.written)} file(s) to {outcome.dest}")
    else:
        lines.append(f"pairlab: {outcome.dest} is up to date; nothing written")
    if outcome.report is not None:
        lines.append(format_report(outcome.report))
    return "\n".join(lines)
