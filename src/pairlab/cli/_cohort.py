"""Commands for the cohort: `pairlab report` (the cohort page) and `pairlab cohort serve`."""

from __future__ import annotations

from pathlib import Path

import click

from pairlab.cli._base import catalog_option, cli, program_option, usage_db_option


@cli.command()
@click.argument("exports", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), required=True, help="The HTML page.")
@click.option(
    "--teams",
    type=click.Path(path_type=Path),
    help='JSON {"team": ["person", ...]} [default: each pair is a team].',
)
@program_option("A program.toml: add the program view (teams by state, who trained whom).", None)
@catalog_option(help="With --program: the catalog folder of the teams' products, repeatable.")
@usage_db_option("to show reuse per team", only_with="--program")
def report(
    exports: tuple[Path, ...],
    out: Path,
    teams: Path | None,
    program_file: Path | None,
    roots: tuple[Path, ...],
    usage_db: str | None,
) -> None:
    """Aggregate session exports into one cohort page, per person and per team.

    EXPORTS are the JSON files the guide's Export session saves, or a cohort CSV (the
    ambassador kit's cohort.csv) whose `export` column names them and `team` column their team.
    """
    from pairlab._files import check_destination
    from pairlab.report import read_teams, write_report

    check_destination(out)
    if program_file is not None:  # the program view below the cohort (docs/program.md)
        from pairlab.program import catalog_products
        from pairlab.report.program import write_program_report

        products = catalog_products(roots) if roots else []
        people = read_teams(teams) if teams else None
        write_program_report(exports, out, program_file, people, products, usage_db)
        click.echo(f"pairlab: wrote {out} with the program view of {program_file}")
        return
    done = write_report(exports, out, read_teams(teams) if teams else None)
    click.echo(f"pairlab: wrote {done.path} ({done.sessions} sessions, {done.people} people)")


@cli.group()
def cohort() -> None:
    """A cohort on JupyterHub: every pair's sessions in one hub service."""


@cohort.command("serve")
@click.option("--db", help="A SQLAlchemy URL [default: $PAIRLAB_COHORT_DB, else SQLite here].")
@click.option("--ip", help="Address to listen on [default: the host of the hub's service URL].")
def cohort_serve(db: str | None, ip: str | None) -> None:
    """Run the `pairlab-cohort` hub service (the hub starts it; see docs/deploy.md)."""
    from pairlab.hub import serve

    serve(db, ip=ip)
