"""The shapes every check shares: its declaration, its arguments, its context and its result."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pairlab.checks._watch import Watch
from pairlab.errors import BadInput
from pairlab.notebook import Notebook, NotebookError, load_notebook

Status = Literal["pass", "fail", "error"]
Verdict = Literal["pass", "fail", "error", "pending"]
Target = Literal["notebook", "project"]
ArgKind = Literal["bool", "int", "str", "strings", "table"]

_KIND_TEST: dict[str, Callable[[Any], bool]] = {
    # bool is an int in Python; an argument declared int must not accept true/false.
    "bool": lambda v: isinstance(v, bool),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "str": lambda v: isinstance(v, str),
    "strings": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "table": lambda v: isinstance(v, dict),
}
_KIND_WORDS = {
    "bool": "true or false",
    "int": "a whole number",
    "str": "a string",
    "strings": "a list of strings",
    "table": "a table",
}


@dataclass(frozen=True)
class Param:
    """One argument a check accepts, with its kind, default and meaning."""

    kind: ArgKind
    default: Any
    help: str


@dataclass(frozen=True)
class Result:
    """What a check found: a status, what to do next, and the cells concerned."""

    status: Status
    message: str
    cells: tuple[str, ...] = ()
    details: tuple[dict[str, Any], ...] = ()
    id: str = ""
    notebook: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the result as JSON-ready data (the CLI's --json and the server's reply)."""
        data: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "message": self.message,
            "cells": list(self.cells),
        }
        if self.details:
            data["details"] = list(self.details)
        if self.notebook is not None:
            data["notebook"] = self.notebook
        return data


def passed(message: str, details: tuple[dict[str, Any], ...] = ()) -> Result:
    """Return a passing result."""
    return Result("pass", message, details=details)


def failed(
    message: str, cells: tuple[str, ...] = (), details: tuple[dict[str, Any], ...] = ()
) -> Result:
    """Return a failing result: the learner has something to do."""
    return Result("fail", message, cells, details)


def errored(message: str) -> Result:
    """Return an error result: the check could not judge, and says why."""
    return Result("error", message)


@dataclass
class Context:
    """What a check may look at: the notebook (parsed once), its folder and its project."""

    path: Path
    project: Path
    _loader: Callable[[Path], Notebook] = load_notebook
    _notebook: Notebook | NotebookError | None = field(default=None, repr=False)
    watch: Watch | None = field(default=None, repr=False)  # progress out, cancel in

    @property
    def is_notebook(self) -> bool:
        """Return whether the target is one notebook (not a project folder)."""
        return self.path.suffix == ".ipynb"

    @property
    def notebook(self) -> Notebook:
        """Return the parsed notebook; raises NotebookError when it cannot be read."""
        if self._notebook is None:
            try:
                self._notebook = self._loader(self.path)
            except NotebookError as exc:  # remember it: every check would hit it again
                self._notebook = exc
        if isinstance(self._notebook, NotebookError):
            raise self._notebook
        return self._notebook

    @property
    def folder(self) -> Path:
        """Return the folder the notebook sits in (or the project folder itself)."""
        return self.path.parent if self.is_notebook else self.path


CheckFunc = Callable[[Context, Mapping[str, Any]], Result]
Applies = Callable[[Context], str | None]


def _always(ctx: Context) -> str | None:
    """Apply everywhere."""
    return None


@dataclass(frozen=True)
class Check:
    """A registered check: a stable id, a one-line title, what it needs, and the function."""

    id: str
    title: str
    func: CheckFunc
    target: Target = "notebook"
    runs: bool = False  # starts a kernel or a test run: seconds, not milliseconds
    python_only: bool = False  # reads Python source; other kernel languages get an error
    params: Mapping[str, Param] = field(default_factory=dict)
    applies: Applies = _always  # returns why the check does not apply, or None

    @property
    def needs(self) -> str:
        """Return what the check needs, in words: a notebook, a project, a kernel run."""
        if self.runs:
            return "a kernel run" if self.target == "notebook" else "a test run"
        return "a notebook" if self.target == "notebook" else "a project folder"

    def validate_args(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """Return `args` completed with defaults; raise BadInput naming a wrong argument."""
        unknown = sorted(set(args) - set(self.params))
        if unknown:
            accepted = ", ".join(sorted(self.params)) or "none"
            raise BadInput(
                f"check '{self.id}' has no argument '{unknown[0]}'",
                f"accepted arguments: {accepted}",
            )
        for name, value in args.items():
            param = self.params[name]
            if not _KIND_TEST[param.kind](value):
                raise BadInput(
                    f"argument '{name}' of check '{self.id}' must be {_KIND_WORDS[param.kind]}",
                    f"got {value!r}; {param.help}",
                )
        return {name: args.get(name, p.default) for name, p in self.params.items()}

    def to_json(self) -> dict[str, Any]:
        """Return the declaration as JSON-ready data, for listings and the sidebar."""
        return {
            "id": self.id,
            "title": self.title,
            "needs": self.needs,
            "params": {n: {"kind": p.kind, "default": p.default} for n, p in self.params.items()},
        }
