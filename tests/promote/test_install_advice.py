"""Install advice names the distribution pip installs, not the import name."""

from __future__ import annotations

import importlib.util
from importlib.metadata import packages_distributions

import pytest

from pairlab._imports import KNOWN, distribution, install_hint


@pytest.mark.parametrize(
    ("module", "hint"),
    [
        ("sklearn", "pip install scikit-learn"),  # `pip install sklearn` is a stub that fails
        ("cv2", "pip install opencv-python"),
        ("yaml", "pip install PyYAML"),
        ("bs4", "pip install beautifulsoup4"),
        ("sklearn.linear_model", "pip install scikit-learn"),
        ("pandas", "pip install pandas"),  # installed: its own metadata answers
    ],
)
def test_the_hint_names_the_distribution(module: str, hint: str):
    assert install_hint(module) == hint


def test_the_standard_library_needs_no_install():
    assert distribution("os.path") == ""


def test_the_kept_table_agrees_with_what_is_installed_here():
    installed = packages_distributions()
    checked = 0
    for module, dist in KNOWN.items():
        top = module.split(".")[0]
        if "." in module or importlib.util.find_spec(top) is None or top not in installed:
            continue
        assert dist.lower() in {d.lower() for d in installed[top]}, (module, installed[top])
        checked += 1
    assert checked >= 2  # PyYAML and pillow come with pairlab's own dependencies
