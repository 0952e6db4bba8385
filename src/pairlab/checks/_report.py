"""A run's report and its one verdict: what every face shows, decided here only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pairlab.checks._model import Result, Verdict
from pairlab.lessons import split_step


def verdict(results: Sequence[Result], pending: Sequence[str] = ()) -> Verdict:
    """Return the one verdict of a set of results: pass only when checks ran and all passed."""
    statuses = {r.status for r in results}
    if "error" in statuses:
        return "error"
    if "fail" in statuses or not results:
        return "fail"
    return "pending" if pending else "pass"


@dataclass
class Report:
    """Every result of one run, plus the checks left out and why."""

    path: str
    results: list[Result] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # checks not run yet (kernel runs deferred)

    @property
    def verdict(self) -> Verdict:
        """Return the run's verdict; a run where no check ran has not passed."""
        return verdict(self.results, self.pending)

    @property
    def exit_code(self) -> int:
        """Return 0 when checks ran and every one passed, else 1."""
        return 0 if self.verdict == "pass" else 1

    @property
    def message(self) -> str:
        """Return what to do next: the first problem, or the first pass when all is well."""
        first = next((r for r in self.results if r.status != "pass"), None)
        if first is not None:
            return first.message
        if not self.results:
            return "no check ran: " + "; ".join(s["reason"] for s in self.skipped[:1])
        return self.results[0].message

    def to_json(self) -> dict[str, Any]:
        """Return {"path", "verdict", "message", "results", "skipped"} as JSON-ready data."""
        return {
            "path": self.path,
            "verdict": self.verdict,
            "message": self.message,
            "results": [r.to_json() for r in self.results],
            "skipped": self.skipped,
        }


@dataclass
class StepResult(Report):
    """One curriculum step run on one notebook: the unit every face shows."""

    step: str = ""

    @property
    def lesson_id(self) -> str:
        """Return the lesson part of the step id."""
        return split_step(self.step)[0]

    @property
    def step_id(self) -> str:
        """Return the step part of the step id."""
        return split_step(self.step)[1]

    def to_json(self) -> dict[str, Any]:
        """Return the report with its step id."""
        return {"step": self.step, **super().to_json()}


_MARK = {"pass": "PASS ", "fail": "FAIL ", "error": "ERROR"}


def format_report(report: Report) -> str:
    """Return the report as lines a person reads in a terminal."""
    lines = [f"pairlab check {report.path}"]
    for r in report.results:
        where = f" [{r.notebook}]" if r.notebook else ""
        cells = f" (cells: {', '.join(r.cells[:5])}{'...' if len(r.cells) > 5 else ''})"
        lines.append(f"  {_MARK[r.status]} {r.id}{where}: {r.message}{cells if r.cells else ''}")
    lines += [f"  skip  {s['id']}: {s['reason']}" for s in report.skipped]
    lines += [f"  wait  {i}: runs when the step is checked in full" for i in report.pending]
    counts = {s: sum(r.status == s for r in report.results) for s in _MARK}
    tally = f"{counts['pass']} passed, {counts['fail']} failed, {counts['error']} errors"
    step = f"step {report.step}: " if isinstance(report, StepResult) else ""
    lines.append(f"{tally}; {step}{report.verdict.upper()}")
    return "\n".join(lines)
