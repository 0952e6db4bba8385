"""What the catalog commands print: plain lines for people, one JSON document for tools."""

from __future__ import annotations

import json
from collections.abc import Sequence

from pairlab.catalog.entry import Entry, decision_text
from pairlab.catalog.index import Catalog
from pairlab.catalog.overlap import Overlap
from pairlab.catalog.search import Hit


def problem_lines(catalog: Catalog) -> list[str]:
    """Return one warning line per broken standard and one per notice, each naming its file.

    Policy findings are not problems of the catalog: `pairlab catalog lint --policy` shows them.
    """
    return [f"pairlab: warning: {p}" for p in catalog.problems] + [
        f"pairlab: notice: {p}" for p in catalog.notices
    ]


def _problems_json(catalog: Catalog) -> list[dict[str, str]]:
    """Return the problems as JSON-ready data."""
    return [{"file": p.file, "field": p.field, "rule": p.rule} for p in catalog.problems]


def _findings_json(catalog: Catalog) -> dict[str, list[dict[str, str]]]:
    """Return the problems, the policy findings and the notices as JSON-ready data."""
    return {
        "problems": _problems_json(catalog),
        "policy": [p.to_json() for p in catalog.policy],
        "notices": [p.to_json() for p in catalog.notices],
    }


def format_hits(hits: Sequence[Hit], as_json: bool, catalog: Catalog) -> str:
    """Return search results: rank, id, status, owner and name; or JSON."""
    if as_json:
        doc = {"results": [h.to_json() for h in hits], **_findings_json(catalog)}
        return json.dumps(doc, indent=2)
    if not hits:
        return f"no product matches (searched {len(catalog.entries)} products)"
    return "\n".join(
        f"{i:>2}. {h.entry.id:<32} {h.entry.status:<10} owner {h.entry.owner:<14} {h.entry.name}"
        + _marks(h)
        for i, h in enumerate(hits, start=1)
    )


def _marks(hit: Hit) -> str:
    """Return what a result line adds: the last decision, ODPS v1.1.0's `deprecated` product or
    ports."""
    marks = [decision_text(hit.entry)] if hit.entry.decision else []
    if hit.entry.deprecated and hit.entry.status != "deprecated" and not hit.entry.killed:
        marks.append("deprecated")
    marks += [f"port {p.name} deprecated" for p in hit.entry.outputs if p.deprecated]
    return f" [{'; '.join(marks)}]" if marks else ""


def format_entry(entry: Entry, as_json: bool) -> str:
    """Return one product as `pairlab catalog show` prints it; or JSON."""
    if as_json:
        return json.dumps(entry.to_json(), indent=2)
    state = entry.status + (" (KILLED by its last review)" if entry.killed else "")
    reviewed = decision_text(entry) or f"none recorded (pairlab review {entry.id})"
    lines = [
        f"{entry.id}  {entry.name}",
        f"  status      {state}",
        f"  version     {entry.version}",
        f"  owner       {entry.owner} (team {entry.team or '-'})",
        f"  last review {reviewed}",
    ]
    if entry.purpose:
        lines.append(f"  purpose     {entry.purpose}")
    for port in entry.outputs:
        shown = " [deprecated]" if port.deprecated else ""
        columns = ", ".join(c.name for c in port.columns)
        lines.append(f"  port        {entry.id}.{port.name}{shown}: {columns}")
    if entry.inputs:
        lines.append(f"  reads       {', '.join(entry.inputs)}")
    return "\n".join(lines)


def format_overlaps(found: Sequence[Overlap], as_json: bool, catalog: Catalog) -> str:
    """Return the overlapping products with owners, ports and what overlaps; or JSON."""
    if as_json:
        doc = {"products": [o.to_json() for o in found], **_findings_json(catalog)}
        return json.dumps(doc, indent=2)
    if not found:
        return f"no product reads or exposes these (searched {len(catalog.entries)} products)"
    lines = []
    for o in found:
        e = o.entry
        ports = ", ".join(p.contract_id for p in e.outputs)
        state = f"{e.status}, {decision_text(e)}" if e.decision else e.status
        lines.append(f"{e.id} ({state}) owner {e.owner}, team {e.team}: {ports}")
        lines += [f"    {m.how} {m.target}: {m.detail}" for m in o.matches]
    return "\n".join(lines)
