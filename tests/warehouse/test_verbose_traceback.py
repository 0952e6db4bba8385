"""A warehouse password never shows in a notebook, not even with `%xmode Verbose` (issue 14).

Verbose tracebacks print every frame's arguments and the locals of the line that raised; a
real IPython kernel runs connect() to URLs with a password that fail three ways.
"""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.kernel  # runs notebooks in real kernels

PASSWORD = "Hunter2Secret"
URLS = {
    # an unreachable server: fails in the probe, after the driver saw the password
    "PAIRLAB_WAREHOUSE_URL": f"trino://analyst:{PASSWORD}@127.0.0.1:1/hive",
    # a malformed URL: fails while parsing
    "PAIRLAB_TEST_BAD_URL": f"postgres://analyst:{PASSWORD}@[::1:1/db",
    # an unknown scheme: fails before any driver
    "PAIRLAB_TEST_ODD_URL": f"nosuch://analyst:{PASSWORD}@host/db",
}
CELLS = [
    "%xmode Verbose",
    "import os\nfrom pairlab.warehouse import connect",
    "connect()",
    "connect(os.environ['PAIRLAB_TEST_BAD_URL'])",
    "url = os.environ['PAIRLAB_TEST_ODD_URL'].replace('x', 'x')\ncon = connect(url=url)",
]


@pytest.mark.slow
def test_verbose_tracebacks_of_failed_connects_hide_the_password(monkeypatch, tmp_path):
    import nbformat
    from nbclient import NotebookClient

    for name, url in URLS.items():
        monkeypatch.setenv(name, url)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    client = NotebookClient(
        notebook, timeout=120, allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()

    errors = [
        re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(output["traceback"]))
        for cell in notebook.cells[2:]
        for output in cell.outputs
        if output["output_type"] == "error"
    ]
    assert len(errors) == 3, errors
    for text in errors:
        assert "BadInput" in text
        assert "source = " in text  # verbose mode printed pairlab's locals
        assert "analyst:***@" in text
    # The last cell's own global holds the URL as the learner built it; pairlab's frames do not.
    last = errors[-1].split("connection.py", 1)[1]
    assert PASSWORD not in last
    everything = json.dumps([c.outputs for c in notebook.cells[:4]])
    assert PASSWORD not in everything
