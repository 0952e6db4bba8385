"""Commands that publish products and read them by name: publish, products read."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pairlab.cli._base import cli, json_option, url_option

_catalog = click.option(
    "--catalog",
    type=click.Path(path_type=Path),
    help="The catalog folder [default: $PAIRLAB_CATALOG, else the catalog's default].",
)


@cli.command()
@click.argument("product_dir", type=click.Path(path_type=Path))
@url_option
@_catalog
@click.option("--dry-run", is_flag=True, help="Build and gate every port; write nothing.")
@click.pass_context
def publish(
    ctx: click.Context, product_dir: Path, url: str | None, catalog: Path | None, dry_run: bool
) -> None:
    """Publish PRODUCT_DIR's output ports behind their contracts; exit 1 if a gate refuses."""
    from pairlab.products import GateFailed
    from pairlab.products import publish as run_publish

    try:
        result = run_publish(product_dir, url=url, catalog=catalog, dry_run=dry_run)
    except GateFailed as exc:
        click.echo(f"pairlab: refused: {' '.join(str(exc).split())}", err=True)
        ctx.exit(1)
    for line in result.lines():
        click.echo(line)


@cli.group()
def products() -> None:
    """Read other teams' published products by name."""


@products.command("read")
@click.argument("name", metavar="ID.PORT")
@_catalog
@click.option("--url", help="An ibis URL [default: where the port was published].")
@click.option("--limit", type=click.IntRange(min=0), default=10, show_default=True)
@json_option("Print the rows as a JSON list.")
def products_read(
    name: str, catalog: Path | None, url: str | None, limit: int, as_json: bool
) -> None:
    """Print the first rows of a published product's output port."""
    import warnings

    from pairlab.products import DeprecatedProductWarning, read

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DeprecatedProductWarning)
        table = read(name, catalog=catalog, url=url)
    for warning in caught:
        click.echo(f"pairlab: warning: {warning.message}", err=True)
    frame = table.limit(limit).to_pandas()
    if as_json:
        click.echo(json.dumps(json.loads(frame.to_json(orient="records", date_format="iso"))))
    else:
        click.echo(frame.to_string(index=False))
