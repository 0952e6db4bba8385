"""The `pairlab` group and its one error rule: a PairlabError or OSError is one line, exit 2."""

from __future__ import annotations

import errno
import sys
from typing import Any, NoReturn

import click

from pairlab import __version__
from pairlab.errors import PairlabError, from_os_error

USAGE_ERROR = 2


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
