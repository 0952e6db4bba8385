"""Commands for reuse: catalog search|show|overlap|html|lint|test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pairlab.cli._base import catalog_option, cli, json_option, url_option, usage_db_option


@cli.group()
def catalog() -> None:
    """Search the data-product catalog, find overlaps, publish it, test a product's contract."""


def _load_catalog(roots: tuple[Path, ...]) -> Any:
    """Index the catalog and warn, per file, about what could not be indexed."""
    from pairlab.catalog import load_catalog
    from pairlab.catalog.text import problem_lines

    found = load_catalog(roots or None)
    for line in problem_lines(found):
        click.echo(line, err=True)
    return found


@catalog.command("search")
@click.argument("query")
@catalog_option("--root")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Show at most this many.",
)
@json_option("Print JSON instead of a list.")
def catalog_search(query: str, roots: tuple[Path, ...], limit: int, as_json: bool) -> None:
    """Rank products by name, purpose, tags, domain, columns and descriptions."""
    from pairlab.catalog.text import format_hits

    found = _load_catalog(roots)
    click.echo(format_hits(found.search(query, limit), as_json, found))


@catalog.command("show")
@click.argument("product_id")
@catalog_option("--root")
@json_option()
def catalog_show(product_id: str, roots: tuple[Path, ...], as_json: bool) -> None:
    """Show one product: status, owner, last review decision, ports and what it reads."""
    from pairlab.catalog.text import format_entry

    found = _load_catalog(roots)
    click.echo(format_entry(found.require(product_id), as_json))


@catalog.command("overlap")
@click.argument("targets", nargs=-1, required=True, metavar="TABLE[.COLUMN]...")
@catalog_option("--root")
@json_option("Print JSON instead of a list.")
def catalog_overlap(targets: tuple[str, ...], roots: tuple[Path, ...], as_json: bool) -> None:
    """List the products that already read or expose these tables or columns."""
    from pairlab.catalog.text import format_overlaps

    found = _load_catalog(roots)
    click.echo(format_overlaps(found.overlap(targets), as_json, found))


@catalog.command("html")
@click.argument("out", type=click.Path(path_type=Path))
@catalog_option("--root")
@usage_db_option("to draw the teams reading each product")
def catalog_html(out: Path, roots: tuple[Path, ...], usage_db: str | None) -> None:
    """Write a static, searchable catalog page with its lineage graph (works offline)."""
    from pairlab.catalog.html import write_html

    found = _load_catalog(roots)
    teams = None
    if usage_db is not None:
        from pairlab import usage
        from pairlab.program import catalog_products

        program = usage.program_here()  # names people's teams; else the teams stored with reads
        products = catalog_products(roots or None) if program is not None else []
        teams = usage.teams_per_product(usage.Store(usage_db).list(), program, products)
    click.echo(f"pairlab: wrote {write_html(found, out, teams)} ({len(found.entries)} products)")


@catalog.command("lint")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--policy", is_flag=True, help="Also check pairlab's policy (owner, columns, ...).")
@json_option("Print JSON instead of lines.")
@click.pass_context
def catalog_lint(ctx: click.Context, path: Path, policy: bool, as_json: bool) -> None:
    """Check ODPS/ODCS files against the standards; exit 1 on errors, 0 if only warnings."""
    from pairlab.catalog.lint import format_report, lint

    report = lint(path, policy=policy)
    click.echo(format_report(report, as_json))
    ctx.exit(1 if report.errors else 0)


@catalog.command("test")
@click.argument("product", type=click.Path(path_type=Path))
@url_option
@click.option("--junit", type=click.Path(path_type=Path), help="Also write JUnit XML here.")
@json_option("Print one JSON object per rule.")
@click.pass_context
def catalog_test(
    ctx: click.Context, product: Path, url: str | None, junit: Path | None, as_json: bool
) -> None:
    """Run PRODUCT's contracts on the warehouse; exit 0 if every rule holds, 1 if not."""
    from pairlab._files import check_destination
    from pairlab.catalog.testing import format_run, json_lines, run_contracts, write_junit

    if junit:
        check_destination(junit)  # refuse a bad --junit before the contracts run
    run = run_contracts(product, url)
    click.echo(json_lines(run) if as_json else format_run(run), nl=not as_json)
    if junit:
        write_junit(run, junit)
    ctx.exit(0 if run.ok else 1)
