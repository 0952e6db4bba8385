"""A kernel that dies as it starts (a port drawn twice on a busy machine) is started again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from pairlab import _process

pytestmark = pytest.mark.kernel

# Dies the first time it is started, then behaves as the python3 kernel does.
FLAKY_KERNEL = """\
import os, sys
marker = sys.argv[1]
if not os.path.exists(marker):
    open(marker, "w").close()
    sys.exit(1)
from ipykernel import kernelapp
kernelapp.launch_new_instance(argv=sys.argv[2:])
"""


def _kernel(tmp_path: Path, name: str, script: str) -> dict[str, str]:
    """Install a kernelspec `name` running `script`; return the env that finds it."""
    spec = tmp_path / "share" / "jupyter" / "kernels" / name
    spec.mkdir(parents=True)
    launcher = tmp_path / f"{name}.py"
    launcher.write_text(script, encoding="utf-8")
    marker = tmp_path / f"{name}.started"
    argv = [sys.executable, str(launcher), str(marker), "-f", "{connection_file}"]
    spec.joinpath("kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": name, "language": "python"}), encoding="utf-8"
    )
    return {"JUPYTER_PATH": str(tmp_path / "share" / "jupyter")}


def _notebook(tmp_path: Path) -> Path:
    """Write a one-cell notebook that leaves a file behind when it ran."""
    path = tmp_path / "nb.ipynb"
    cell = nbformat.v4.new_code_cell("open('ran.txt', 'w').write('yes')")
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    return path


def _argv(tmp_path: Path, kernel: str) -> list[str]:
    src = _notebook(tmp_path)
    return [*_process.python_module("papermill"), str(src), str(tmp_path / "out.ipynb"),
            "--cwd", str(tmp_path), "-k", kernel, "--start-timeout", "30"]  # fmt: skip


def test_a_kernel_that_died_at_start_is_started_once_more(tmp_path: Path) -> None:
    env = _kernel(tmp_path, "flaky", FLAKY_KERNEL)
    done = _process.run_kernel(_argv(tmp_path, "flaky"), timeout=120, env=env)
    assert done.ok, done.tail()
    assert (tmp_path / "ran.txt").read_text() == "yes"


def test_a_kernel_that_always_dies_is_reported_after_the_second_try(tmp_path: Path) -> None:
    env = _kernel(tmp_path, "dead", "import sys\nsys.exit(1)\n")
    done = _process.run_kernel(_argv(tmp_path, "dead"), timeout=120, env=env)
    assert not done.ok
    assert _process.KERNEL_START_FAILED in done.stderr
    assert not (tmp_path / "ran.txt").exists()


def _in_a_process(code: str, env: dict[str, str] | None = None) -> str:
    """Run pool code in a fresh interpreter (its kernels and threads end with it); its stdout."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=180, env={**os.environ, **(env or {})})  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


POOL_RETRY = """
from pairlab.checks._kernels import Pool, shutdown
pool = Pool(1)
kernel = pool.take("flaky", {})
print(kernel.km.is_alive())
shutdown(kernel)
pool.close()
"""

POOL_CLOSE = """
import time
from pairlab.checks._kernels import Pool, shutdown
pool = Pool(1)
kernel = pool.take("python3", {})  # and starts its replacement in the background
(refill,) = pool._idle["python3"]
deadline = time.monotonic() + 60
while not (refill.running() or refill.done()) and time.monotonic() < deadline:
    time.sleep(0.05)  # until the start is under way: a queued one is only cancelled
pool.close()
print(refill.done(), refill.cancelled(), refill.result().km.is_alive())
shutdown(kernel)
"""


def test_a_pool_kernel_that_died_at_start_is_started_once_more(tmp_path: Path) -> None:
    env = _kernel(tmp_path, "flaky", FLAKY_KERNEL)
    assert _in_a_process(POOL_RETRY, env) == "True"
    assert (tmp_path / "flaky.started").exists()  # the first start did die


def test_closing_a_pool_stops_the_kernel_it_is_still_starting() -> None:
    # Done, not cancelled, and stopped: not left to the garbage collector with its zmq context.
    assert _in_a_process(POOL_CLOSE) == "True False False"
