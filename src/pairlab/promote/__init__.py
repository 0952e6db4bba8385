"""Promotion: turn a working notebook into a packaged, tested, CI-run data product.

Stages: `analysis` (what each cell becomes), `extraction` (modules and the rewritten
notebook), `characterization` (frozen tests from a real run), `equivalence` (the gate), then
the product's own checks.
"""

from pairlab.promote._checks import PRODUCT_CHECKS, run_product_checks
from pairlab.promote._promote import Outcome, format_outcome, promote
from pairlab.promote.analysis import PromoteError, analyse

__all__ = [
    "PRODUCT_CHECKS",
    "Outcome",
    "PromoteError",
    "analyse",
    "format_outcome",
    "promote",
    "run_product_checks",
]
