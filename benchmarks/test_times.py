"""Sum a test run's time per test folder from pytest's JUnit XML (what `make test` leaves).

Run: .venv/bin/python benchmarks/test_times.py test-output/python.xml [test-output/browser.xml]

Prints one Markdown row per folder of tests/: tests, failures, and the seconds its tests took
(fixtures included, as pytest counts them), then the total. Shared session fixtures count
once, in the first test that asks for them.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path
from xml.etree import ElementTree as ET


def per_folder(report: Path) -> dict[str, list[float]]:
    """Return folder -> [tests, failures, seconds] for one JUnit file."""
    found: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    for case in ET.parse(report).getroot().iter("testcase"):  # noqa: S314 - our own file
        parts = case.get("classname", "").split(".")
        folder = parts[1] if len(parts) > 2 and parts[0] == "tests" else parts[0]
        row = found[folder]
        row[0] += 1
        row[1] += any(c.tag in ("failure", "error") for c in case)
        row[2] += float(case.get("time", "0"))
    return found


def main() -> None:
    """Print the table for the files named on the command line."""
    print("| run | folder | tests | failed | minutes |\n|---|---|---|---|---|")
    total = 0.0
    for name in sys.argv[1:]:
        for folder, (tests, failed, seconds) in sorted(per_folder(Path(name)).items()):
            total += seconds
            run, minutes = Path(name).stem, seconds / 60
            print(f"| {run} | {folder} | {tests:.0f} | {failed:.0f} | {minutes:.1f} |")
    print(f"| all | | | | {total / 60:.1f} |")


if __name__ == "__main__":
    main()
