"""Stage 5: run the product's own checks on the promoted folder, side by side."""

from __future__ import annotations

from pathlib import Path

from pairlab.checks import CHECK_SETS, CheckRequest, Report, run

PRODUCT_CHECKS = CHECK_SETS["product"]


def run_product_checks(dest: Path) -> Report:
    """Run the checks a product must pass; the slow ones (test, build) run side by side."""
    request = CheckRequest.parse(".", check_set="product")
    return run(request, root=dest, label=str(dest), workers=3)
