"""The advice for a notebook whose kernel is not installed can be followed, and then it passes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.kernel]


def test_choosing_an_installed_kernel_as_advised_makes_the_run_pass(check, tmp_path: Path):
    path = tmp_path / "old_env.ipynb"
    cell = {"cell_type": "code", "execution_count": None, "id": "c1", "metadata": {},
            "outputs": [], "source": "total = 1 + 2\nprint(total)"}  # fmt: skip
    spec = {"name": "python-old-env", "display_name": "Python (old env)", "language": "python"}
    doc = {"cells": [cell], "metadata": {"kernelspec": spec}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(doc))
    result = check(path, "runs-top-to-bottom")
    assert result.status == "error"
    assert "choose an installed one in Jupyter" in result.message
    assert "argument" not in result.message  # `pairlab check` has no kernel option to pass
    # What "Kernel > Change Kernel... > Python 3" and save do to the file:
    doc["metadata"]["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    path.write_text(json.dumps(doc))
    assert check(path, "runs-top-to-bottom").status == "pass"
