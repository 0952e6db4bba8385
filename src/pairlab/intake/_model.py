"""A request for a pairing: what a team asks the central team for, validated on the way in."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from pairlab.catalog.overlap import parse_target
from pairlab.errors import BadInput

FIX = "see docs/intake.md for a request's fields"
MAX_TEXT = 2000
FIELDS = {"team", "idea", "consumer", "hypothesis", "analysts", "free_from", "tables", "products",
          "reused_by", "lessons", "not_fit"}  # fmt: skip


@dataclass(frozen=True)
class Hypothesis:
    """The value hypothesis: a statement, a metric, a threshold and a window (use issue)."""

    statement: str = ""
    metric: str = ""
    threshold: float | None = None
    window: str = ""

    @property
    def measurable(self) -> bool:
        """Return whether the hypothesis can be decided: a statement and a number to reach."""
        return bool(self.statement) and self.threshold is not None


@dataclass(frozen=True)
class Request:
    """One team's request: the idea, who uses it, what it needs, who pairs and from when."""

    team: str
    idea: str
    consumer: str
    hypothesis: Hypothesis
    analysts: tuple[str, ...]
    free_from: str  # an ISO date
    tables: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    reused_by: tuple[str, ...] = ()  # other teams expected to reuse the product
    lessons: int | None = None  # lessons planned; None: the whole core pack
    not_fit: str = ""  # why the product the catalog offers does not fit
    by: str = ""  # who submitted it (hub user, or the CLI's user)
    extra: dict[str, Any] = field(default_factory=dict)

    def key(self) -> str:
        """Return what makes two submissions one request: the same team asking the same."""
        same = {
            "team": self.team,
            "idea": " ".join(self.idea.lower().split()),
            "consumer": " ".join(self.consumer.lower().split()),
            "hypothesis": asdict(self.hypothesis),
            "tables": sorted(self.tables),
            "products": sorted(self.products),
            "analysts": sorted(a.lower() for a in self.analysts),
        }
        return hashlib.sha256(json.dumps(same, sort_keys=True).encode()).hexdigest()[:32]

    def to_json(self) -> dict[str, Any]:
        """Return the request as JSON-ready data."""
        data = asdict(self)
        del data["extra"]
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


def _text(body: dict[str, Any], name: str, required: bool = True) -> str:
    """Return a trimmed text field, refusing a missing (if required), non-text or long one."""
    value = body.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise BadInput(f"'{name}' must be text", FIX)
    value = " ".join(value.split())
    if required and not value:
        raise BadInput(f"'{name}' is missing", f"say the request's {name}")
    if len(value) > MAX_TEXT:
        raise BadInput(f"'{name}' is longer than {MAX_TEXT} characters", "say it shorter")
    return value


def _names(body: dict[str, Any], name: str) -> tuple[str, ...]:
    """Return a list of names (a comma-separated text is accepted too), trimmed, unique."""
    value = body.get(name) or []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadInput(f"'{name}' must be a list of names", FIX)
    return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))


def _number(value: Any) -> float | None:
    """Return a threshold as a number, refusing text that is not one."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BadInput("the hypothesis 'threshold' must be a number", "e.g. 3 (consumers)")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadInput(
            f"the hypothesis 'threshold' must be a number, not {value!r}", "e.g. 3 (consumers)"
        ) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise BadInput("the hypothesis 'threshold' must be a finite number", "e.g. 3")
    return number


def parse_hypothesis(raw: Any) -> Hypothesis:
    """Return the hypothesis from a structured object, a bare statement, or nothing."""
    if raw is None or raw == "":
        return Hypothesis()
    if isinstance(raw, str):
        return Hypothesis(statement=" ".join(raw.split()))
    if not isinstance(raw, dict):
        raise BadInput("'hypothesis' must be an object or a statement", FIX)
    window = raw.get("window", "")
    return Hypothesis(
        statement=_text(raw, "statement", required=False),
        metric=_text(raw, "metric", required=False),
        threshold=_number(raw.get("threshold")),
        window=str(window) if window is not None else "",
    )


def _date(value: Any) -> str:
    """Return an ISO date (default today)."""
    if value in (None, ""):
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise BadInput(f"'free_from' is not a date: {value!r}", "write YYYY-MM-DD") from None


def _lessons(value: Any) -> int | None:
    """Return the planned lesson count, if given."""
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        raise BadInput("'lessons' must be a whole number from 1 to 100", "e.g. 6")
    return value


def parse_request(body: dict[str, Any], by: str = "") -> Request:
    """Return a validated request from JSON (the hub's form, the CLI's options)."""
    if not isinstance(body, dict):
        raise BadInput("a request must be a JSON object", FIX)
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise BadInput(f"a request has no field {unknown[0]!r}", f"use {', '.join(sorted(FIELDS))}")
    analysts = _names(body, "analysts")
    if not 1 <= len(analysts) <= 2:
        raise BadInput(
            f"name the one or two analysts who would pair, not {len(analysts)}",
            "e.g. analysts: ['Ana', 'Ben']",
        )
    tables = _names(body, "tables")
    for table in tables:
        parse_target(table)  # TABLE or TABLE.COLUMN, the catalog's own rule
    return Request(
        team=_text(body, "team"),
        idea=_text(body, "idea"),
        consumer=_text(body, "consumer"),
        hypothesis=parse_hypothesis(body.get("hypothesis")),
        analysts=analysts,
        free_from=_date(body.get("free_from")),
        tables=tuple(t.lower().removeprefix("warehouse.") for t in tables),
        products=_names(body, "products"),
        reused_by=_names(body, "reused_by"),
        lessons=_lessons(body.get("lessons")),
        not_fit=_text(body, "not_fit", required=False),
        by=by,
    )


def request_from_json(data: dict[str, Any]) -> Request:
    """Return a stored request (already validated once) as a Request again."""
    fields = dict(data)
    fields["hypothesis"] = Hypothesis(**fields["hypothesis"])
    for name in ("analysts", "tables", "products", "reused_by"):
        fields[name] = tuple(fields.get(name, ()))
    return Request(**fields)
