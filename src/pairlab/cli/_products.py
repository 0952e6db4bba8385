"""Commands that start repositories: new data-product|pairing-session|ambassador, promote."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import click

from pairlab.cli._base import cli

_render_force = click.option(
    "--force", is_flag=True, help="Render into a folder that is not empty."
)


@cli.group()
def new() -> None:
    """Start a repository from one of pairlab's kits (copier templates)."""


@new.command("data-product")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--name", help="The product's name [default: from DEST].")
@click.option("--owner", help="The owner's username [default: analyst].")
@_render_force
def new_data_product(dest: Path, name: str | None, owner: str | None, force: bool) -> None:
    """Render the data-product kit into DEST; `copier update` there keeps it current."""
    from pairlab.kits import data_product_answers, new_project

    new_project("data-product", dest, data_product_answers(dest, name, owner), force=force)
    click.echo(f"pairlab: wrote a data product to {dest}; next: cd {dest} && pytest")


@new.command("pairing-session")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option(
    "--pair",
    "pairs",
    multiple=True,
    metavar="NAME:ROLE",
    help="2-4 times; role is engineer or analyst.",
)
@click.option("--product", help="The data product the pair builds.")
@click.option("--rotation", type=int, help="Minutes between rotations [default: 15].")
@click.option("--date", help="The session's date, YYYY-MM-DD [default: today].")
@click.option("--facilitator", help="Who facilitates [default: the enablement team].")
@click.option("--team", help="The team the session serves: its id in the program.")
@click.option(
    "--first-lesson",
    help="The lesson the agenda starts with: notebook, id or number [default: 00-welcome].",
)
@_render_force
def new_pairing_session(
    dest: Path,
    pairs: tuple[str, ...],
    product: str | None,
    rotation: int | None,
    date: str | None,
    facilitator: str | None,
    first_lesson: str | None,
    force: bool,
    team: str | None = None,
) -> None:
    """Render a pairing session's agenda, role cards, rotation plan and retro into DEST."""
    from pairlab.kits import new_project, pairing_session_answers

    answers = pairing_session_answers(
        list(pairs),
        product,
        rotation,
        date,
        facilitator=facilitator,
        first_lesson=first_lesson,
        team=team,
    )
    new_project("pairing-session", dest, answers, force=force)
    click.echo(f"pairlab: wrote a pairing session to {dest}; start with {dest}/README.md")


@new.command("ambassador")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--name", required=True, help="The ambassador's name.")
@click.option("--team", required=True, help="The ambassador's team.")
@click.option("--teammate", "teammates", multiple=True, help="A teammate to pair with (repeat).")
@click.option(
    "--pack", type=click.Path(path_type=Path), help="Your lesson pack (`pairlab lesson new`)."
)
@_render_force
def new_ambassador(
    dest: Path,
    name: str,
    team: str,
    teammates: tuple[str, ...],
    pack: Path | None,
    force: bool,
) -> None:
    """Render the teach-back kit: run-sheet, common mistakes, plan and cohort sheet."""
    from pairlab.kits import ambassador_answers, new_project

    answers = ambassador_answers(name, team, list(teammates), pack)
    new_project("ambassador", dest, answers, force=force)
    click.echo(f"pairlab: wrote an ambassador kit to {dest}; start with {dest}/README.md")


@cli.command()
@click.argument("notebook", type=click.Path(path_type=Path))
@click.option("--name", required=True, help="The product's name, e.g. claims-loss-ratio.")
@click.option("--into", type=click.Path(path_type=Path), help="Target folder [default: ./NAME].")
@click.option(
    "--dry-run", is_flag=True, help="Print the diff of what would be written; write nothing."
)
@click.option("--force", is_flag=True, help="Overwrite files edited since the last promote.")
@click.option("--fix", is_flag=True, help="Apply ruff's safe fixes to the code that moves.")
@click.pass_context
def promote(
    ctx: click.Context,
    notebook: Path,
    name: str,
    into: Path | None,
    dry_run: bool,
    force: bool,
    fix: bool,
) -> None:
    """Turn a working notebook into a packaged, tested, CI-run data product."""
    from pairlab.promote import format_outcome
    from pairlab.promote import promote as run_promote

    with _terminate_cleanly():
        outcome = run_promote(
            notebook,
            name,
            into,
            dry_run=dry_run,
            force=force,
            checks=not dry_run,
            fix=fix,
            echo=click.echo,
        )
    click.echo(format_outcome(outcome, dry_run))
    ctx.exit(0 if outcome.ok else 1)


@contextlib.contextmanager
def _terminate_cleanly() -> Iterator[None]:
    """Let SIGTERM unwind like Ctrl-C, so temp folders go and child processes are stopped."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
