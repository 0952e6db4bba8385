"""`pairlab lab` end to end: it prints a working URL with a token and serves the guide's route."""

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pairlab.lab import free_port


def _read_url(proc: subprocess.Popen[str], deadline: float) -> str:
    """Return the URL `pairlab lab` prints, reading its output line by line."""
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if match := re.search(r"pairlab: open (http://\S+)", line):
            return match.group(1)
    raise AssertionError("pairlab lab printed no URL")


def _get(url: str, deadline: float) -> tuple[int, bytes]:
    """GET `url`, retrying until the server is up."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


@pytest.mark.slow
def test_pairlab_lab_serves_the_curriculum(tmp_path: Path):
    port = free_port()
    env = {**os.environ, "JUPYTER_PLATFORM_DIRS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pairlab", "lab", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        url = _read_url(proc, deadline)
        base, token = url.split("/lab?token=")
        assert base == f"http://127.0.0.1:{port}"
        code, body = _get(f"{base}/pairlab/lessons?token={token}", deadline)
        assert code == 200
        assert json.loads(body)["lessons"][0]["id"] == "welcome"
        assert _get(f"{base}/pairlab/lessons", deadline)[0] == 403
        assert (tmp_path / "pairlab-workspace" / "00-welcome.ipynb").is_file()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stdout.close()
