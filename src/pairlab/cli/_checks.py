"""`pairlab check`: a notebook's or a project's checks through the checks' one door."""

from __future__ import annotations

from pathlib import Path

import click

from pairlab.cli._base import cli, json_option


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--step", metavar="LESSON/STEP", help="Run that step's checks only.")
@click.option("--only", metavar="ID,...", help="Run only these checks (comma-separated ids).")
@click.option("--set", "named", metavar="NAME", help="Run a named set: practice or product.")
@json_option("Print JSON instead of a table.")
@click.pass_context
def check(
    ctx: click.Context,
    path: Path,
    step: str | None,
    only: str | None,
    named: str | None,
    as_json: bool,
) -> None:
    """Check a notebook or project folder; exit 0 only if checks ran and all passed."""
    import json

    from pairlab.checks import CheckRequest, format_report, run

    report = run(CheckRequest.parse(path, step=step, only=only, check_set=named))
    click.echo(json.dumps(report.to_json(), indent=2) if as_json else format_report(report))
    ctx.exit(report.exit_code)
