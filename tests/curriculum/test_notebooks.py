"""Every curriculum notebook is valid nbformat 4 and ships without outputs or stale counts."""

import nbformat
import pytest

from pairlab.resources import curriculum_dir

NOTEBOOKS = sorted(curriculum_dir().rglob("*.ipynb"))


def test_the_curriculum_has_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_valid_and_clean(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code), (
        "clear outputs before committing a lesson"
    )
    assert nb.metadata.kernelspec.name == "python3"
