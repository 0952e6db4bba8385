"""The program view: every team coloured by state, who trained whom, each team's next action."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from pairlab._files import write_text_atomic
from pairlab.program import (
    Program,
    ProgramStatus,
    PublishedProduct,
    load_program,
    program_status,
)
from pairlab.report._load import read_exports

__all__ = [
    "notice_section",
    "program_section",
    "read_exports",
    "reuse_json",
    "write_program_report",
]

COLOURS = {"not-reached": "#e8e8e8", "pairing": "#fbe3a1", "teaching": "#b9dcf5",
           "capable": "#b7e4bf"}  # fmt: skip
STYLE = (
    ".pl-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:8px;"
    "margin:8px 0 20px}.pl-team{border:1px solid #bbb;border-radius:6px;padding:6px 8px}"
    ".pl-team b{display:block}.pl-team small{display:block;color:#333}"
    + "".join(f".pl-{state}{{background:{colour}}}" for state, colour in COLOURS.items())
    + ".pl-tree,.pl-tree ul{list-style:none;padding-left:18px}.pl-key span{padding:2px 8px;"
    "margin-right:6px;border-radius:4px}"
)


def _tree(nodes: Sequence[Mapping[str, Any]]) -> str:
    """Return the who-trained-whom tree as nested lists."""
    if not nodes:
        return ""
    items = "".join(
        f"<li>{escape(n['name'])} <small>({escape(n['team'])}, generation {n['generation']})"
        f"</small>{_tree(n['children'])}</li>"
        for n in nodes
    )
    return f"<ul>{items}</ul>"


def _card(team_id: str, team: Mapping[str, Any]) -> str:
    """Return one team's cell of the grid."""
    return (
        f'<div class="pl-team pl-{team["state"]}" data-team="{escape(team_id)}" '
        f'data-state="{team["state"]}"><b>{escape(team["name"])}</b>{team["state"]}'
        f"<small>reached {team['members_reached']}/{team['members_total']}, "
        f"depth {team['generation_depth']}</small><small>next: {escape(team['next'])}</small></div>"
    )


def _criteria(team: Mapping[str, Any]) -> str:
    """Return a team's criteria as one cell: ok / not yet, with the evidence."""
    return "<br>".join(
        f"{escape(c['name'])}: {'ok' if c['ok'] else 'not yet'}"
        + (f" ({escape(', '.join(c['evidence']))})" if c["evidence"] else "")
        for c in team["capable"]["criteria"]
    )


def _reuse(teams: Mapping[str, Any], reuse: Mapping[str, Any]) -> str:
    """Return the reuse table: per team, others' products it read, its products others read."""
    rows = ""
    for team_id, team in teams.items():
        found = reuse.get(team_id)
        if found is None:
            continue
        used = ", ".join(f"{r['product']} ({r['team']})" for r in found["reused"]) or "none"
        by = "; ".join(f"{r['product']} (by {', '.join(r['teams'])})" for r in found["reused_by"])
        rate = "no products" if found["rate"] is None else f"{found['rate']:.0%}"
        rows += (
            f'<tr data-team="{escape(team_id)}"><td>{escape(team["name"])}</td>'
            f"<td>{escape(used)}</td><td>{escape(by or 'none')}</td><td>{rate}</td></tr>"
        )
    return (
        '<h3>Reuse across teams</h3><table class="pl-reuse"><tr><th>team</th>'
        "<th>reused (owner)</th><th>its products reused by</th><th>rate</th></tr>"
        f"{rows}</table>"
    )


def program_section(status: ProgramStatus, reuse: Mapping[str, Any] | None = None) -> str:
    """Return the program view as one HTML section (with its own style).

    `reuse` is each team's reuse as `pairlab.usage` counts it ({team id: {reused, reused_by,
    rate}}); without it the section has no reuse table.
    """
    data = status.to_json()
    key = "".join(f'<span class="pl-{s}">{s}</span>' for s in COLOURS)
    rows = "".join(
        f"<tr><td>{escape(team['name'])}</td><td>{team['state']}</td>"
        f"<td>{team['members_reached']}/{team['members_total']}</td>"
        f"<td>{escape(', '.join(team['ambassadors'])) or 'none yet'}</td>"
        f"<td>{_criteria(team)}</td><td>{escape(team['next'])}</td></tr>"
        for team in data["teams"].values()
    )
    unreached = ", ".join(data["unreached"]) or "none"
    return (
        f'<section id="pairlab-program"><style>{STYLE}</style>'
        f"<h2>Program: {escape(data['program'])}</h2>"
        f"<p>{data['teams_reached']} of {data['teams_total']} teams reached, "
        f"{data['teams_capable']} capable, from {data['sessions']} sessions. "
        f'Not reached: {escape(unreached)}.</p><p class="pl-key">{key}</p>'
        f'<div class="pl-grid">{"".join(_card(i, t) for i, t in data["teams"].items())}</div>'
        f'<h3>Who trained whom</h3><div class="pl-tree">{_tree(data["tree"])}</div>'
        "<h3>Each team's next action</h3><table><tr><th>team</th><th>state</th>"
        "<th>reached</th><th>ambassadors</th><th>capable</th><th>next</th></tr>"
        f"{rows}</table>{_reuse(data['teams'], reuse) if reuse is not None else ''}</section>"
    )


def notice_section(problem: str) -> str:
    """Return the program view's place when the program cannot be judged: the one-line notice."""
    return (
        f'<section id="pairlab-program"><h2>Program</h2>'
        f'<p class="pl-notice" role="alert">{escape(problem)}</p></section>'
    )


def write_program_report(
    exports: Iterable[Path],
    out: Path,
    program_file: Path,
    teams: Mapping[str, str] | None = None,
    products: Iterable[PublishedProduct] = (),
    usage_db: str | None = None,
) -> Path:
    """Write `pairlab report`'s cohort page with the program view below it.

    With `usage_db` (a SQLAlchemy URL of the usage reads) the view shows reuse per team.
    """
    from pairlab.report import cohort_page

    program = load_program(program_file)
    docs, session_teams = read_exports(exports)
    products = list(products)
    reuse = reuse_json(usage_db, program, products) if usage_db else None
    status = program_status(program, docs, session_teams, products)
    section = program_section(status, reuse)
    page, _ = cohort_page(docs, teams, session_teams, foot=section)
    return write_text_atomic(out, page)


def reuse_json(
    usage_db: str, program: Program, products: Iterable[PublishedProduct]
) -> dict[str, Any]:
    """Return each team's reuse as JSON, counted by `pairlab.usage` from the reads in `usage_db`."""
    from pairlab import usage

    reuse = usage.reuse_by_team(usage.Store(usage_db).list(), program, products)
    return {team_id: found.to_json() for team_id, found in reuse.items()}
