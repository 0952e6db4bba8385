"""`pairlab intake add | list | start | decline | done | override`: the file-based queue."""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from pairlab.cli._base import cli, json_option, program_option

STORE_FILE = "intake.sqlite"  # the queue, beside program.toml


def _queue(program: Path, exports: tuple[Path, ...]) -> Any:
    """Return the Intake of the program file: its queue in intake.sqlite beside it."""
    from pairlab.catalog.load import cached_catalog
    from pairlab.intake import Intake, IntakeStore, read_facts

    def facts() -> Any:
        if not exports:
            return read_facts(program)
        from pairlab.report import read_export

        return read_facts(program, [read_export(path) for path in exports])

    facts()  # a missing or broken program file is said before anything is stored
    store = IntakeStore(f"sqlite:///{(program.parent / STORE_FILE).resolve()}")
    return Intake(store, facts, cached_catalog)


def _common(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options every intake command shares: the program, exports, who, JSON."""
    command = json_option("Print JSON.")(command)
    command = click.option(
        "--by", default=None, help="Who acts [default: $PAIRLAB_USER, else your login]."
    )(command)
    command = click.option(
        "--export", "exports", multiple=True, type=click.Path(path_type=Path),
        help="A session export (which teams have ambassadors, are capable), repeatable.",
    )(command)  # fmt: skip
    return program_option(
        "The program file; the queue is intake.sqlite beside it.", dest="program"
    )(command)


def _who(by: str | None) -> str:
    """Return who acts: --by, else $PAIRLAB_USER, else the login name."""
    return by or os.environ.get("PAIRLAB_USER") or getpass.getuser()


def _line(view: dict[str, Any]) -> str:
    """Return one request as a line: where it stands, its score and its parts."""
    parts = ", ".join(f"{p['part']} {p['points']:+d}" for p in view["score"]["parts"])
    where = f"{view['position']}. " if view["position"] else ""
    when = f"; expected start {view['expected_start']}" if view["expected_start"] else ""
    if view["state"] == "active":
        when = f"; expected end {view['expected_end']}"
    return (
        f"{where}#{view['id']} {view['team']}: {view['idea']} [{view['state']}] "
        f"score {view['score']['total']} ({parts}){when}"
    )


def _show(view: dict[str, Any], as_json: bool) -> None:
    """Print a request (with its notes and last decision) or its JSON."""
    if as_json:
        click.echo(json.dumps(view, indent=2))
        return
    click.echo(_line(view))
    for note in view.get("notes", []):
        click.echo(f"  {note}")
    last = view["decisions"][-1]
    if last["reason"]:
        click.echo(f"  {last['action']} by {last['who']}: {last['reason']}")


@cli.group()
def intake() -> None:
    """Teams ask for a pairing: reuse first, a capacity limit, a fair and visible order."""


@intake.command("add")
@_common
@click.option("--team", required=True, help="The requesting team's id in the program.")
@click.option("--idea", required=True, help="The product idea, in a few words.")
@click.option("--consumer", required=True, help="Who will use the product.")
@click.option("--statement", default="", help="The value hypothesis: what will change.")
@click.option("--metric", default="", help="consumers, queries, reusing-products or SQL.")
@click.option("--threshold", default="", help="The number the metric must reach.")
@click.option("--window", default="", help="Over how long, e.g. 30d.")
@click.option("--table", "tables", multiple=True, help="A warehouse TABLE[.COLUMN], repeatable.")
@click.option("--product", "products", multiple=True, help="A product id, repeatable.")
@click.option("--analyst", "analysts", multiple=True, help="One of the two analysts.")
@click.option("--free-from", default=None, help="When the analysts are free, YYYY-MM-DD.")
@click.option("--reused-by", multiple=True, help="Another team expected to reuse it.")
@click.option("--lessons", type=int, default=None, help="Lessons planned [default: all].")
@click.option("--not-fit", default="", help="Why the product the catalog offers won't do.")
def intake_add(program: Path, exports: tuple[Path, ...], by: str | None, as_json: bool,
               statement: str, metric: str, threshold: str, window: str,
               **fields: Any) -> None:  # fmt: skip
    """Submit a request; a product that covers it already is the answer (not queued)."""
    body = {k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()}
    hypothesis = {"statement": statement, "metric": metric, "threshold": threshold,
                  "window": window}  # fmt: skip
    body["hypothesis"] = hypothesis if any(hypothesis.values()) else None
    _show(_queue(program, exports).submit(body, by=_who(by)), as_json)


@intake.command("list")
@_common
@click.option("--team", default=None, help="Show what this team's requester sees.")
def intake_list(program: Path, exports: tuple[Path, ...], by: str | None, as_json: bool,
                team: str | None) -> None:  # fmt: skip
    """Show the queue in order: active pairings, waiting requests with score parts, the rest."""
    view = _queue(program, exports).queue(team)
    if as_json:
        click.echo(json.dumps(view, indent=2))
        return
    counts = view["counts"]
    click.echo(f"limit {view['limit']}: {counts['active']} active, {counts['waiting']} waiting, "
               f"{counts['answered']} answered by reuse")  # fmt: skip
    for item in view["requests"]:
        click.echo(_line(item))


@intake.command("start")
@_common
@click.argument("request_id", type=int)
def intake_start(program: Path, exports: tuple[Path, ...], by: str | None, as_json: bool,
                 request_id: int) -> None:  # fmt: skip
    """Start the pairing of a request, if the central team has a place (the WIP limit)."""
    _show(_queue(program, exports).start(request_id, _who(by)), as_json)


@intake.command("decline")
@_common
@click.argument("request_id", type=int)
@click.option("--reason", required=True, help="Why, in words the team reads.")
def intake_decline(program: Path, exports: tuple[Path, ...], by: str | None, as_json: bool,
                   request_id: int, reason: str) -> None:  # fmt: skip
    """Decline a request, keeping the written reason."""
    _show(_queue(program, exports).decline(request_id, _who(by), reason), as_json)


@intake.command("done")
@_common
@click.argument("request_id", type=int)
@click.option("--reason", default="", help="Why it ends [default: the team is capable].")
def intake_done(program: Path, exports: tuple[Path, ...], by: str | None, as_json: bool,
                request_id: int, reason: str) -> None:  # fmt: skip
    """End an active pairing: the team is capable, or a facilitator decides with a reason."""
    _show(_queue(program, exports).done(request_id, _who(by), reason), as_json)


@intake.command("override")
@_common
@click.argument("request_id", type=int)
@click.option("--to", "position", type=int, required=True, help="The queue position, from 1.")
@click.option("--reason", required=True, help="Why the order changes, in words.")
def intake_override(program: Path, exports: tuple[Path, ...], by: str | None, as_json: bool,
                    request_id: int, position: int, reason: str) -> None:  # fmt: skip
    """Move a waiting request to a position in the queue, keeping the written reason."""
    _show(_queue(program, exports).override(request_id, _who(by), position, reason), as_json)
