"""Test what ships: the wheel holds the front end, the server config, the curriculum and kits."""

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = "pairlab-{version}.data/data/"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    """Build the wheel once, the way a release does."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("pairlab-*.whl")
    return zipfile.ZipFile(path)


def _data(wheel: zipfile.ZipFile) -> str:
    version = Path(wheel.filename).name.split("-")[1]
    return DATA.format(version=version)


@pytest.mark.slow
def test_wheel_holds_the_labextension(wheel):
    names = wheel.namelist()
    ext = _data(wheel) + "share/jupyter/labextensions/pairlab/"
    assert ext + "package.json" in names
    static = [n for n in names if n.startswith(ext + "static/")]
    assert any(
        re.fullmatch(re.escape(ext) + r"static/remoteEntry\.[0-9a-f]+\.js", n) for n in static
    )
    assert ext + "static/style.js" in names


@pytest.mark.slow
def test_wheel_enables_the_server_extension(wheel):
    config = _data(wheel) + "etc/jupyter/jupyter_server_config.d/pairlab.json"
    assert '"pairlab": true' in wheel.read(config).decode()


@pytest.mark.slow
def test_wheel_ships_curriculum_and_kits(wheel):
    names = set(wheel.namelist())
    data = "pairlab/_data"  # apart from the code: pairlab/curriculum is the package
    assert f"{data}/curriculum/00-welcome.ipynb" in names
    assert f"{data}/curriculum/steps/00-welcome.toml" in names
    assert f"{data}/curriculum/pack.toml" in names
    assert f"{data}/curriculum/workspace/claimsfreq.py" in names
    assert f"{data}/kits/README.md" in names
    for kit in ("data-product", "pairing-session", "ambassador"):
        assert any(n.startswith(f"{data}/kits/{kit}/") for n in names), kit
    assert f"{data}/curriculum/04-functions.ipynb" in names
    assert f"{data}/curriculum/solutions/04-functions.ipynb" in names
    assert f"{data}/samples/catalog/claims-frequency-by-region/dataproduct.yaml" in names
    assert "pairlab/curriculum/__init__.py" in names
    assert not [n for n in names if "mistake-corpus" in n]


@pytest.mark.slow
def test_wheel_ships_no_sources_of_the_front_end(wheel):
    names = wheel.namelist()
    assert not [n for n in names if "node_modules" in n or n.endswith(".ts")]


@pytest.mark.slow
def test_wheel_ships_the_openapi_document(wheel):
    document = wheel.read("pairlab/server/openapi.yaml").decode()
    assert document.startswith("openapi: 3.")
