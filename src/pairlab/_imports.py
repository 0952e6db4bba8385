"""Which distribution provides an import name, for install advice a user can follow."""

from __future__ import annotations

import functools
import sys
from collections.abc import Mapping
from importlib.metadata import packages_distributions

# Import names whose distribution is named otherwise, kept for when it is not installed here
# (installed metadata answers too). `pip install sklearn` is a stub that refuses to install;
# the distribution is scikit-learn.
KNOWN = {
    "sklearn": "scikit-learn",
    "cv2": "opencv-python",
    "yaml": "PyYAML",
    "PIL": "pillow",
    "bs4": "beautifulsoup4",
    "skimage": "scikit-image",
    "dateutil": "python-dateutil",
    "dotenv": "python-dotenv",
    "jwt": "PyJWT",
    "google.cloud.bigquery": "google-cloud-bigquery",
    "snowflake.connector": "snowflake-connector-python",
    "psycopg2": "psycopg2-binary",
    "attr": "attrs",
    "Crypto": "pycryptodome",
    "docx": "python-docx",
    "pptx": "python-pptx",
    "magic": "python-magic",
    "serial": "pyserial",
    "usb": "pyusb",
    "OpenSSL": "pyOpenSSL",
    "fitz": "PyMuPDF",
    "Levenshtein": "python-Levenshtein",
}


@functools.cache
def _installed() -> Mapping[str, list[str]]:
    """Return import name -> distributions of what is installed (read once: about 2 s)."""
    return packages_distributions()


def distribution(module: str) -> str | None:
    """Return the distribution to install for import name `module` ('' for the stdlib)."""
    top = module.split(".")[0]
    if top in sys.stdlib_module_names:
        return ""
    found = _installed().get(top, [])
    if module in KNOWN or (top in KNOWN and len(found) != 1):
        return KNOWN.get(module, KNOWN.get(top))  # a namespace (google) has many: be exact
    return found[0] if found else None


def install_hint(module: str) -> str:
    """Return the pip command that installs import name `module`, named by its distribution."""
    dist = distribution(module) or module.split(".")[0]
    return f"pip install {dist}"
