"""`pairlab catalog lint`: check ODPS descriptors and ODCS contracts, standard and policy apart.

A standard finding (the document breaks ODPS v1.0.0 or ODCS v3, or cannot be read) is an
error. Policy findings (pairlab's named expectations, `pairlab.catalog.policy`) are shown only
when asked (`--policy`), each with its severity: an error where the curriculum teaches the
rule, else a warning. Notices (an ODPS v0.9.x document) never fail a lint.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pairlab.catalog.descriptor import (
    DESCRIPTOR_FILE,
    lint_product,
    read_yaml,
    validate_contract,
)
from pairlab.catalog.index import find_products
from pairlab.catalog.problem import Problem
from pairlab.errors import BadInput


@dataclass
class LintReport:
    """What was checked and every finding, each naming its file."""

    documents: int = 0
    findings: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Return the findings that fail the lint."""
        return [f for f in self.findings if f.severity == "error"]


def _relabel(folder: Path, problems: list[Problem]) -> list[Problem]:
    """Return the problems with each file named by its path from the lint's target."""
    return [
        Problem(f"{folder.as_posix()}/{p.file}", p.field, p.rule, p.level, p.severity, p.policy)
        for p in problems
    ]


def _lint_file(path: Path) -> tuple[int, list[Problem]]:
    """Lint one ODPS or ODCS document, told apart by its `kind`."""
    data, problems = read_yaml(path, path.as_posix())
    if problems:
        return 1, problems
    kind = data.get("kind")
    if kind == "DataProduct":
        product, found = lint_product(path.parent, descriptor_file=path.name)
        contracts = len(product.contracts) if product else 0
        return 1 + contracts, _relabel(path.parent, found)
    if kind == "DataContract":
        return 1, validate_contract(data, path.as_posix(), None, schema=True)[1]
    raise BadInput(
        f"{path} is neither an ODPS data product nor an ODCS contract (kind: {kind!r})",
        "pass a file with kind: DataProduct or kind: DataContract, or a folder of products",
    )


def lint(path: Path, *, policy: bool = False) -> LintReport:
    """Lint a product folder, a catalog of them, or one ODPS or ODCS file."""
    if not path.exists():
        raise BadInput(f"{path} does not exist", "pass a product folder, a catalog or a file")
    report = LintReport()
    if path.is_file():
        report.documents, found = _lint_file(path)
    else:
        folders = find_products(path)
        if not folders:
            raise BadInput(f"no {DESCRIPTOR_FILE} under {path}", "pass a product folder or a file")
        found = []
        for folder in folders:
            product, problems = lint_product(folder, schema=True)
            report.documents += 1 + (len(product.contracts) if product else 0)
            found += _relabel(folder, problems)
    report.findings = [f for f in found if policy or f.level != "policy"]
    return report


def _line(finding: Problem) -> str:
    """Return one finding as a line: its level, severity, rule name and where."""
    if finding.level == "policy":
        return f"policy {finding.severity} [{finding.policy}]: {finding}"
    if finding.level == "notice":
        return f"notice: {finding}"
    return f"error: {finding}"


def format_report(report: LintReport, as_json: bool) -> str:
    """Return one line per finding and a count; or JSON."""
    if as_json:
        doc = {
            "documents": report.documents,
            "errors": len(report.errors),
            "findings": [asdict(f) for f in report.findings],
        }
        return json.dumps(doc, indent=2)
    counts = {s: sum(f.severity == s for f in report.findings) for s in ("error", "warning")}
    notices = sum(f.level == "notice" for f in report.findings)
    summary = (
        f"checked {report.documents} document(s): {counts['error']} error(s), "
        f"{counts['warning']} warning(s), {notices} notice(s)"
    )
    return "\n".join([*map(_line, report.findings), summary])
