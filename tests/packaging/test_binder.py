"""A Binder launch, checked the way we can here: a fresh venv from binder/ files alone."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pairlab import __version__

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _clean_checkout(dest: Path) -> Path:
    """Copy the files git tracks (or would track), as a fresh clone has them."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.split("\0")  # fmt: skip
    for name in filter(None, listed):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            (dest / name).write_bytes(src.read_bytes())
    (dest / "binder" / "postBuild").chmod(0o755)
    return dest


@pytest.mark.slow
def test_binder_files_give_a_lab_with_pairlab(tmp_path):
    repo = _clean_checkout(tmp_path / "repo")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {**os.environ, "PATH": f"{venv / 'bin'}:{os.environ['PATH']}", "HOME": str(tmp_path)}
    # The machine's pip cache: a fresh home would download every wheel again (minutes).
    env["PIP_CACHE_DIR"] = subprocess.run(
        [sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True, check=True
    ).stdout.strip()
    # ... and yarn's (postBuild's build runs `jlpm install`): yarn finds its cache mirror under
    # the home, and a fresh one fetched every package from the registry again (minutes).
    jlpm = Path(sys.executable).parent / "jlpm"
    env["YARN_GLOBAL_FOLDER"] = subprocess.run(
        [jlpm, "config", "get", "globalFolder"],
        cwd=ROOT / "extension", capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "-r", "binder/requirements.txt"], cwd=repo, env=env, check=True)
    subprocess.run(["binder/postBuild"], cwd=repo, env=env, check=True)

    listed = subprocess.run(
        [str(venv / "bin" / "jupyter"), "labextension", "list"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert f"pairlab v{__version__} enabled OK" in ANSI.sub("", listed.stdout + listed.stderr)
    config = venv / "etc" / "jupyter" / "jupyter_server_config.d" / "pairlab-binder.json"
    assert "/lab/tree/pairlab-workspace/00-welcome.ipynb" in config.read_text()
    assert (repo / "pairlab-workspace" / "00-welcome.ipynb").is_file()
    assert (repo / "pairlab-workspace" / "claimsfreq.py").is_file()  # beside the lessons
