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

from pairlab.checks import Result, Selected, errored, run_checks, select
from pairlab.errors import PairlabError
from pairlab.lessons import Lesson, Step, get_lesson

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
        lesson_id, _, step_id = self.step_ref.partition("/")
        try:
            lesson = get_lesson(lesson_id)
            self.step = next((s for s in lesson.steps if s.id == step_id), None)
            if self.step is None:
                known = ", ".join(s.id for s in lesson.steps)
                raise PairlabError(f"lesson '{lesson_id}' has no step '{step_id}'", f"use {known}")
        except PairlabError as exc:
            self.problem = str(exc)
            return
        self.path = self.path or find_notebook(lesson, _ipython_namespace())
        if self.path is None:
            self.problem = f"cannot find {lesson.notebook} here; pass path='...' to checkpoint()"

    def refresh(self, include_runs: bool = True) -> list[Result]:
        """Run the step's checks (kernel runs only when asked) and redraw the panel."""
        self.header.value = self._header_html()
        if self.problem or self.step is None or self.path is None:
            self.results = [errored(self.problem)]
            self.table.value = self._rows_html([])
            return self.results
        chosen = select(self.step_ref)
        now = [c for c in chosen if include_runs or not c.check.runs]
        self.button.disabled = True
        try:
            self.results = run_checks(self.path, now).results if now else []
        except PairlabError as exc:
            self.results = [errored(str(exc))]
        finally:
            self.button.disabled = False
        self.table.value = self._rows_html([c for c in chosen if c not in now])
        return self.results

    def _header_html(self) -> str:
        """Return the step's title and goal."""
        if self.step is None:
            return f"<b>Checkpoint {html.escape(self.step_ref)}</b>"
        return f"<b>{html.escape(self.step.title)}</b><br>{html.escape(self.step.goal)}"

    def _rows_html(self, waiting: list[Selected]) -> str:
        """Return one line per result, then the kernel checks that wait for Re-check."""
        rows = [
            f"<li>{ICONS[r.status]} <b>{html.escape(r.id or 'checkpoint')}</b>: "
            f"{html.escape(r.message)}"
            + (f" <small>(cells: {html.escape(', '.join(r.cells))})</small>" if r.cells else "")
            + "</li>"
            for r in self.results
        ]
        rows += [
            f"<li>{ICONS['waiting']} <b>{s.check.id}</b>: {html.escape(s.check.title)}; "
            "press Re-check to run it (it starts a fresh kernel)</li>"
            for s in waiting
        ]
        return "<ul style='list-style:none;padding-left:0'>" + "".join(rows) + "</ul>"

    @property
    def passed(self) -> bool:
        """Return whether every check that ran passed."""
        return bool(self.results) and all(r.status == "pass" for r in self.results)

    def show(self, display: Callable[[Any], Any] | None = None) -> Checkpoint:
        """Display the panel once (a checkpoint that is a cell's last line is not shown twice)."""
        if not self._shown:
            if display is None:
                from IPython.display import display
            display(self.widget)
            self._shown = True
        return self

    def _ipython_display_(self) -> None:
        """Show the panel when the checkpoint is a cell's value."""
        self.show()

    def __repr__(self) -> str:
        """Summarize the checkpoint as text (for consoles without widgets)."""
        summary = ", ".join(f"{r.id or 'checkpoint'}: {r.status}" for r in self.results)
        return f"<checkpoint {self.step_ref}: {summary or 'nothing checked'}>"


def checkpoint(step: str, path: str | Path | None = None) -> Checkpoint:
    """Show the panel for `step` ("lesson-id/step-id") and return it."""
    return Checkpoint(step, path).show()
