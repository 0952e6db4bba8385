"""pairlab: pairing sessions that take an engineer and an analyst to a CI-tested data product."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pairlab")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__", "checkpoint", "explore"]
# The notebook helpers, imported on first use: widgets must not slow down `import pairlab`.
_HOMES = {"checkpoint": "pairlab.checks", "explore": "pairlab.explorer"}


def __getattr__(name: str) -> object:
    """Import a notebook helper (`checkpoint`, `explore`) on first use."""
    if name not in _HOMES:
        raise AttributeError(f"module 'pairlab' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Tell JupyterLab where the prebuilt front end lives."""
    return [{"src": "labextension", "dest": "pairlab"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Tell Jupyter Server which module holds the server extension."""
    return [{"module": "pairlab.server"}]
