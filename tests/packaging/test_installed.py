"""The installed state a user checks: Jupyter lists pairlab's front end and server extension."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def jupyter(*args: str) -> str:
    """Run `jupyter ARGS` from this environment and return its combined output."""
    done = subprocess.run(
        [sys.executable, "-m", "jupyter", *args], capture_output=True, text=True, check=True
    )
    return ANSI.sub("", done.stdout + done.stderr)


@pytest.mark.slow
def test_labextension_enabled_ok():
    version = json.loads((ROOT / "extension" / "package.json").read_text())["version"]
    assert re.search(rf"pairlab v{re.escape(version)} enabled OK", jupyter("labextension", "list"))


@pytest.mark.slow
def test_server_extension_enabled():
    out = jupyter("server", "extension", "list")
    assert re.search(r"pairlab enabled", out)
    assert re.search(r"pairlab \S+ OK", out)


def test_python_and_npm_versions_agree():
    from pairlab import __version__

    package = json.loads((ROOT / "extension" / "package.json").read_text())
    assert package["version"] == __version__
