"""A static, self-contained catalog page: search box, product cards and the lineage graph."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from html import escape
from pathlib import Path
from typing import Any

from pairlab._files import write_text_atomic
from pairlab.catalog.entry import Entry, decision_text
from pairlab.catalog.index import Catalog
from pairlab.catalog.lineage import Graph, lineage
from pairlab.catalog.search import WEIGHTS

COL_WIDTH, NODE_WIDTH, ROW, NODE_HEIGHT, PAD = 280, 230, 34, 24, 20
LABEL_CHARS = 34

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#23395d;color:#fff;padding:12px 20px}
header h1{margin:0;font-size:20px}
main{padding:16px 20px}
#q{width:min(640px,90%);font-size:16px;padding:8px;border:1px solid #999;border-radius:4px}
#count{color:#555;margin:6px 0 12px}
#results{list-style:none;padding:0;display:grid;gap:8px}
.product{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 12px}
.product h2{font-size:16px;margin:0 0 4px}
.meta{color:#555;font-size:12px}
.status{border-radius:3px;padding:0 5px;font-size:12px;background:#e3f1e3}
.status.deprecated,.status.retired,.status.kill{background:#f6dcdc}
.tags span{background:#eef;border-radius:3px;padding:0 4px;margin-right:4px;font-size:12px}
.problems{background:#fff4e5;border:1px solid #e0b070;padding:8px 12px;border-radius:6px}
svg .node rect{stroke:#666;fill:#fff}
svg .table rect{fill:#e8eef8}svg .consumer rect{fill:#f3ecf8}
svg .deprecated rect,svg .retired rect{stroke-dasharray:4 2;fill:#f6dcdc}
svg .edge{fill:none;stroke:#9aa;stroke-width:1.2}
svg.filtering .product:not(.match){opacity:.25}
svg .match rect{stroke:#c60;stroke-width:2.5}
svg text{font-size:12px;dominant-baseline:middle}
"""

# Scores as pairlab.catalog.search does, in miniature: weighted fields, prefixes, status.
_SCRIPT = """
const docs = JSON.parse(document.getElementById('catalog-data').textContent);
const weights = JSON.parse(document.getElementById('catalog-weights').textContent);
const stem = w => w.length > 4 && w.endsWith('ies') ? w.slice(0, -3) + 'y'
  : (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w);
const words = t => (t.toLowerCase().match(/[a-z0-9]+/g) || []).map(stem);
for (const d of docs) for (const f in d.fields) d.fields[f] = new Set(words(d.fields[f]));
function score(d, qs) {
  let total = 0, covered = 0;
  for (const q of qs) {
    let s = 0;
    for (const f in d.fields) {
      if (d.fields[f].has(q)) s += weights[f];
      else if (q.length >= 3 && [...d.fields[f]].some(w => w.startsWith(q))) s += weights[f] / 2;
    }
    if (s > 0) covered += 1;
    total += s;
  }
  const status = {deprecated: 0.5, retired: 0.3}[d.status] || 1;
  return total * (0.5 + 0.5 * covered / qs.length) * status;
}
const input = document.getElementById('q');
const graph = document.getElementById('lineage');
function show() {
  const qs = [...new Set(words(input.value))];
  const ranked = docs.map(d => [qs.length ? score(d, qs) : 1, d])
    .filter(([s]) => s > 0).sort((a, b) => b[0] - a[0] || a[1].id.localeCompare(b[1].id));
  const shown = new Set(ranked.map(([, d]) => d.id));
  for (const li of document.querySelectorAll('#results > li'))
    li.hidden = !shown.has(li.dataset.id);
  const list = document.getElementById('results');
  for (const [, d] of ranked) list.append(document.getElementById('card-' + d.id));
  document.getElementById('count').textContent = ranked.length + ' of ' + docs.length + ' products';
  graph.classList.toggle('filtering', qs.length > 0);
  for (const n of graph.querySelectorAll('.product'))
    n.classList.toggle('match', qs.length > 0 && shown.has(n.dataset.id));
}
input.addEventListener('input', show);
show();
"""


def _doc(entry: Entry) -> dict[str, Any]:
    """Return what the page's script searches for one product."""
    from pairlab.catalog.search import fields

    texts: dict[str, str] = {}
    for name, text in fields(entry):
        texts[name] = f"{texts.get(name, '')} {text}"
    return {"id": entry.id, "status": entry.status, "fields": texts}


def _card(entry: Entry) -> str:
    """Return one product's card."""
    ports = ", ".join(
        f"{escape(p.name)} ({', '.join(escape(c.name) for c in p.columns)})" for p in entry.outputs
    )
    tags = "".join(f"<span>{escape(t)}</span>" for t in entry.tags)
    eid = escape(entry.id)
    said, kind = escape(decision_text(entry)), escape(entry.decision)
    decided = f' <span class="status decision {kind}">{said}</span>' if entry.decision else ""
    return (
        f'<li class="product" id="card-{eid}" data-id="{eid}"><h2>{escape(entry.name)} '
        f'<span class="status {escape(entry.status)}">{escape(entry.status)}</span>{decided}</h2>'
        f'<div class="meta">{eid} {escape(entry.version)} · {escape(entry.domain)} · owner '
        f"{escape(entry.owner)} ({escape(entry.team)})</div>"
        f"<p>{escape(entry.purpose)}</p>"
        f"<div class='meta'>reads {escape(', '.join(entry.inputs))}; exposes {ports}</div>"
        f"<div class='tags'>{tags}</div></li>"
    )


def _short(label: str) -> str:
    """Return a label that fits its box."""
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def render_svg(graph: Graph) -> str:
    """Return the lineage graph as inline SVG: one column per layer, curved edges."""
    where: dict[str, tuple[int, int]] = {}
    parts = []
    for col, layer in enumerate(graph.layers):
        for row, node in enumerate(layer):
            x, y = PAD + col * COL_WIDTH, PAD + row * ROW
            where[node.id] = (x, y)
            pid = node.id.split(":", 1)[1]
            parts.append(
                f'<g class="node {node.kind} {escape(node.status)}" data-id="{escape(pid)}">'
                f"<title>{escape(node.kind)}: {escape(node.label)}</title>"
                f'<rect x="{x}" y="{y}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="4"/>'
                f'<text x="{x + 6}" y="{y + NODE_HEIGHT // 2}">{escape(_short(node.label))}</text>'
                "</g>"
            )
    edges = []
    for src, dst in graph.edges:
        (x1, y1), (x2, y2) = where[src], where[dst]
        x1, y1, y2 = x1 + NODE_WIDTH, y1 + NODE_HEIGHT // 2, y2 + NODE_HEIGHT // 2
        mid = (x1 + x2) // 2
        edges.append(f'<path class="edge" d="M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"/>')
    width = PAD * 2 + max(len(graph.layers) - 1, 0) * COL_WIDTH + NODE_WIDTH
    height = PAD * 2 + max((len(layer) for layer in graph.layers), default=0) * ROW
    return (
        f'<svg id="lineage" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" role="img" aria-label="lineage: tables, products, consumers">'
        f"{''.join(edges)}{''.join(parts)}</svg>"
    )


def _json_script(element_id: str, data: Any) -> str:
    """Return data as an inert JSON script element that no string inside can close."""
    # \u003c keeps "</script>" and "<!--" in a descriptor from changing how HTML parses it.
    text = json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def render_html(
    catalog: Catalog,
    title: str = "Data-product catalog",
    reading_teams: Mapping[str, Iterable[str]] | None = None,
) -> str:
    """Return the whole page: no external file, font or script, so it works offline.

    `reading_teams` (product id -> teams measured reading it) joins the lineage's consumers.
    """
    problems = ""
    if catalog.problems:
        items = "".join(f"<li>{escape(str(p))}</li>" for p in catalog.problems)
        problems = (
            f'<section class="problems"><b>Not indexed or flawed</b><ul>{items}</ul></section>'
        )
    cards = "".join(_card(e) for e in catalog.entries)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<header><h1>{escape(title)}</h1></header><main>"
        f'<input id="q" type="search" placeholder="Search products, tables, columns…" '
        f'aria-label="Search the catalog" autofocus><div id="count"></div>{problems}'
        f'<ul id="results">{cards}</ul>'
        "<h2>Lineage: warehouse tables → products → consumers</h2>"
        f"{render_svg(lineage(catalog.entries, reading_teams))}"
        f"</main>{_json_script('catalog-data', [_doc(e) for e in catalog.entries])}"
        f"{_json_script('catalog-weights', WEIGHTS)}<script>{_SCRIPT}</script></body></html>"
    )


def write_html(
    catalog: Catalog, out: Path, reading_teams: Mapping[str, Iterable[str]] | None = None
) -> Path:
    """Write the page to `out` atomically and return its path."""
    return write_text_atomic(out, render_html(catalog, reading_teams=reading_teams))
