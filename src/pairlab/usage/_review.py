"""Review a product: measure its hypothesis's metric over the window, decide, record the decision.

The decision goes into the descriptor's `reviews` custom property (date, window, measured,
threshold, decision, by) through one atomic write; `kill` also deprecates the product (status
`deprecated`, and ODPS v1.1.0's `deprecated: true`) and names the consumers to tell. A second
review of the same window finds its decision recorded and changes nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from pairlab._files import write_text_atomic
from pairlab.errors import BadInput, NotFound
from pairlab.usage._hypothesis import Hypothesis, parse_hypothesis
from pairlab.usage._store import Read, Store

DESCRIPTOR = "dataproduct.yaml"


@dataclass
class Review:
    """One review's outcome, as `pairlab review --json` prints it."""

    product: str
    metric: str
    window: dict[str, Any]
    measured: float
    threshold: float
    decision: str
    consumers: list[dict[str, Any]]
    reusing_products: list[str]
    recorded: bool  # False when this window's decision was already on record
    by: str = ""
    status: str = ""
    statement: str = ""
    path: str = ""
    history: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return the review as JSON-ready data."""
        return dict(self.__dict__)


def find_product(product_id: str, roots: Iterable[Path]) -> Path:
    """Return the folder of the product `product_id` in the catalog, or name close ids."""
    from pairlab.catalog.index import find_products

    seen = []
    for root in roots:
        for folder in find_products(root):
            data = yaml.safe_load((folder / DESCRIPTOR).read_text(encoding="utf-8")) or {}
            found = data.get("id") if isinstance(data, dict) else None
            if found == product_id:
                return folder
            seen.append(str(found))
    import difflib

    close = difflib.get_close_matches(product_id, seen, n=3)
    hint = f"did you mean {', '.join(close)}?" if close else "list them: pairlab catalog search ''"
    raise NotFound(f"no product {product_id!r} in the catalog", hint)


def _custom(data: dict[str, Any], name: str) -> Any:
    """Return a product-level custom property of the raw descriptor."""
    for prop in data.get("customProperties") or []:
        if isinstance(prop, dict) and prop.get("property") == name:
            return prop.get("value")
    return None


def _set_custom(data: dict[str, Any], name: str, value: Any) -> None:
    """Set (or add) a product-level custom property of the raw descriptor."""
    props = data.setdefault("customProperties", [])
    for prop in props:
        if isinstance(prop, dict) and prop.get("property") == name:
            prop["value"] = value
            return
    props.append({"property": name, "value": value})


def measure(
    hypothesis: Hypothesis, reads: list[Read]
) -> tuple[int, list[dict[str, Any]], list[str]]:
    """Return the metric's value, the consumers (reader, team, queries) and reusing products."""
    by_reader: dict[str, dict[str, Any]] = {}
    for read in reads:
        entry = by_reader.setdefault(read.reader, {"reader": read.reader, "team": read.team,
                                                   "queries": 0, "via": set()})  # fmt: skip
        entry["queries"] += 1
        entry["via"].add(read.pipeline or "person")
    consumers = [
        {**c, "via": sorted(c["via"])}
        for c in sorted(by_reader.values(), key=lambda c: c["reader"])
    ]
    reusing = sorted({r.pipeline for r in reads if r.source == "pipeline" and r.pipeline})
    measured = {"consumers": len(consumers), "queries": len(reads), "sql": 0,
                "reusing-products": len(reusing)}[hypothesis.metric]  # fmt: skip
    return measured, consumers, reusing


def _own_tables(data: dict[str, Any]) -> dict[str, str]:
    """Return the product's published output tables (`schema.table`) with their servers."""
    from pairlab.usage._sql import table_name

    found: dict[str, str] = {}
    for port in data.get("outputPorts") or []:
        props = {p.get("property"): p.get("value") for p in port.get("customProperties") or []
                 if isinstance(p, dict)}  # fmt: skip
        table = props.get("table")
        if isinstance(table, str):
            found[table_name(*table.split("."))] = str(props.get("server") or "")
    return found


def measure_sql(hypothesis: Hypothesis, data: dict[str, Any], start: date, end: date) -> float:
    """Run the hypothesis's SQL on the product's own output; return its first value.

    `{window_start}` and `{window_end}` in the query become the window's dates. The query may
    read only the product's published output tables (parsed as the log import parses), and
    runs read-only, unrecorded: measuring is not use.
    """
    from pairlab.products import connect_published
    from pairlab.usage._sql import Unparsed, tables_read

    product = str(data.get("id"))
    sql = hypothesis.sql.replace("{window_start}", f"DATE '{start.isoformat()}'")
    sql = sql.replace("{window_end}", f"DATE '{end.isoformat()}'")
    own = _own_tables(data)
    if not own:
        raise BadInput(f"{product}: metric sql needs the product published",
                       f"run pairlab publish, then pairlab review {product}")  # fmt: skip
    try:
        read = tables_read(sql, "duckdb", {})
    except Unparsed as exc:
        raise BadInput(f"{product}: valueHypothesis.sql does not parse ({exc})",
                       "write one SELECT statement") from None  # fmt: skip
    foreign = sorted(read - set(own))
    if foreign or not read:
        shown = ", ".join(foreign) or "no table"
        raise BadInput(f"{product}: valueHypothesis.sql reads {shown}, not the product's output",
                       "query only " + ", ".join(sorted(own)))  # fmt: skip
    con = connect_published(own[sorted(read)[0]])
    try:
        row = con.raw_sql(sql).fetchone()
    except Exception as exc:  # the author's SQL failed on the engine: say so, no traceback
        raise BadInput(
            f"{product}: valueHypothesis.sql failed: {str(exc).splitlines()[0]}",
            "run the query yourself on the product's table and fix it",
        ) from None
    finally:
        con.disconnect()
    value = row[0] if row else None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise BadInput(f"{product}: valueHypothesis.sql returned {value!r}, not a number",
                       "make its first column one number, e.g. SELECT count(*) ...")  # fmt: skip
    return float(value) if isinstance(value, Decimal) else value


def _dump(path: Path, data: dict[str, Any]) -> None:
    """Write the descriptor atomically, keeping its leading comment lines."""
    from pairlab.catalog.odps import DataProduct

    DataProduct(**data)  # never write a descriptor the catalog would refuse
    lines = path.read_text(encoding="utf-8").splitlines()
    header = "".join(
        f"{line}\n" for line in itertools.takewhile(lambda t: t.startswith("#"), lines)
    )
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    write_text_atomic(path, header + body)


def review(product_id: str, roots: Iterable[Path], store: Store, at: date, by: str) -> Review:
    """Measure, decide and record the review of `product_id` on day `at`."""
    folder = find_product(product_id, roots)
    path = folder / DESCRIPTOR
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    hypothesis = parse_hypothesis(_custom(data, "valueHypothesis"), product_id)
    start, end = hypothesis.window(at)
    window: dict[str, Any] = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "days": hypothesis.window_days,
    }
    since = datetime.combine(start, time(), UTC)
    until = datetime.combine(end, time(), UTC)
    measured: float
    measured, consumers, reusing = measure(hypothesis, store.list(product_id, since, until))
    history = list(_custom(data, "reviews") or [])
    done = next((h for h in history if h.get("window") == window), None)
    if hypothesis.metric == "sql" and done is None:
        measured = measure_sql(hypothesis, data, start, end)
    decision = str(done["decision"]) if done else hypothesis.decide(measured)
    result = Review(
        product_id, hypothesis.metric, window, measured, hypothesis.threshold, decision,
        consumers, reusing, done is None, str(done["by"]) if done else by,
        str(data.get("status", "")), hypothesis.statement, str(path), history,
    )  # fmt: skip
    if done:
        result.measured = done["measured"]
        return result
    entry = {"date": at.isoformat(), "window": window, "measured": measured,
             "threshold": hypothesis.threshold, "decision": decision, "by": by}  # fmt: skip
    history.append(entry)
    _set_custom(data, "reviews", history)
    if decision == "kill":
        data["status"] = "deprecated"
        if data.get("apiVersion") != "v1.0.0":
            data["deprecated"] = True
    try:
        _dump(path, data)
    except ValueError as exc:  # pydantic's ValidationError: the descriptor was broken already
        raise BadInput(
            f"{path}: {str(exc).splitlines()[0]}", "fix the descriptor (pairlab catalog lint)"
        ) from None
    result.status, result.history = str(data["status"]), history
    return result
