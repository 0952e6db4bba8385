"""Commands for the lessons: lab, lessons, curriculum build|run, lesson new."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pairlab.cli._base import cli


@cli.command()
@click.option(
    "--root",
    type=click.Path(path_type=Path),
    help="Folder to serve [default: a copy of the curriculum in ./pairlab-workspace].",
)
@click.option("--port", type=int, help="Port on 127.0.0.1 [default: a free one].")
@click.option("--solutions", is_flag=True, help="Copy the solution notebooks too (facilitators).")
@click.option(
    "--pack",
    "packs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A lesson pack to teach beside the core lessons (repeat).",
)
def lab(root: Path | None, port: int | None, solutions: bool, packs: tuple[Path, ...]) -> None:
    """Start JupyterLab with the curriculum and the pairing guide."""
    from pairlab.lab import plan_lab, run_lab

    plan = plan_lab(root, port, solutions, packs)
    click.echo(f"pairlab: serving {plan.root}\npairlab: open {plan.url}")
    run_lab(plan)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def lessons(as_json: bool) -> None:
    """List the curriculum's lessons and their steps."""
    import json

    from pairlab.lessons import load_lessons

    found = load_lessons()
    if as_json:
        click.echo(json.dumps([lesson.to_json() for lesson in found], indent=2))
        return
    for lesson in found:
        click.echo(f"{lesson.id:<24} {len(lesson.steps):>2} steps  {lesson.title}")


@cli.group()
def curriculum() -> None:
    """Build and run the lesson notebooks."""


_PACK_OPTION = click.option(
    "--pack",
    type=click.Path(path_type=Path),
    help="A lesson pack's folder [default: the core curriculum].",
)


@curriculum.command("build")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any file is out of date.")
@_PACK_OPTION
@click.pass_context
def curriculum_build(ctx: click.Context, check: bool, pack: Path | None) -> None:
    """Write each lesson's learner and solution notebooks from its source."""
    from pairlab.curriculum import build

    done = build(pack, check=check)
    for path in done.changed:
        click.echo(f"pairlab: {'out of date' if check else 'wrote'} {path}")
    click.echo(f"pairlab: {len(done.changed)} changed, {len(done.unchanged)} up to date")
    ctx.exit(1 if check and done.changed else 0)


@curriculum.command("run")
@click.option("--solutions", is_flag=True, help="Run the solution versions [default: learner].")
@click.option(
    "--jobs", type=click.IntRange(1, 64), default=2, show_default=True, help="Kernels side by side."
)
@click.option("--out", type=click.Path(path_type=Path), help="Folder for executed copies.")
@click.option("--no-steps", is_flag=True, help="Only execute; do not check the lessons' steps.")
@_PACK_OPTION
@click.pass_context
def curriculum_run(
    ctx: click.Context,
    solutions: bool,
    jobs: int,
    out: Path | None,
    no_steps: bool,
    pack: Path | None,
) -> None:
    """Execute every lesson against a fresh scale-0.01 warehouse, then check its steps."""
    from tqdm import tqdm

    from pairlab.curriculum import run_curriculum

    with tqdm(desc="lessons", unit="nb", file=sys.stderr, delay=0.5) as bar:
        runs = run_curriculum(out, solutions, jobs, lambda run: bar.update(), not no_steps, pack)
    for run in runs:
        mark = "ok  " if run.ok else "FAIL"
        how = " (remembered: not run again)" if run.remembered else ""
        problem = "" if run.ok else f": {run.error or ''}"
        click.echo(f"{mark} {run.seconds:5.1f}s {run.notebook}{how}{problem}")
        for step in run.steps:
            problem = "" if step.verdict == "pass" else f": {step.message}"
            click.echo(f"     {step.verdict:<5} {step.step}{problem}")
    # Solutions must pass every step; a learner version only has to run (its steps fail).
    ctx.exit(0 if all(run.passed if solutions else run.ok for run in runs) else 1)


@cli.group()
def lesson() -> None:
    """Make lesson packs: lessons on a team's own product."""


@lesson.command("new")
@click.argument("pack_dir", type=click.Path(path_type=Path))
@click.option(
    "--from",
    "product",
    required=True,
    type=click.Path(path_type=Path),
    help="The product's folder (made by `pairlab promote` or `pairlab new data-product`).",
)
@click.option("--name", help="The pack's name [default: from PACK_DIR].")
@click.option("--owner", help="The ambassador who owns the pack [default: you].")
def lesson_new(pack_dir: Path, product: Path, name: str | None, owner: str | None) -> None:
    """Write a lesson pack in PACK_DIR from a product; never overwrite an edited file."""
    from pairlab.curriculum import format_new_pack, new_pack

    click.echo(format_new_pack(new_pack(pack_dir, product, name, owner)))
