"""Find the shipped data (curriculum, kits, samples), installed from a wheel or in a checkout."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
# The wheel installs the repository's data folders here (pyproject's force-include), apart from
# the code: `pairlab/curriculum` is the package that builds and runs the curriculum.
DATA_HOME = "_data"


def _data_dir(name: str) -> Path:
    """Return the shipped folder `name`: in the data home when installed, else the repo's."""
    installed = _PACKAGE / DATA_HOME / name
    if installed.is_dir():
        return installed
    # An editable install maps only src/pairlab; the folder then sits at the repository root.
    source_tree = _PACKAGE.parent.parent / name
    if source_tree.is_dir():
        return source_tree
    raise FileNotFoundError(f"pairlab's {name}/ folder is missing; reinstall pairlab")


def curriculum_dir() -> Path:
    """Return the folder holding the core lessons: sources, notebooks, step definitions."""
    return _data_dir("curriculum")


def kits_dir() -> Path:
    """Return the folder holding the copier kits."""
    return _data_dir("kits")


def samples_dir() -> Path:
    """Return the folder holding sample data: the sample catalog of products."""
    return _data_dir("samples")


def mistakes_dir() -> Path | None:
    """Return the mistakes corpus (a source checkout's tests), or None in an installed pairlab."""
    corpus = _PACKAGE.parent.parent / "tests" / "curriculum" / "mistake-corpus"
    return corpus if corpus.is_dir() else None
