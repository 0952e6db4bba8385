"""What the usage commands print: a few lines for people, or JSON."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence

from pairlab.usage._import import ImportResult
from pairlab.usage._review import Review
from pairlab.usage._store import Read

_SHOWN = 5  # problem lines printed before "and N more"


def format_import(result: ImportResult, as_json: bool = False) -> str:
    """Return an import's summary, naming the first unreadable lines and queries."""
    if as_json:
        return json.dumps(result.to_json(), indent=2)
    lines = [
        f"pairlab: {result.file}: {result.records} queries, {result.reads} reads of products "
        f"({result.new} new), {len(result.unparsed)} unparsed, {len(result.bad)} bad lines skipped"
    ]
    problems = result.bad + result.unparsed
    lines += [f"  {p}" for p in problems[:_SHOWN]]
    if len(problems) > _SHOWN:
        lines.append(f"  ... and {len(problems) - _SHOWN} more (--json lists them all)")
    return "\n".join(lines)


def format_reads(
    reads: Sequence[Read],
    as_json: bool = False,
    teams: Mapping[tuple[str, str], Sequence[str]] | None = None,
) -> str:
    """Return reads per product and port: queries, readers, reusing products, consuming teams."""
    if as_json:
        rows = [{**r.__dict__, "at": r.at.isoformat()} for r in reads]
        return json.dumps(rows, indent=2)
    if not reads:
        return "pairlab: no reads recorded yet"
    queries = Counter((r.product, r.port) for r in reads)
    lines = []
    for (product, port), count in sorted(queries.items()):
        mine = [r for r in reads if (r.product, r.port) == (product, port)]
        readers = len({r.reader for r in mine})
        reuse = len({r.pipeline for r in mine if r.pipeline})
        line = f"{product}.{port}: {count} reads by {readers} readers, {reuse} reusing products"
        if teams and teams.get((product, port)):
            line += f", consuming teams: {', '.join(teams[(product, port)])}"
        lines.append(line)
    return "\n".join(lines)


def format_review(review: Review, as_json: bool = False) -> str:
    """Return the decision with the figures behind it and, for kill, whom to tell."""
    if as_json:
        return json.dumps(review.to_json(), indent=2)
    window = f"{review.window['start']} to {review.window['end']} (end excluded)"
    figure = f"{review.measured:g} {review.metric} against a threshold of {review.threshold:g}"
    head = f"pairlab: {review.product}: {review.decision} ({figure}, {window})"
    lines = [head if review.recorded else f"{head}; already decided for this window, unchanged"]
    if review.decision == "kill":
        lines.append(f"  deprecated; tell its consumers: {_consumers(review)}")
    return "\n".join(lines)


def _consumers(review: Review) -> str:
    """Return the readers and reusing products, or say there are none."""
    named = [c["reader"] for c in review.consumers] + review.reusing_products
    return ", ".join(named) if named else "none read it in the window"
