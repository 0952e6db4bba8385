"""Server tests run a real Jupyter server in-process through pytest-jupyter."""

import pytest

pytest_plugins = ["pytest_jupyter.jupyter_server"]


@pytest.fixture
def jp_server_config():
    """Load pairlab's server extension the way an installed jupyter-config does."""
    return {"ServerApp": {"jpserver_extensions": {"pairlab": True}}}
