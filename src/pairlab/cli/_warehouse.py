"""Commands for the embedded warehouse: warehouse init|info."""

from __future__ import annotations

from pathlib import Path

import click

from pairlab.cli._base import cli, json_option, url_option


@cli.group()
def warehouse() -> None:
    """Create and describe the embedded insurance warehouse."""


@warehouse.command("init")
@click.option(
    "--path",
    type=click.Path(path_type=Path),
    help="File to write [default: $PAIRLAB_WAREHOUSE_PATH, else the user data dir].",
)
@click.option("--scale", type=float, default=0.01, show_default=True, help="1 = 250k policies.")
@click.option("--seed", type=int, default=42, show_default=True, help="Same seed, same data.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def warehouse_init(path: Path | None, scale: float, seed: int, force: bool) -> None:
    """Write a seeded DuckDB file of an insurance company's warehouse."""
    from pairlab.warehouse import default_path, generate

    done = generate(path or default_path(), scale, seed, force=force)
    click.echo(f"pairlab: wrote {done.path} ({sum(done.rows.values()):,} rows)")


@warehouse.command("info")
@url_option
@click.option("--table", help="Describe only this table.")
@json_option("Print JSON instead of text.")
def warehouse_info(url: str | None, table: str | None, as_json: bool) -> None:
    """List the warehouse's tables, columns, types and row counts."""
    from pairlab.warehouse.info import warehouse_info as describe

    found = describe(url, table)
    click.echo(found.to_json() if as_json else found.to_text())
