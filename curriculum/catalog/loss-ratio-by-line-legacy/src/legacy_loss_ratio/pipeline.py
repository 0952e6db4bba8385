"""Build loss_ratio_by_line as the finance spreadsheet did: duplicates included."""

from __future__ import annotations

import ibis.expr.types as ir
from ibis.backends import BaseBackend

from pairlab.warehouse import loss_ratio


def run(con: BaseBackend) -> ir.Table:
    """Return earned, incurred and loss ratio by product line and calendar year."""
    return loss_ratio(con).select("product_line", "year", "earned", "incurred", "loss_ratio")
