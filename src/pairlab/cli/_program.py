"""Commands for the enablement program: program status, new program."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from pairlab.cli._base import catalog_option, cli, json_option, program_option, usage_db_option
from pairlab.cli._products import new


@cli.group()
def program() -> None:
    """The enablement program: teams reached, who trained whom, which teams are capable."""


@program.command("status")
@click.argument("exports", nargs=-1, type=click.Path(path_type=Path), metavar="[EXPORT|CSV]...")
@program_option("The program file.")
@catalog_option(
    help="A catalog folder of the teams' products, repeatable [default: $PAIRLAB_CATALOG]."
)
@usage_db_option("to count reuse per team")
@json_option("Print JSON instead of lines.")
def program_status(
    exports: tuple[Path, ...],
    program_file: Path,
    roots: tuple[Path, ...],
    usage_db: str | None,
    as_json: bool,
) -> None:
    """Say which teams are reached, how far it spread, and what each team does next."""
    from pairlab.catalog.index import ENV  # here: the catalog's index brings numpy (0.2-0.5 s)
    from pairlab.program import catalog_products, format_status, load_program
    from pairlab.program import program_status as status_of
    from pairlab.report.program import read_exports

    plan = load_program(program_file)
    docs, teams = read_exports(exports) if exports else ([], {})
    # $PAIRLAB_CATALOG is a path list the catalog reads itself; without it, no products (the
    # sample catalog's teams are not this organization's).
    if roots or os.environ.get(ENV, "").strip():
        products = catalog_products(list(roots) or None)
    else:
        products = []
    status = status_of(plan, docs, teams, products)
    if usage_db is None:
        click.echo(format_status(status, as_json))
        return
    from pairlab import usage

    reuse = usage.reuse_by_team(usage.Store(usage_db).list(), plan, products)
    if as_json:
        click.echo(json.dumps(usage.with_reuse(status.to_json(), reuse), indent=2))
    else:
        click.echo(
            format_status(status) + "\n" + usage.format_reuse(reuse, status.to_json()["teams"])
        )


@new.command("program")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace an existing program.toml.")
def new_program(dest: Path, force: bool) -> None:
    """Write a program.toml to fill in: teams, members, the central team, the criteria."""
    from pairlab.program import new_program as scaffold

    out = scaffold(dest, force=force)
    click.echo(f"pairlab: wrote {out}; next: list your teams, then `pairlab program status "
               f"--program {out}`")  # fmt: skip
