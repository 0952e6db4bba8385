"""The one contract runner: a product's outputs built on the warehouse, every rule, JUnit for CI."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from pairlab._files import write_text_atomic
from pairlab.catalog.contract import RuleResult, build_function, check_frame, to_frame
from pairlab.catalog.descriptor import load_product
from pairlab.errors import one_line
from pairlab.warehouse import connect


@dataclass
class ContractRun:
    """Every rule's result for one product, and how long building and checking took."""

    product: str
    results: list[RuleResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[RuleResult]:
        """Return the rules the data broke."""
        return [r for r in self.results if not r.passed]

    @property
    def ok(self) -> bool:
        """Return whether at least one rule ran and every rule held."""
        return bool(self.results) and not self.failed


def run_contracts(root: Path, url: str | None = None) -> ContractRun:
    """Build each output port on the warehouse and check every rule of its contract."""
    product = load_product(root)  # a broken descriptor is bad input, said in one line
    con = connect(url, record=False)  # a contract test run is not use of a product
    run = ContractRun(product.descriptor.id)
    start = time.perf_counter()
    for port in product.descriptor.outputPorts:
        target = port.custom("build")
        if not target:
            run.results.append(RuleResult(port.name, "build", False, "the port names no `build`"))
            continue
        try:
            frame = to_frame(build_function(root, str(target))(con))
        except Exception as exc:  # the product's own code failed: a failed rule, not a crash
            detail = one_line(f"{target} raised {type(exc).__name__}: {exc}")
            run.results.append(RuleResult(port.name, "build", False, detail))
            continue
        contract = product.contract(port)
        if contract is None:
            detail = "the port names no contract"
            run.results.append(RuleResult(port.name, "contract", False, detail))
            continue
        run.results += check_frame(frame, contract, port.name)
    run.seconds = time.perf_counter() - start
    return run


def format_run(run: ContractRun) -> str:
    """Return one line per rule and a closing verdict that names every broken rule."""
    lines = [
        f"{'ok  ' if r.passed else 'FAIL'} {r.port}: {r.rule}"
        + (f" ({r.detail})" if r.detail and not r.passed else "")
        for r in run.results
    ]
    if run.ok:
        lines.append(f"{run.product}: all {len(run.results)} contract rules hold")
    else:
        broken = "; ".join(f"{r.port}: {r.rule}" for r in run.failed) or "no rule ran"
        lines.append(f"{run.product}: {len(run.failed)} of {len(run.results)} rules fail: {broken}")
    return "\n".join(lines)


def json_lines(run: ContractRun) -> str:
    """Return one JSON object per rule, for a program reading the run (the product check)."""
    return "".join(json.dumps(asdict(r)) + "\n" for r in run.results)


def junit_xml(run: ContractRun) -> str:
    """Return the run as JUnit XML: one test case per rule, one failure per broken rule."""
    suite = ET.Element(
        "testsuite",
        name=f"contract {run.product}",
        tests=str(len(run.results)),
        failures=str(len(run.failed)),
        errors="0",
        time=f"{run.seconds:.3f}",
    )
    for result in run.results:
        case = ET.SubElement(
            suite, "testcase", classname=f"{run.product}.{result.port}", name=result.rule
        )
        if not result.passed:
            ET.SubElement(
                case, "failure", message=f"{result.rule}: {result.detail}"
            ).text = result.detail
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def write_junit(run: ContractRun, out: Path) -> Path:
    """Write the JUnit XML to `out` atomically."""
    return write_text_atomic(out, junit_xml(run))
