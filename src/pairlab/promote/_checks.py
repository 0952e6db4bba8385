"""Stage 5: run the product's own checks on the promoted folder, side by side."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pairlab.checks import CHECK_SETS, Report, Selected, registry, run_checks

PRODUCT_CHECKS = CHECK_SETS["product"]


def run_product_checks(dest: Path) -> Report:
    """Run the checks a product must pass; the slow ones (test, build) run in parallel."""
    chosen = [
        Selected(registry.get(i), registry.get(i).validate_args({}), True) for i in PRODUCT_CHECKS
    ]
    with ThreadPoolExecutor(max_workers=3) as pool:
        parts = list(pool.map(lambda s: run_checks(dest, [s], ceiling=dest), chosen))
    report = Report(path=str(dest))
    for part in parts:
        report.results += part.results
        report.skipped += part.skipped
    return report
