"""The one finding type of the catalog: what a descriptor check or the catalog's assembly found.

Light on purpose (no schema libraries): the catalog's index and its kept cache use it without
loading the descriptor's validators.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

LEVELS = ("standard", "policy", "notice")


@dataclass(frozen=True)
class Problem:
    """One finding: in which file, at which field, what the rule says, and at which level.

    `level` is `standard` (breaks ODPS/ODCS, or the file cannot be read), `policy` (one of
    pairlab's named rules, `policy`, with its `severity`) or `notice`.
    """

    file: str
    field: str
    rule: str
    level: str = "standard"
    severity: str = "error"
    policy: str = ""

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.rule}"

    def to_json(self) -> dict[str, str]:
        """Return the finding as JSON-ready data."""
        return asdict(self)
