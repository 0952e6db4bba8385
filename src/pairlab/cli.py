"""The `pairlab` command: each subcommand parses options and makes one library call."""

from __future__ import annotations

import contextlib
import errno
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
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


@cli.command()
@click.option(
    "--root",
    type=click.Path(path_type=Path),
    help="Folder to serve [default: a copy of the curriculum in ./pairlab-workspace].",
)
@click.option("--port", type=int, help="Port on 127.0.0.1 [default: a free one].")
@click.option("--solutions", is_flag=True, help="Copy the solution notebooks too (facilitators).")
@click.option(
    "--pack",
    "packs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A lesson pack to teach beside the core lessons (repeat).",
)
def lab(root: Path | None, port: int | None, solutions: bool, packs: tuple[Path, ...]) -> None:
    """Start JupyterLab with the curriculum and the pairing guide."""
    from pairlab.lab import plan_lab, run_lab

    plan = plan_lab(root, port, solutions, packs)
    click.echo(f"pairlab: serving {plan.root}\npairlab: open {plan.url}")
    run_lab(plan)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def lessons(as_json: bool) -> None:
    """List the curriculum's lessons and their steps."""
    import json

    from pairlab.lessons import load_lessons

    found = load_lessons()
    if as_json:
        click.echo(json.dumps([lesson.to_json() for lesson in found], indent=2))
        return
    for lesson in found:
        click.echo(f"{lesson.id:<24} {len(lesson.steps):>2} steps  {lesson.title}")


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--step", metavar="LESSON/STEP", help="Run that step's checks only.")
@click.option("--only", metavar="ID,...", help="Run only these checks (comma-separated ids).")
@click.option("--set", "named", metavar="NAME", help="Run a named set: practice or product.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
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

    from pairlab.checks import check_path, format_report

    report = check_path(path, step=step, only=only, named=named)
    click.echo(json.dumps(report.to_json(), indent=2) if as_json else format_report(report))
    ctx.exit(report.exit_code)


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
@click.option("--url", help="An ibis URL [default: $PAIRLAB_WAREHOUSE_URL, else the file].")
@click.option("--table", help="Describe only this table.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def warehouse_info(url: str | None, table: str | None, as_json: bool) -> None:
    """List the warehouse's tables, columns, types and row counts."""
    from pairlab.warehouse.info import warehouse_info as describe

    found = describe(url, table)
    click.echo(found.to_json() if as_json else found.to_text())


@cli.group()
def curriculum() -> None:
    """Build and run the lesson notebooks."""


_PACK_OPTION = click.option(
    "--pack",
    type=click.Path(path_type=Path),
    help="A lesson pack's folder [default: the core curriculum].",
)


@curriculum.command("build")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any file is out of date.")
@_PACK_OPTION
@click.pass_context
def curriculum_build(ctx: click.Context, check: bool, pack: Path | None) -> None:
    """Write each lesson's learner and solution notebooks from its source."""
    from pairlab.curriculum import build

    done = build(pack, check=check)
    for path in done.changed:
        click.echo(f"pairlab: {'out of date' if check else 'wrote'} {path}")
    click.echo(f"pairlab: {len(done.changed)} changed, {len(done.unchanged)} up to date")
    ctx.exit(1 if check and done.changed else 0)


@curriculum.command("run")
@click.option("--solutions", is_flag=True, help="Run the solution versions [default: learner].")
@click.option(
    "--jobs", type=click.IntRange(1, 64), default=2, show_default=True, help="Kernels side by side."
)
@click.option("--out", type=click.Path(path_type=Path), help="Folder for executed copies.")
@click.option("--no-steps", is_flag=True, help="Only execute; do not check the lessons' steps.")
@_PACK_OPTION
@click.pass_context
def curriculum_run(
    ctx: click.Context,
    solutions: bool,
    jobs: int,
    out: Path | None,
    no_steps: bool,
    pack: Path | None,
) -> None:
    """Execute every lesson against a fresh scale-0.01 warehouse, then check its steps."""
    from tqdm import tqdm

    from pairlab.curriculum import run_curriculum

    with tqdm(desc="lessons", unit="nb", file=sys.stderr, delay=0.5) as bar:
        runs = run_curriculum(out, solutions, jobs, lambda run: bar.update(), not no_steps, pack)
    for run in runs:
        mark = "ok  " if run.ok else "FAIL"
        click.echo(
            f"{mark} {run.seconds:5.1f}s {run.notebook}{'' if run.ok else ': ' + (run.error or '')}"
        )
        for step in run.steps:
            problem = "" if step.verdict == "pass" else f": {step.message}"
            click.echo(f"     {step.verdict:<5} {step.step}{problem}")
    # Solutions must pass every step; a learner version only has to run (its steps fail).
    ctx.exit(0 if all(run.passed if solutions else run.ok for run in runs) else 1)


@cli.group()
def lesson() -> None:
    """Make lesson packs: lessons on a team's own product."""


@lesson.command("new")
@click.argument("pack_dir", type=click.Path(path_type=Path))
@click.option(
    "--from",
    "product",
    required=True,
    type=click.Path(path_type=Path),
    help="The product's folder (made by `pairlab promote` or `pairlab new data-product`).",
)
@click.option("--name", help="The pack's name [default: from PACK_DIR].")
def lesson_new(pack_dir: Path, product: Path, name: str | None) -> None:
    """Write a lesson pack in PACK_DIR from a product; never overwrite an edited file."""
    from pairlab.curriculum import format_new_pack, new_pack

    click.echo(format_new_pack(new_pack(pack_dir, product, name)))


@cli.group()
def new() -> None:
    """Start a repository from one of pairlab's kits (copier templates)."""


@new.command("data-product")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--name", help="The product's name [default: from DEST].")
@click.option("--owner", help="The owner's username [default: analyst].")
@click.option("--force", is_flag=True, help="Render into a folder that is not empty.")
def new_data_product(dest: Path, name: str | None, owner: str | None, force: bool) -> None:
    """Render the data-product kit into DEST; `copier update` there keeps it current."""
    from pairlab.kits import data_product_answers, new_project

    new_project("data-product", dest, data_product_answers(dest, name, owner), force=force)
    click.echo(f"pairlab: wrote a data product to {dest}; next: cd {dest} && pytest")


@new.command("pairing-session")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option(
    "--pair",
    "pairs",
    multiple=True,
    metavar="NAME:ROLE",
    help="2-4 times; role is engineer or analyst.",
)
@click.option("--product", help="The data product the pair builds.")
@click.option("--rotation", type=int, help="Minutes between rotations [default: 15].")
@click.option("--date", help="The session's date, YYYY-MM-DD [default: today].")
@click.option("--facilitator", help="Who facilitates [default: the enablement team].")
@click.option(
    "--first-lesson",
    help="The lesson the agenda starts with: notebook, id or number [default: 00-welcome].",
)
@click.option("--force", is_flag=True, help="Render into a folder that is not empty.")
def new_pairing_session(
    dest: Path,
    pairs: tuple[str, ...],
    product: str | None,
    rotation: int | None,
    date: str | None,
    facilitator: str | None,
    first_lesson: str | None,
    force: bool,
) -> None:
    """Render a pairing session's agenda, role cards, rotation plan and retro into DEST."""
    from pairlab.kits import new_project, pairing_session_answers

    answers = pairing_session_answers(
        list(pairs),
        product,
        rotation,
        date,
        facilitator=facilitator,
        first_lesson=first_lesson,
    )
    new_project("pairing-session", dest, answers, force=force)
    click.echo(f"pairlab: wrote a pairing session to {dest}; start with {dest}/README.md")


@new.command("ambassador")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--name", required=True, help="The ambassador's name.")
@click.option("--team", required=True, help="The ambassador's team.")
@click.option("--teammate", "teammates", multiple=True, help="A teammate to pair with (repeat).")
@click.option(
    "--pack", type=click.Path(path_type=Path), help="Your lesson pack (`pairlab lesson new`)."
)
@click.option("--force", is_flag=True, help="Render into a folder that is not empty.")
def new_ambassador(
    dest: Path,
    name: str,
    team: str,
    teammates: tuple[str, ...],
    pack: Path | None,
    force: bool,
) -> None:
    """Render the teach-back kit: run-sheet, common mistakes, plan and cohort sheet."""
    from pairlab.kits import ambassador_answers, new_project

    answers = ambassador_answers(name, team, list(teammates), pack)
    new_project("ambassador", dest, answers, force=force)
    click.echo(f"pairlab: wrote an ambassador kit to {dest}; start with {dest}/README.md")


@cli.command()
@click.argument("notebook", type=click.Path(path_type=Path))
@click.option("--name", required=True, help="The product's name, e.g. claims-loss-ratio.")
@click.option("--into", type=click.Path(path_type=Path), help="Target folder [default: ./NAME].")
@click.option(
    "--dry-run", is_flag=True, help="Print the diff of what would be written; write nothing."
)
@click.option("--force", is_flag=True, help="Overwrite files edited since the last promote.")
@click.pass_context
def promote(
    ctx: click.Context, notebook: Path, name: str, into: Path | None, dry_run: bool, force: bool
) -> None:
    """Turn a working notebook into a packaged, tested, CI-run data product."""
    from pairlab.promote import format_outcome
    from pairlab.promote import promote as run_promote

    with _terminate_cleanly():
        outcome = run_promote(
            notebook, name, into, dry_run=dry_run, force=force, checks=not dry_run, echo=click.echo
        )
    click.echo(format_outcome(outcome, dry_run))
    ctx.exit(0 if outcome.ok else 1)


@contextlib.contextmanager
def _terminate_cleanly() -> Iterator[None]:
    """Let SIGTERM unwind like Ctrl-C, so temp folders go and child processes are stopped."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


_ROOT_HELP = "A folder of products, repeatable [default: $PAIRLAB_CATALOG, else the sample]."


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
@click.option("--root", "roots", multiple=True, type=click.Path(path_type=Path), help=_ROOT_HELP)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Show at most this many.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a list.")
def catalog_search(query: str, roots: tuple[Path, ...], limit: int, as_json: bool) -> None:
    """Rank products by name, purpose, tags, domain, columns and descriptions."""
    from pairlab.catalog.text import format_hits

    found = _load_catalog(roots)
    click.echo(format_hits(found.search(query, limit), as_json, found))


@catalog.command("overlap")
@click.argument("targets", nargs=-1, required=True, metavar="TABLE[.COLUMN]...")
@click.option("--root", "roots", multiple=True, type=click.Path(path_type=Path), help=_ROOT_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a list.")
def catalog_overlap(targets: tuple[str, ...], roots: tuple[Path, ...], as_json: bool) -> None:
    """List the products that already read or expose these tables or columns."""
    from pairlab.catalog.text import format_overlaps

    found = _load_catalog(roots)
    click.echo(format_overlaps(found.overlap(targets), as_json, found))


@catalog.command("html")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--root", "roots", multiple=True, type=click.Path(path_type=Path), help=_ROOT_HELP)
def catalog_html(out: Path, roots: tuple[Path, ...]) -> None:
    """Write a static, searchable catalog page with its lineage graph (works offline)."""
    from pairlab.catalog.html import write_html

    found = _load_catalog(roots)
    click.echo(f"pairlab: wrote {write_html(found, out)} ({len(found.entries)} products)")


@catalog.command("lint")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--policy", is_flag=True, help="Also check pairlab's policy (owner, columns, ...).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
@click.pass_context
def catalog_lint(ctx: click.Context, path: Path, policy: bool, as_json: bool) -> None:
    """Check ODPS/ODCS files against the standards; exit 1 on errors, 0 if only warnings."""
    from pairlab.catalog.lint import format_report, lint

    report = lint(path, policy=policy)
    click.echo(format_report(report, as_json))
    ctx.exit(1 if report.errors else 0)


@catalog.command("test")
@click.argument("product", type=click.Path(path_type=Path))
@click.option("--url", help="An ibis URL [default: $PAIRLAB_WAREHOUSE_URL, else the file].")
@click.option("--junit", type=click.Path(path_type=Path), help="Also write JUnit XML here.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per rule.")
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


@cli.command()
@click.argument("exports", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), required=True, help="The HTML page.")
@click.option(
    "--teams",
    type=click.Path(path_type=Path),
    help='JSON {"team": ["person", ...]} [default: each pair is a team].',
)
def report(exports: tuple[Path, ...], out: Path, teams: Path | None) -> None:
    """Aggregate session exports into one cohort page, per person and per team.

    EXPORTS are the JSON files the guide's Export session saves, or a cohort CSV (the
    ambassador kit's cohort.csv) whose `export` column names them and `team` column their team.
    """
    from pairlab._files import check_destination
    from pairlab.report import read_teams, write_report

    check_destination(out)
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
        _fail(f"{exc.format_message()} (see `{where} --help`)")
    except click.ClickException as exc:
        _fail(exc.format_message())
    except click.Abort:
        click.echo("pairlab: aborted", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
