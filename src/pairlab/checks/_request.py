"""One check request (a path and a step, checks by id, or a named set), from CLI or JSON alike."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pairlab.checks._selection import CHECK_SETS
from pairlab.errors import BadInput

FIELDS = ("path", "step", "only", "set")


def parse_only(text: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """Return check ids from 'a,b' or a list; an empty list or a blank id is refused."""
    if text is None:
        return None
    if isinstance(text, str):
        ids = [i.strip() for i in text.split(",")] if text.strip() else []
    else:
        ids = list(text)
    # Decided once for every face: asking for no check is a mistake, never "run them all".
    if not ids:
        raise BadInput("'only' names no check", "name one or more ids, or leave 'only' out")
    if not all(isinstance(i, str) and i.strip() for i in ids):
        raise BadInput(f"only={text!r} names an empty check id", "list ids, e.g. in-order,paired")
    return tuple(ids)


def parse_set(name: str | None) -> tuple[str, ...] | None:
    """Return the check ids of a named set; raise BadInput naming the sets there are."""
    if name is None:
        return None
    if not isinstance(name, str) or name not in CHECK_SETS:
        raise BadInput(f"no check set {name!r}", f"use one of: {', '.join(CHECK_SETS)}")
    return CHECK_SETS[name]


def _optional_str(body: Mapping[str, Any], key: str, example: str) -> str | None:
    """Return body[key] when it is a string or absent; refuse anything else."""
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise BadInput(f"'{key}' must be a string", f"e.g. {example}")
    return value


@dataclass(frozen=True)
class CheckRequest:
    """What to check and with which checks: a step (narrowed by `only`), `only`, a set, or all."""

    path: str
    step: str | None = None
    only: tuple[str, ...] | None = None
    check_set: str | None = None

    @classmethod
    def parse(
        cls,
        path: Any,
        step: str | None = None,
        only: str | Sequence[str] | None = None,
        check_set: str | None = None,
    ) -> CheckRequest:
        """Return the request the CLI's options or a JSON body name; refuse a contradiction."""
        if step is not None and not step.strip():
            raise BadInput(
                "the step is empty", "name a step as LESSON/STEP, e.g. welcome/run-in-order"
            )
        ids = parse_only(only)
        parse_set(check_set)
        if check_set is not None and (step is not None or ids is not None):
            raise BadInput("'set' goes alone", "ask for a check set, or a step and only, not both")
        return cls(str(path), step, ids, check_set)

    @classmethod
    def from_body(cls, body: Mapping[str, Any], extra: Collection[str] = ()) -> CheckRequest:
        """Return the request of a JSON body {"path", "step"?, "only"?, "set"?}; refuse the rest."""
        allowed = {*FIELDS, *extra}
        stray = sorted(set(body) - allowed)
        if stray:
            raise BadInput(f"unknown field '{stray[0]}'", f"send only {', '.join(sorted(allowed))}")
        path = body.get("path")
        if path is None:
            raise BadInput("missing field 'path'", "send the notebook's path relative to the root")
        if not isinstance(path, str) or not path.strip():
            raise BadInput("'path' must be a non-empty string", "send a path relative to the root")
        only = body.get("only")
        if only is not None and not (
            isinstance(only, list) and all(isinstance(i, str) for i in only)
        ):
            raise BadInput("'only' must be a list of check ids", 'e.g. ["in-order", "paired"]')
        return cls.parse(
            path,
            step=_optional_str(body, "step", '"welcome/run-in-order"'),
            only=only,
            check_set=_optional_str(body, "set", '"practice"'),
        )

    @property
    def check_ids(self) -> tuple[str, ...] | None:
        """Return the ids asked for by name (`only`, or the set's members), if any."""
        return parse_set(self.check_set) if self.check_set else self.only
