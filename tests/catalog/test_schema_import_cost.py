"""Validating against the JSON Schemas never builds rfc3987_syntax's grammars (~3 s a process)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import importlib.util, sys
from pairlab.catalog.descriptor import validate_contract
contract, problems = validate_contract({"apiVersion": "v3.0.2"}, "c.odcs.yaml")
assert problems and contract is None, problems  # the ODCS JSON Schema did run
print("loaded" if "rfc3987_syntax" in sys.modules else "skipped")
if importlib.util.find_spec("rfc3987_syntax") is not None:
    import rfc3987_syntax  # a direct import still works afterwards
    print("importable")
"""


def test_schema_validation_skips_the_iri_grammar_import() -> None:
    """A fresh process validates a contract without importing rfc3987_syntax."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "skipped"
