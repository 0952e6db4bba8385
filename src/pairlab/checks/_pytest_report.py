"""A pytest plugin (`-p pairlab.checks._pytest_report`): each test's outcome as JSON for tests-pass.

It imports nothing itself; loading it costs a project's test run pairlab.checks' import (about
0.1 s, no third-party package).
"""

from __future__ import annotations

import json
import os
from typing import Any

ENV = "PAIRLAB_PYTEST_REPORT"
_records: dict[str, dict[str, str]] = {}


def _message(report: Any) -> str:
    """Return the one-line reason a test failed (pytest's 'crash' line)."""
    lookup = getattr(getattr(report, "longrepr", None), "errorstring", None)
    if lookup:  # a fixture nobody provides: its name, not the file and line asking for it
        return str(lookup).strip().splitlines()[0][:300]
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    message = getattr(crash, "message", None)
    if message:
        return str(message).strip().splitlines()[0][:300]  # e.g. "assert 5 == 4"
    text = str(getattr(report, "longrepr", "") or "").strip()
    return text.splitlines()[-1][:300] if text else ""  # a collection error ends with its cause


def pytest_runtest_logreport(report: Any) -> None:
    """Keep one outcome per test: an error in setup or teardown outranks the call."""
    if report.when == "call":
        outcome = report.outcome
    elif report.failed:
        outcome = "error"
    elif report.skipped:
        outcome = "skipped"
    else:
        return
    if _records.get(report.nodeid, {}).get("outcome") == "error":
        return
    _records[report.nodeid] = {
        "test": report.nodeid,
        "outcome": outcome,
        "message": _message(report),
    }


def pytest_collectreport(report: Any) -> None:
    """Record files that fail to import: a learner's typo there hides every test in them."""
    if report.failed:
        _records[report.nodeid] = {
            "test": report.nodeid,
            "outcome": "error",
            "message": _message(report),
        }


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    """Write the outcomes where tests-pass asked for them."""
    path = os.environ.get(ENV)
    if path:
        with open(path, "w", encoding="utf-8") as stream:
            json.dump(list(_records.values()), stream)
