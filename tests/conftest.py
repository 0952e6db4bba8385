"""Fixtures shared by every tier: a real JupyterLab server on a free 127.0.0.1 port."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pairlab.lab import free_port, seed_workspace

ROOT = Path(__file__).resolve().parent.parent
# pytest-jupyter's in-process server fixtures (jp_fetch, ...); pytest allows plugins only here.
pytest_plugins = ["pytest_jupyter.jupyter_server"]

COLLABORATION_EXTENSIONS = ("@jupyter/docprovider-extension", "@jupyter/collaboration-extension")
NEWS_SETTINGS = {"fetchNews": "false", "checkForUpdates": False}
QUIET_GUIDE = {"welcomeOnFirstStart": False}


@dataclass
class LiveLab:
    """A running JupyterLab: where it listens, its token, its root and its log."""

    port: int
    token: str
    base_url: str
    root: Path
    log: Path

    @property
    def origin(self) -> str:
        """Return scheme, host and port."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "", token: bool = True) -> str:
        """Return the URL of `path` under the base URL, with the token when asked."""
        url = f"{self.origin}{self.base_url}{path}"
        return f"{url}{'&' if '?' in url else '?'}token={self.token}" if token else url


def _settings_dir(dest: Path) -> Path:
    """Write user settings that keep the news and update prompts out of the tests."""
    folder = dest / "@jupyterlab" / "apputils-extension"
    folder.mkdir(parents=True)
    (folder / "notification.jupyterlab-settings").write_text(json.dumps(NEWS_SETTINGS))
    # Each test opens its own named workspace, each a first start: keep the welcome (lesson 0
    # and the session form) to the tests of the first start, which delete this file.
    (dest / "pairlab").mkdir()
    (dest / "pairlab" / "guide.jupyterlab-settings").write_text(json.dumps(QUIET_GUIDE))
    return dest


def _classic_config(dest: Path) -> Path:
    """Write a page config that turns jupyter-collaboration's front end off."""
    off = {name: True for name in COLLABORATION_EXTENSIONS}
    (dest / "labconfig").mkdir(parents=True, exist_ok=True)
    (dest / "labconfig" / "page_config.json").write_text(json.dumps({"disabledExtensions": off}))
    return dest


def _wait_until_up(lab: LiveLab, proc: subprocess.Popen[bytes], deadline: float) -> None:
    """Poll the status API until the server answers or the deadline passes."""
    status = lab.url("api/status")
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited early:\n{lab.log.read_text()}")
        try:
            with urllib.request.urlopen(status, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    raise RuntimeError(f"JupyterLab did not answer in time:\n{lab.log.read_text()}")


def start_lab(
    lab: LiveLab, settings: Path, workspaces: Path, rtc: bool = False
) -> subprocess.Popen[bytes]:
    """Start JupyterLab for `lab` (live collaboration off unless asked) once it answers."""
    argv = [
        sys.executable, "-m", "jupyterlab",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={lab.port}", "--ServerApp.port_retries=0",
        f"--ServerApp.base_url={lab.base_url}", f"--ServerApp.root_dir={lab.root}",
        f"--IdentityProvider.token={lab.token}", "--ServerApp.open_browser=False",
        f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={workspaces}",
        "--allow-root", f"--YDocExtension.disable_rtc={not rtc}",
    ]  # fmt: skip
    env = {**os.environ, "JUPYTER_PLATFORM_DIRS": "1"}
    if not rtc:  # the front end must not share documents either, or saves race the server
        env["JUPYTER_CONFIG_PATH"] = str(_classic_config(workspaces.parent / "classic-config"))
    with lab.log.open("ab") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=lab.root, env=env)
    try:
        _wait_until_up(lab, proc, time.monotonic() + 90)
    except BaseException:
        stop_lab(proc)
        raise
    return proc


def stop_lab(proc: subprocess.Popen[bytes]) -> None:
    """Stop JupyterLab the way Ctrl-C does, and wait for it."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def running_lab(
    base: Path, base_url: str = "/", rtc: bool = False
) -> Iterator[tuple[LiveLab, Callable[[], None]]]:
    """Run a lab on a seeded workspace; the second value restarts it on the same root."""
    root = base / "workspace"
    seed_workspace(root)
    lab = LiveLab(free_port(), secrets.token_hex(16), base_url, root, base / "server.log")
    settings, workspaces = _settings_dir(base / "settings"), base / "workspaces"
    procs = [start_lab(lab, settings, workspaces, rtc)]

    def restart() -> None:
        stop_lab(procs[-1])
        procs.append(start_lab(lab, settings, workspaces, rtc))

    try:
        yield lab, restart
    finally:
        stop_lab(procs[-1])


@pytest.fixture(scope="session", params=["/", "/user/demo/"], ids=["root", "hub-prefix"])
def live_lab(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveLab]:
    """A real JupyterLab with pairlab, shared by a session of tests, at / and under a prefix."""
    with running_lab(tmp_path_factory.mktemp("lab"), request.param) as (lab, _):
        yield lab


@pytest.fixture
def own_lab(tmp_path: Path) -> Iterator[tuple[LiveLab, Callable[[], None]]]:
    """A lab of the test's own (fresh state), with a function that restarts it."""
    with running_lab(tmp_path) as pair:
        yield pair


@pytest.fixture
def shared_lab(tmp_path: Path) -> Iterator[LiveLab]:
    """A lab of the test's own with jupyter-collaboration's live sharing on."""
    with running_lab(tmp_path, rtc=True) as (lab, _):
        yield lab


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Launch Debian's Chromium once for the whole browser run (tests/ui and tests/hub share it).

    Playwright's sync API runs one event loop per thread: a second launcher in the same run
    would fail, so this is the only one.
    """
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: run `make chromium` (or .ci/run)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep every kept catalog index the tests write (labs, CLI runs) out of the user's cache."""
    folder = tmp_path_factory.mktemp("pairlab-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PAIRLAB_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="session")
def warehouse_generations(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Return two scale-0.01 warehouses with the same rows in other bytes, and one of seed 7."""
    from pairlab.warehouse import generate

    root = tmp_path_factory.mktemp("generations")
    return {
        "first": generate(root / "first.duckdb", 0.01, 42).path,
        "again": generate(root / "again.duckdb", 0.01, 42).path,
        "other": generate(root / "other.duckdb", 0.01, 7).path,
    }


@pytest.fixture(scope="session")
def private_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point pairlab at a fresh scale-0.01 warehouse and a private kit repository."""
    from pairlab.warehouse import generate

    root = tmp_path_factory.mktemp("pairlab-env")
    warehouse = generate(root / "warehouse.duckdb", 0.01, 42).path
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PAIRLAB_WAREHOUSE_PATH", str(warehouse))
        patch.setenv("PAIRLAB_KITS_HOME", str(root / "kits"))
        yield root


def run_welcome(folder: Path, own_names: bool) -> Path:
    """Write lesson 0 into `folder` as a pair leaves it, run top to bottom in a real kernel.

    With `own_names` the pair replaced the shipped example names with theirs (the `meet` step
    passes); without, they ran it with the examples kept (a real learner's mistake).
    """
    import nbformat
    from nbclient import NotebookClient

    from pairlab.resources import curriculum_dir

    folder.mkdir(parents=True, exist_ok=True)
    notebook = nbformat.read(curriculum_dir() / "00-welcome.ipynb", as_version=4)
    for cell in notebook.cells:
        if own_names:
            cell.source = cell.source.replace("Ana (analyst)", "Maria (analyst)")
            cell.source = cell.source.replace("Eli (engineer)", "Jon (engineer)")
    NotebookClient(notebook, timeout=120, resources={"metadata": {"path": str(folder)}}).execute()
    path = folder / "00-welcome.ipynb"
    nbformat.write(notebook, path)
    return path


@pytest.fixture(scope="session")
def welcome_done(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return lesson 0 with `meet` and `run-in-order` done, shared by every test that reads it."""
    return run_welcome(tmp_path_factory.mktemp("welcome-done"), own_names=True)


@pytest.fixture
def welcome_run() -> Callable[[Path, bool], Path]:
    """Return `run_welcome(folder, own_names)`, for tests that need lesson 0 in their own root."""
    return run_welcome


@pytest.fixture
def welcome_root(jp_root_dir: Path, welcome_done: Path) -> Path:
    """Serve the seeded workspace (lesson 0 never run) and, in done/, lesson 0 finished."""
    import shutil

    seed_workspace(jp_root_dir)
    (jp_root_dir / "done").mkdir()
    shutil.copy(welcome_done, jp_root_dir / "done" / "00-welcome.ipynb")
    return jp_root_dir
