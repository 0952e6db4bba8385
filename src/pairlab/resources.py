"""Find the curriculum and kits, whether pairlab runs from a wheel or a source checkout."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    """Return the shipped folder `name`: inside the package when installed, else the repo root."""
    installed = _PACKAGE / name
    if installed.is_dir():
        return installed
    # An editable install maps only src/pairlab; the folder then sits at the repository root.
    source_tree = _PACKAGE.parent.parent / name
    if source_tree.is_dir():
        return source_tree
    raise FileNotFoundError(f"pairlab's {name}/ folder is missing; reinstall pairlab")


def curriculum_dir() -> Path:
    """Return the folder holding the curriculum notebooks and step definitions."""
    return _data_dir("curriculum")


def kits_dir() -> Path:
    """Return the folder holding the copier kits."""
    return _data_dir("kits")
