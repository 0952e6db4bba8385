"""Commands that judge products by their use: usage import|list|flush, review."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from pairlab.cli._base import CATALOG_HELP, catalog_option, cli, json_option

_FORMATS = ["csv", "jsonl", "snowflake", "bigquery", "trino"]  # pairlab.usage.FORMATS, unimported
_store = click.option(
    "--store", help="SQLAlchemy URL of the reads table [default: $PAIRLAB_USAGE_DB, else SQLite]."
)


@cli.group()
def usage() -> None:
    """Record and import reads of published products."""


@usage.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(_FORMATS),
              help="The log's shape [default: from the suffix, csv or jsonl].")  # fmt: skip
@_store
@catalog_option()
@click.option("--url", help="Read the views of this warehouse (an ibis URL, as connect() takes), "
              "so a query of a view over a product counts.")  # fmt: skip
@json_option()
def usage_import(
    file: Path, fmt: str | None, store: str | None, roots: tuple[Path, ...], url: str | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Attribute reads of product tables in a warehouse query log to its users."""
    from pairlab import usage as lib
    from pairlab.usage import format_import

    found = lib.Store(store)
    views = None
    if url:
        from pairlab.warehouse import connect

        views = lib.warehouse_views(connect(url))
    result = lib.import_log(file, fmt, found, lib.catalog_tables(roots or None), views,
                            team_of=lib.team_lookup())  # fmt: skip
    click.echo(format_import(result, as_json))


@usage.command("flush")
@_store
@click.option("--hub", is_flag=True, help="Post them to the hub's cohort service instead "
              "(on a hub's server: $PAIRLAB_COHORT_URL, $JUPYTERHUB_API_TOKEN).")  # fmt: skip
def usage_flush(store: str | None, hub: bool) -> None:
    """Move the reads recorded on this machine into the store (or the hub's cohort service)."""
    from pairlab import usage as lib

    stored = lib.flush_to_hub() if hub else lib.flush(lib.Store(store))
    click.echo(f"pairlab: {stored} new reads stored")


@usage.command("list")
@click.option("--product", help="Only this product's reads.")
@_store
@catalog_option(help=CATALOG_HELP + " Names each product's team.")
@json_option("Print every read as JSON.")
def usage_list(
    product: str | None, store: str | None, roots: tuple[Path, ...], as_json: bool
) -> None:
    """Show reads per product and port and, with a program, the consuming teams."""
    from pairlab import usage as lib
    from pairlab.usage import format_reads

    found = lib.Store(store)
    lib.flush(found)
    reads = found.list(product)
    teams = None
    program = lib.program_here()
    if program is not None and not as_json:
        from pairlab.program import catalog_products

        teams = lib.consuming_teams(reads, program, catalog_products(roots or None))
    click.echo(format_reads(reads, as_json, teams))


@cli.command("review")
@click.argument("product_id")
@catalog_option()
@click.option("--at", "at", type=click.DateTime(["%Y-%m-%d"]),
              help="The review day, YYYY-MM-DD [default: today].")  # fmt: skip
@_store
@json_option()
def review(
    product_id: str, roots: tuple[Path, ...], at: object, store: str | None, as_json: bool
) -> None:
    """Measure the value hypothesis over its window; keep, iterate or kill, on record."""
    from pairlab import usage as lib
    from pairlab.usage import format_review

    found = lib.Store(store)
    lib.flush(found)
    day = at.date() if hasattr(at, "date") else date.today()
    result = lib.review(product_id, lib.catalog_roots(roots or None), found, day, lib.reader())
    click.echo(format_review(result, as_json))
