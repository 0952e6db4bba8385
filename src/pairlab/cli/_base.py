"""The `pairlab` group and its one error rule: a PairlabError or OSError is one line, exit 2."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from pairlab import __version__
from pairlab.errors import PairlabError, from_os_error

USAGE_ERROR = 2
USAGE_DB_ENV = "PAIRLAB_USAGE_DB"  # pairlab.usage's URL_ENV, unimported: the CLI starts light
CATALOG_HELP = "A folder of products, repeatable [default: $PAIRLAB_CATALOG, else the sample]."
F = TypeVar("F", bound=Callable[..., Any])


class _Group(click.Group):
    """A click group that turns PairlabError and OSError into one line on stderr and exit 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PairlabError as exc:
            _fail(str(exc))
        except OSError as exc:  # a path the user gave: unwritable, a folder, too long...
            _fail(str(from_os_error(exc)))
        except RuntimeError as exc:  # Python 3.11's Path.resolve() reports a symlink loop so
            looped = str(exc).removeprefix("Symlink loop from ")
            if looped == str(exc):
                raise
            _fail(str(from_os_error(OSError(errno.ELOOP, "a symlink loop", looped.strip("'")))))


def _fail(line: str) -> NoReturn:
    """Print one line on stderr and exit 2."""
    click.echo(f"pairlab: error: {' '.join(line.split())}", err=True)
    sys.exit(USAGE_ERROR)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pairlab")
def cli() -> None:
    """Pair an engineer and an analyst from warehouse exploration to a CI-tested data product."""


# The options several commands share, each declared once.
def catalog_option(flag: str = "--catalog", help: str = CATALOG_HELP) -> Callable[[F], F]:
    """Add the repeatable catalog folder option, as `roots` (empty: the catalog's default)."""
    return click.option(flag, "roots", multiple=True, type=click.Path(path_type=Path), help=help)


def _usage_db(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Return --usage-db, else $PAIRLAB_USAGE_DB, else None (no usage shown)."""
    return value or os.environ.get(USAGE_DB_ENV, "").strip() or None


def usage_db_option(why: str, only_with: str = "") -> Callable[[F], F]:
    """Add --usage-db as `usage_db`, falling back to $PAIRLAB_USAGE_DB; `why` it is read."""
    first = f"With {only_with}: SQLAlchemy" if only_with else "SQLAlchemy"
    return click.option(
        "--usage-db",
        "usage_db",
        callback=_usage_db,
        help=f"{first} URL of the usage reads, {why} [default: ${USAGE_DB_ENV}, else none].",
    )


def program_option(
    help: str, default: Path | None = Path("program.toml"), dest: str = "program_file"
) -> Callable[[F], F]:
    """Add --program (as `dest`): a program.toml, by default the one here."""
    return click.option(
        "--program",
        dest,
        type=click.Path(path_type=Path),
        default=default,
        show_default=default is not None,
        help=help,
    )


def json_option(help: str = "Print JSON instead of a summary.") -> Callable[[F], F]:
    """Add the --json flag as `as_json`."""
    return click.option("--json", "as_json", is_flag=True, help=help)


url_option = click.option(
    "--url", help="An ibis URL [default: $PAIRLAB_WAREHOUSE_URL, else the file]."
)
