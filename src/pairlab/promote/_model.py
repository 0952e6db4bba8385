"""What stage 1 finds, shared by every stage: the notebook's parts, decisions, flags, changes."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from pairlab.errors import BadInput
from pairlab.notebook import Cell
from pairlab.promote._source import Cleaned

_PLOT = re.compile(r"\.plot\b|\bplt\.|\bsns\.|\balt\.|\bpx\.|\.show\(\)|\.savefig\(")


class PromoteError(BadInput):
    """The notebook cannot be promoted as it is; the message names the cell and the fix."""


@dataclass
class Decision:
    """One row of the decision table: a cell, what it becomes, and why."""

    cell: str
    becomes: str
    why: str


@dataclass
class Stmt:
    """A top-level statement, with the cell it sits in and the names it binds and reads."""

    cell: Cell
    node: ast.stmt
    text: str
    stores: set[str]
    loads: set[str]


@dataclass
class Function:
    """A function the notebook defines, with the globals it reads and how each is resolved."""

    name: str
    cell: Cell
    node: ast.FunctionDef | ast.AsyncFunctionDef
    text: str
    globals: set[str] = field(default_factory=set)
    kwonly: list[str] = field(default_factory=list)  # parameters it reads: become keywords
    data: list[str] = field(default_factory=list)  # data-path keywords (files it reads)


@dataclass
class DataRead:
    """A file the notebook reads by a literal path: where, how, and what promotion does."""

    cell: Cell
    line: int  # 1-based, in the cell
    call: str  # e.g. pd.read_csv
    path: str  # the literal, or an f-string's text with its {placeholders}
    kind: str  # local | absolute | url | outside | missing | large
    param: str = ""  # the keyword of pipeline.run() it becomes
    placeholders: list[str] = field(default_factory=list)  # names an f-string formats in
    files: list[Path] = field(default_factory=list)  # what it matched beside the notebook
    size: int = 0


@dataclass
class PairTest:
    """A test the pair wrote beside the notebook, as it will read in the product's tests/."""

    source: Path
    target: str  # path in the product
    text: str
    changes: list[str] = field(default_factory=list)


@dataclass
class Analysis:
    """Everything stage 1 found: cells, functions, the result's statements, decisions, flags."""

    path: Path
    cells: list[Cell]
    cleaned: dict[str, Cleaned]
    trees: dict[str, ast.Module]
    parameters: dict[str, str] = field(default_factory=dict)  # name -> value source
    imports: dict[str, str] = field(default_factory=dict)  # bound name -> import line
    constants: dict[str, str] = field(default_factory=dict)  # name -> assignment line
    functions: dict[str, Function] = field(default_factory=dict)
    local_modules: dict[str, Path] = field(default_factory=dict)  # module -> .py beside it
    statements: list[Stmt] = field(default_factory=list)
    output: str = ""
    pipeline: list[Stmt] = field(default_factory=list)
    connection: str = ""
    decisions: list[Decision] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # every edit made to the analyst's code
    dependencies: list[str] = field(default_factory=list)
    input_tables: list[str] = field(default_factory=list)
    input_products: list[str] = field(default_factory=list)  # "id.port" of products it reads
    reads: list[DataRead] = field(default_factory=list)
    data_params: dict[str, str] = field(default_factory=dict)  # keyword -> default source
    writes: list[str] = field(default_factory=list)  # relative paths the notebook writes
    tests: list[PairTest] = field(default_factory=list)


def label(cell: Cell) -> str:
    """Return how messages name a cell: its number in the notebook (1-based)."""
    return f"cell {cell.index + 1}"


def is_plot(source: str) -> bool:
    """Return whether a cell draws a chart."""
    return bool(_PLOT.search(source))
