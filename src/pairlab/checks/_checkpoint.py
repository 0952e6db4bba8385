"""`pairlab.checkpoint("lesson/step")`: a step's checks as a widget panel in any Jupyter front end.

Works without the lab extension (Notebook 7, VS Code): the panel runs the same step
declaration as the sidebar and `pairlab check`. Checks read the notebook as saved on disk.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pairlab.checks._door import run
from pairlab.checks._model import Result, errored
from pairlab.checks._report import StepResult, verdict
from pairlab.checks._request import CheckRequest
from pairlab.checks._selection import select
from pairlab.errors import PairlabError
from pairlab.lessons import Lesson, Step, get_step

ICONS = {"pass": "✅", "fail": "❌", "error": "⚠️", "waiting": "⏳"}
SAVE_FIRST = "Checks read the saved notebook: save (Ctrl+S), then press Re-check."


def find_notebook(lesson: Lesson, namespace: dict[str, Any] | None = None) -> Path | None:
    """Return the kernel's notebook: Jupyter's session path, VS Code's, or the lesson's."""
    candidates = []
    session = os.environ.get("JPY_SESSION_NAME")  # set by Jupyter Server 2 for each kernel
    if session:
        candidates += [Path(session), Path.cwd() / Path(session).name]
    if namespace and isinstance(namespace.get("__vsc_ipynb_file__"), str):
        candidates.append(Path(namespace["__vsc_ipynb_file__"]))
    candidates.append(Path.cwd() / lesson.notebook)
    return next((p for p in candidates if p.suffix == ".ipynb" and p.is_file()), None)


def _ipython_namespace() -> dict[str, Any] | None:
    """Return the running IPython's user namespace, if there is one."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return getattr(shell, "user_ns", None)


class Checkpoint:
    """The panel for one step: its goal, one line per check, and a Re-check button."""

    def __init__(self, step: str, path: str | Path | None = None) -> None:
        import ipywidgets as widgets  # paid only where a checkpoint is shown

        self.step_ref = step
        self.path = Path(path) if path else None
        self.step: Step | None = None
        self.results: list[Result] = []
        self.pending: list[str] = []
        self.problem = ""
        self.header = widgets.HTML()
        self.table = widgets.HTML()
        self.button = widgets.Button(description="Re-check", icon="refresh")
        self.note = widgets.HTML(f"<small>{html.escape(SAVE_FIRST)}</small>")
        self.button.on_click(lambda _: self.refresh(include_runs=True))
        self.widget = widgets.VBox(
            [self.header, self.table, widgets.HBox([self.button, self.note])]
        )
        self._shown = False
        self._load_step()
        self.refresh(include_runs=False)

    def _load_step(self) -> None:
        """Find the step and the notebook; keep the problem to show instead of raising."""
        try:
            lesson, self.step = get_step(self.step_ref)
        except PairlabError as exc:
            self.problem = str(exc)
            return
        self.path = self.path or find_notebook(lesson, _ipython_namespace())
        if self.path is None:
            self.problem = f"cannot find {lesson.notebook} here; pass path='...' to checkpoint()"

    def refresh(self, include_runs: bool = True) -> list[Result]:
        """Run the step (kernel runs only when asked) and redraw the panel."""
        self.header.value = self._header_html()
        self.pending = []
        if self.problem or self.step is None or self.path is None:
            self.results = [errored(self.problem)]
            self.table.value = self._rows_html()
            return self.results
        self.button.disabled = True
        try:
            request = CheckRequest.parse(self.path, step=self.step_ref)
            result = run(request, include_runs=include_runs)
            assert isinstance(result, StepResult)  # a step alone gives a step's result
            self.results, self.pending = result.results, result.pending
        except PairlabError as exc:
            self.results = [errored(str(exc))]
        finally:
            self.button.disabled = False
        self.table.value = self._rows_html()
        return self.results

    def _header_html(self) -> str:
        """Return the step's title and goal."""
        if self.step is None:
            return f"<b>Checkpoint {html.escape(self.step_ref)}</b>"
        return f"<b>{html.escape(self.step.title)}</b><br>{html.escape(self.step.goal)}"

    def _rows_html(self) -> str:
        """Return one line per result, then the kernel checks that wait for Re-check."""
        titles = {s.check.id: s.check.title for s in select(self.step_ref)} if self.step else {}
        rows = [
            f"<li>{ICONS[r.status]} <b>{html.escape(r.id or 'checkpoint')}</b>: "
            f"{html.escape(r.message)}"
            + (f" <small>(cells: {html.escape(', '.join(r.cells))})</small>" if r.cells else "")
            + "</li>"
            for r in self.results
        ]
        rows += [
            f"<li>{ICONS['waiting']} <b>{i}</b>: {html.escape(titles.get(i, ''))}; "
            "press Re-check to run it (it starts a fresh kernel)</li>"
            for i in self.pending
        ]
        return "<ul style='list-style:none;padding-left:0'>" + "".join(rows) + "</ul>"

    @property
    def verdict(self) -> str:
        """Return the step's verdict, decided as every other face decides it."""
        return verdict(self.results, self.pending)

    @property
    def passed(self) -> bool:
        """Return whether the step passed: checks ran, none is waiting, and all passed."""
        return self.verdict == "pass"

    def show(self, display: Callable[[Any], Any] | None = None) -> Checkpoint:
        """Display the panel once (a checkpoint that is a cell's last line is not shown twice)."""
        if not self._shown:
            if display is None:
                from IPython.display import display as ipython_display

                display = ipython_display
            display(self.widget)
            self._shown = True
        return self

    def _ipython_display_(self) -> None:
        """Show the panel when the checkpoint is a cell's value."""
        self.show()

    def __repr__(self) -> str:
        """Summarize the checkpoint as text (for consoles without widgets)."""
        summary = ", ".join(f"{r.id or 'checkpoint'}: {r.status}" for r in self.results)
        return f"<checkpoint {self.step_ref} {self.verdict}: {summary or 'nothing checked'}>"


def checkpoint(step: str, path: str | Path | None = None) -> Checkpoint:
    """Show the panel for `step` ("lesson-id/step-id") and return it."""
    return Checkpoint(step, path).show()
