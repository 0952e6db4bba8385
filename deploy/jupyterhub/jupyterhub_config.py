"""An example JupyterHub for a pairlab cohort, on one machine: a demo, and what the tests run.

    PAIRLAB_HUB_PASSWORD=... jupyterhub -f deploy/jupyterhub/jupyterhub_config.py   (or: make hub)

Users ana and eli (a pair) and fran (group `facilitators`) log in with the shared password
from $PAIRLAB_HUB_PASSWORD. Each gets the pairlab lab on the curriculum workspace in a home
under $PAIRLAB_HUB_ROOT (default ./hub-state); fran opens the live cohort page at
/services/pairlab-cohort/. Ports: $PAIRLAB_HUB_PORT (8000, the only public one), and on
127.0.0.1 the hub API, the proxy API and the service ($PAIRLAB_HUB_API_PORT 8081,
$PAIRLAB_PROXY_API_PORT 8001, $PAIRLAB_COHORT_PORT 10101).
"""

# ruff: noqa: F821  (`c` is the config object JupyterHub hands this file)
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parents[1]
ROOT = Path(os.environ.get("PAIRLAB_HUB_ROOT", "hub-state")).resolve()
SERVICE = "pairlab-cohort"
PAIR, FACILITATORS = ["ana", "eli"], ["fran"]


def _port(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


PORT = _port("PAIRLAB_HUB_PORT", 8000)
COHORT_URL = f"http://127.0.0.1:{_port('PAIRLAB_COHORT_PORT', 10101)}"
PASSWORD = os.environ.get("PAIRLAB_HUB_PASSWORD", "")
if not PASSWORD:
    sys.exit("pairlab hub: set PAIRLAB_HUB_PASSWORD to the password the demo users share")
ROOT.mkdir(parents=True, exist_ok=True)
(ROOT / SERVICE).mkdir(exist_ok=True)

# The hub, its database and secrets live under ROOT; only the proxy's port is public.
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = PORT
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = _port("PAIRLAB_HUB_API_PORT", 8081)
c.JupyterHub.db_url = f"sqlite:///{ROOT / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(ROOT / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{_port('PAIRLAB_PROXY_API_PORT', 8001)}"
c.ConfigurableHTTPProxy.pid_file = str(ROOT / "jupyterhub-proxy.pid")
# `make hub` installs configurable-http-proxy into the checkout, not globally.
LOCAL_CHP = CHECKOUT / ".hub-node" / "node_modules" / ".bin" / "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [
    str(LOCAL_CHP) if LOCAL_CHP.exists() else shutil.which("configurable-http-proxy") or "chp"
]

# Who may log in, and who sees the cohort.
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = PASSWORD
c.Authenticator.allowed_users = set(PAIR + FACILITATORS)
c.JupyterHub.load_groups = {"facilitators": {"users": FACILITATORS}}
# Every user reaches the service (to request a pairing on its Intake view); only facilitators
# hold FACILITATE, which the service asks for (PAIRLAB_FACILITATOR_SCOPE) on its other pages.
FACILITATE = "custom:pairlab-cohort:facilitate"
c.JupyterHub.custom_scopes = {
    FACILITATE: {"description": "Run the pairlab cohort: sessions, program, intake queue"}
}
c.JupyterHub.load_roles = [
    {
        "name": "pairlab-facilitator",
        "description": "See the pairlab cohort page and its API, run the intake queue",
        "groups": ["facilitators"],
        "scopes": [f"access:services!service={SERVICE}", FACILITATE],
    },
    {"name": "user", "scopes": ["self", f"access:services!service={SERVICE}"]},
]

# The cohort service: started and stopped by the hub, its SQLite store in its own folder.
c.JupyterHub.services = [
    {
        "name": SERVICE,
        "url": COHORT_URL,
        "command": [sys.executable, "-m", "pairlab", "cohort", "serve"],
        "cwd": str(ROOT / SERVICE),
        "oauth_no_confirm": True,
        "oauth_client_allowed_scopes": [FACILITATE],  # in a facilitator's login, if she has it
        "environment": {
            "PAIRLAB_FACILITATOR_SCOPE": FACILITATE,
            **{key: os.environ[key] for key in ("PAIRLAB_COHORT_DB", "PATH") if key in os.environ},
        },
    }
]


def _seed_workspace(spawner) -> None:  # type: ignore[no-untyped-def]
    """Copy the curriculum into the user's workspace; never overwrite what they edited."""
    from pairlab.lab import seed_workspace

    seed_workspace(ROOT / "home" / spawner.user.name / "pairlab-workspace")


# Each user: the pairlab lab of this Python (the venv), rooted at their curriculum workspace.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(ROOT / "home" / "{username}")
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.notebook_dir = str(ROOT / "home" / "{username}" / "pairlab-workspace")
c.Spawner.default_url = "/lab"
c.Spawner.pre_spawn_hook = _seed_workspace
c.Spawner.environment = {"PAIRLAB_COHORT_URL": f"{COHORT_URL}/services/{SERVICE}/"}
c.Spawner.http_timeout = 90  # a first lab start on a busy 2-core machine
if hasattr(os, "geteuid") and os.geteuid() == 0:
    c.Spawner.args = ["--allow-root"]
