"""Read notebook JSON directly: static checks never pay for importing nbformat."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_BYTES = 200 * 1024 * 1024
CELL_TYPES = ("code", "markdown", "raw")
# IPython syntax that is not Python: line magics, shell escapes, help queries.
_MAGIC_LINE = re.compile(r"^\s*(%|!|\?)|\?\s*$")


class NotebookError(Exception):
    """The file cannot be read as a version-4 notebook; the message says why and what to do."""


@dataclass(frozen=True)
class Cell:
    """One cell, with the fields checks read."""

    index: int
    id: str
    type: str
    source: str
    metadata: dict[str, Any]
    execution_count: int | None
    outputs: tuple[dict[str, Any], ...]

    @property
    def tags(self) -> tuple[str, ...]:
        """Return the cell's tags (an empty tuple when the metadata holds none)."""
        tags = self.metadata.get("tags", [])
        return tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else ()

    @property
    def label(self) -> str:
        """Return how a learner finds the cell: its visible position, its step tag and its id."""
        steps = [t for t in self.tags if t.startswith("step:")]
        tag = f", {steps[0]}" if steps else ""
        return f"cell {self.index + 1} ({self.id}{tag})"

    @property
    def is_blank(self) -> bool:
        """Return whether the cell holds only whitespace."""
        return not self.source.strip()


@dataclass(frozen=True)
class Notebook:
    """A notebook as checks see it: cells, metadata and the kernel's language."""

    path: Path
    cells: tuple[Cell, ...]
    metadata: dict[str, Any]
    language: str

    @property
    def code_cells(self) -> tuple[Cell, ...]:
        """Return the code cells in order."""
        return tuple(c for c in self.cells if c.type == "code")

    def label(self, cell_id: str) -> str:
        """Return the learner-facing label of the cell with id `cell_id` (or the id itself)."""
        return next((c.label for c in self.cells if c.id == cell_id), f"cell {cell_id}")

    @property
    def is_python(self) -> bool:
        """Return whether the notebook's kernel speaks Python."""
        return self.language in ("python", "python3", "ipython", "ipython3")


def _source(raw: Any, where: str) -> str:
    """Join a cell's source, which nbformat stores as a string or a list of strings."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, list) and all(isinstance(s, str) for s in raw):
        return "".join(raw)
    raise NotebookError(f"{where} has no readable 'source' (a string or a list of strings)")


def _cell(raw: Any, index: int) -> Cell:
    """Turn one cell's JSON into a Cell, tolerating missing optional keys."""
    where = f"cell {index + 1}"  # people count cells from 1
    if not isinstance(raw, dict):
        raise NotebookError(f"{where} is not a JSON object")
    kind = raw.get("cell_type")
    if kind not in CELL_TYPES:
        raise NotebookError(f"{where} has cell_type {kind!r}; expected code, markdown or raw")
    cell_id = raw.get("id")
    count = raw.get("execution_count")
    outputs = raw.get("outputs")
    outputs = outputs if isinstance(outputs, list) else []
    metadata = raw.get("metadata", {})
    return Cell(
        index=index,
        id=cell_id if isinstance(cell_id, str) and cell_id else f"cell-{index + 1}",
        type=kind,
        source=_source(raw.get("source", ""), where),
        metadata=metadata if isinstance(metadata, dict) else {},
        execution_count=count if isinstance(count, int) and not isinstance(count, bool) else None,
        outputs=tuple(o for o in outputs if isinstance(o, dict)),
    )


def _language(metadata: dict[str, Any]) -> str:
    """Return the kernel language named in the metadata; notebooks without one are Python."""
    for key, field in (("kernelspec", "language"), ("language_info", "name")):
        table = metadata.get(key)
        if isinstance(table, dict) and isinstance(table.get(field), str):
            return str(table[field]).strip().lower()
    return "python"


def _check_version(data: dict[str, Any]) -> None:
    """Refuse notebook formats other than 4, with the command that upgrades them."""
    version = data.get("nbformat")
    if version == 4:
        return
    if isinstance(version, int) and version < 4:
        raise NotebookError(
            f"this is an nbformat {version} notebook; pairlab reads version 4: upgrade it with "
            "`jupyter nbconvert --to notebook --nbformat 4 --inplace NOTEBOOK` or save it in "
            "JupyterLab"
        )
    raise NotebookError(f"nbformat is {version!r}; pairlab reads version 4 notebooks")


def parse_notebook(text: str, path: Path) -> Notebook:
    """Parse notebook JSON text; raise NotebookError saying what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(
            f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); the file is "
            "damaged: restore it from git or File > Revert Notebook to Checkpoint"
        ) from None
    if not isinstance(data, dict) or ("cells" not in data and "worksheets" not in data):
        raise NotebookError("this JSON is not a notebook (no 'cells')")
    _check_version(data)
    cells = data.get("cells")
    if not isinstance(cells, list):
        raise NotebookError("the notebook's 'cells' is not a list")
    metadata = data.get("metadata", {})
    metadata = metadata if isinstance(metadata, dict) else {}
    return Notebook(
        path=path,
        cells=tuple(_cell(raw, i) for i, raw in enumerate(cells)),
        metadata=metadata,
        language=_language(metadata),
    )


def load_notebook(path: Path) -> Notebook:
    """Read and parse the notebook at `path`; raise NotebookError saying what is wrong."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise NotebookError(f"the file is {size // 2**20} MB; clear its outputs first")
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise NotebookError("the file is not UTF-8 text, so not a notebook") from None
    except OSError as exc:
        raise NotebookError(f"cannot read the file: {exc.strerror}") from None
    return parse_notebook(text, path)


def python_source(cell: Cell) -> str | None:
    """Return the cell's source with IPython magics blanked, or None for a cell magic."""
    if cell.source.lstrip().startswith("%%"):
        return None  # %%sql, %%bash...: the whole cell is another language
    # Blank, not delete, so line numbers stay those the learner sees.
    return "\n".join("" if _MAGIC_LINE.search(line) else line for line in cell.source.split("\n"))
