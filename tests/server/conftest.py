"""Server tests: a real Jupyter server in-process through pytest-jupyter (see tests/conftest.py)."""

import pytest


@pytest.fixture
def jp_server_config():
    """Load pairlab's server extension the way an installed jupyter-config does."""
    return {"ServerApp": {"jpserver_extensions": {"pairlab": True}}}
