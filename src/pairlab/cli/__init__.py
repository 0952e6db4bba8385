"""The `pairlab` command: each subcommand parses options and makes one library call.

The commands live by topic (`_checks` for `pairlab check`, `_cohort` for report and cohort
serve, `_catalog`, `_curriculum`, `_warehouse`, `_products`, ...); importing them registers
them on the one group in `_base`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from pairlab.cli import (  # noqa: F401 - registers
    _catalog,
    _checks,
    _cohort,
    _curriculum,
    _intake,
    _products,
    _program,
    _publish,
    _usage,
    _warehouse,
)
from pairlab.cli._base import USAGE_ERROR, _fail, cli

__all__ = ["cli", "main"]


def _masked(message: str, argv: Sequence[str]) -> str:
    """Return click's message without the password of any URL it echoes from the arguments."""
    from pairlab.warehouse.connection import scrub

    return scrub(message, *argv)


def main(args: Sequence[str] | None = None) -> None:
    """Run the CLI; tests call `main([...])` and catch SystemExit.

    Click's usage errors become one line and a `--help` hint, not its usage block.
    """
    argv = list(args) if args is not None else sys.argv[1:]
    try:
        code = cli.main(args=argv, prog_name="pairlab", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:  # `pairlab` alone: the help, as asked
        exc.show()
        sys.exit(USAGE_ERROR)
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "pairlab"
        _fail(_masked(f"{exc.format_message()} (see `{where} --help`)", argv))
    except click.ClickException as exc:
        _fail(_masked(exc.format_message(), argv))
    except click.Abort:
        click.echo("pairlab: aborted", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
