"""A real JupyterHub (configurable-http-proxy, DummyAuthenticator, local spawner) on loopback.

The hub runs deploy/jupyterhub/jupyterhub_config.py as shipped, rooted in a temp folder, on
free ports; one hub serves a whole test module.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pairlab.lab import free_port

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
LOCAL_CHP = ROOT / ".hub-node" / "node_modules" / ".bin" / "configurable-http-proxy"
USERS = ("ana", "eli", "fran")
NEWS_SETTINGS = {"fetchNews": "false", "checkForUpdates": False}
# Every test opens a first start: the guide's welcome (lesson 0, the session form) stays off.
QUIET_GUIDE = {"welcomeOnFirstStart": False}


@dataclass
class Hub:
    """A running hub: its public URL, state folder, shared password and process."""

    port: int
    state: Path
    password: str
    proc: subprocess.Popen[bytes]
    log: Path

    def url(self, path: str = "") -> str:
        """Return the public URL of `path` (e.g. "hub/login")."""
        return f"http://127.0.0.1:{self.port}/{path}"

    def home(self, user: str) -> Path:
        """Return a user's home folder."""
        return self.state / "home" / user

    def servers(self) -> dict[str, tuple[int, dict[str, str]]]:
        """Return each running user server's pid and environment, by user name."""
        found = {}
        for pid in _children(self.proc.pid):
            try:
                raw = Path(f"/proc/{pid}/environ").read_bytes()
            except OSError:  # it exited meanwhile
                continue
            env = dict(v.split("=", 1) for v in raw.decode().split("\0") if "=" in v)
            if "JUPYTERHUB_USER" in env and "JUPYTERHUB_SERVICE_NAME" not in env:
                found[env["JUPYTERHUB_USER"]] = (pid, env)
        return found

    def service_pid(self) -> int:
        """Return the pid of the running cohort service (a child of the hub process)."""
        for _ in range(240):
            for pid in _children(self.proc.pid):
                try:
                    argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                except OSError:  # it exited meanwhile
                    continue
                if b"cohort" in argv and b"serve" in argv:
                    return pid
            time.sleep(0.25)
        raise AssertionError(f"no cohort service under the hub:\n{self.log.read_text()[-3000:]}")


def _children(pid: int) -> list[int]:
    """Return the direct children of a process (Linux /proc)."""
    found: list[int] = []
    with contextlib.suppress(OSError):  # the process or a thread ended meanwhile
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


def _chp() -> Path:
    """Return configurable-http-proxy as `make hub-deps` installs it, or fail saying so."""
    if LOCAL_CHP.exists():
        return LOCAL_CHP
    found = shutil.which("configurable-http-proxy")
    if found is None:
        pytest.fail("configurable-http-proxy is missing: run `make hub-deps` (npm, project-local)")
    return Path(found)


def _quiet_lab(home: Path) -> None:
    """Keep JupyterLab's news and update prompts out of a user's lab."""
    folder = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notification.jupyterlab-settings").write_text(json.dumps(NEWS_SETTINGS))
    guide = home / ".jupyter" / "lab" / "user-settings" / "pairlab"
    guide.mkdir(parents=True, exist_ok=True)
    (guide / "guide.jupyterlab-settings").write_text(json.dumps(QUIET_GUIDE))


def _wait_for_hub(hub: Hub, deadline: float) -> None:
    """Poll the hub's API through the proxy until it answers."""
    while time.monotonic() < deadline:
        if hub.proc.poll() is not None:
            raise RuntimeError(f"the hub exited early:\n{hub.log.read_text()[-5000:]}")
        try:
            with urllib.request.urlopen(hub.url("hub/api/"), timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    raise RuntimeError(f"the hub did not answer in time:\n{hub.log.read_text()[-5000:]}")


def _stop_servers(hub: Hub) -> None:
    """Stop the users' servers first: on the hub's SIGINT a lab takes ~30 s to stop."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid, _ in hub.servers().values():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + 15
        while hub.servers() and time.monotonic() < deadline:
            time.sleep(0.2)


def _cmdline(pid: int) -> bytes:
    """Return a process's command line, or b"" once it is gone."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the hub as Ctrl-C does (it stops its service and proxy); kill what it left."""
    started = {pid: _cmdline(pid) for pid in _children(proc.pid)}
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=45)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    for pid, argv in started.items():  # the service and the proxy, if still the same process
        if argv and _cmdline(pid) == argv:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """Start the example hub from deploy/ on free loopback ports; stop it after the module."""
    base = tmp_path_factory.mktemp("hub")
    state = base / "hub-state"
    for user in USERS:
        _quiet_lab(state / "home" / user)
    chp = _chp()
    env = {
        **os.environ,
        "PATH": f"{chp.parent}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}"
        + os.environ.get("PATH", ""),
        "PAIRLAB_HUB_ROOT": str(state),
        "PAIRLAB_HUB_PASSWORD": secrets.token_urlsafe(12),
        "PAIRLAB_HUB_PORT": str(free_port()),
        "PAIRLAB_HUB_API_PORT": str(free_port()),
        "PAIRLAB_PROXY_API_PORT": str(free_port()),
        "PAIRLAB_COHORT_PORT": str(free_port()),
    }
    env.pop("PAIRLAB_COHORT_DB", None)
    env.pop("JUPYTERHUB_API_TOKEN", None)
    log = base / "hub.log"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)],
            cwd=base, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    hub = Hub(int(env["PAIRLAB_HUB_PORT"]), state, env["PAIRLAB_HUB_PASSWORD"], proc, log)
    try:
        _wait_for_hub(hub, time.monotonic() + 90)
        yield hub
    finally:
        try:
            _stop_servers(hub)
        finally:
            _stop(hub.proc)


# --- Debian's PostgreSQL for the cohort store (issue 27): a real server database -----------
PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


def _as_postgres(args: list[str]) -> list[str]:
    """Return `args` run as the postgres user when we are root (PostgreSQL refuses root)."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """Start PostgreSQL on a free loopback port in a temp folder; yield its server URL.

    Skipped only where Debian's server binaries are absent (`.ci/run` installs `postgresql`).
    """
    if not PG_BIN:
        pytest.skip("Debian's postgresql server is not installed here (.ci/run installs it)")
    bin_dir = PG_BIN[-1].parent
    folder = Path(tempfile.mkdtemp(prefix="pairlab-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, port = folder / "data", free_port()
    init = subprocess.run(
        _as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "pairlab"]),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert init.returncode == 0, init.stderr
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log")]
    start = subprocess.run(_as_postgres([*ctl, "-o", options, "-w", "start"]),
                           capture_output=True, text=True, timeout=120)  # fmt: skip
    assert start.returncode == 0, start.stdout + start.stderr
    try:
        yield f"postgresql+psycopg://pairlab@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_postgres([*ctl, "-m", "immediate", "stop"]), capture_output=True,
                       timeout=60)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def cohort_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Return a fresh, empty cohort database URL: SQLite in tmp_path, or a new PostgreSQL one."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'pairlab-cohort.sqlite'}"
    import sqlalchemy as sa

    server = request.getfixturevalue("postgres")
    name = f"cohort_{secrets.token_hex(6)}"
    engine = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as db:
        db.execute(sa.text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return f"{server}/{name}"
