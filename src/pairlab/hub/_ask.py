"""Ask the hub's cohort service as this user's server: Request a pairing, the start form's place.

Each user's server has its hub API token ($JUPYTERHUB_API_TOKEN) and the service's URL
($PAIRLAB_COHORT_URL), as the forwarder does; the service admits the token as its user, so a
request goes in for her own team only, and she sees her own team's requests.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

from pairlab.errors import NotFound, PairlabError

URL_ENV, TOKEN_ENV = "PAIRLAB_COHORT_URL", "JUPYTERHUB_API_TOKEN"
INTAKE = "api/intake/requests"
PLACE = "api/program/me"
TIMEOUT = 30.0  # reuse matching reads the catalog; a first answer may take seconds


class ServiceSaid(PairlabError):
    """The cohort service refused: its status, problem and fix, passed on as they came."""

    def __init__(self, status: int, problem: str, fix: str) -> None:
        super().__init__(problem, fix)
        self.status = status


def _said(status: int, body: bytes) -> ServiceSaid:
    """Return the service's {"error", "fix"} as an error with its status (5xx as 502)."""
    try:
        found = json.loads(body)
    except ValueError:
        found = {}
    found = found if isinstance(found, dict) else {}
    problem = str(found.get("error") or f"the cohort service answered {status}")
    fix = str(found.get("fix") or "ask a facilitator to look at the cohort service's log")
    return ServiceSaid(status if 400 <= status < 500 else 502, problem, fix)


def ask_service(
    path: str, body: dict[str, Any] | None = None, environ: Mapping[str, str] = os.environ
) -> dict[str, Any]:
    """GET `path` of the cohort service as this server's user (POST `body` when given)."""
    base, token = environ.get(URL_ENV, "").strip(), environ.get(TOKEN_ENV, "").strip()
    if not (base and token):
        raise NotFound(
            "no cohort service here: this needs JupyterHub's pairlab-cohort service",
            "log in through the hub (without a hub: `pairlab intake add`, `pairlab program`)",
        )
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 - the hub sets this URL, as for the forwarder
        f"{base.rstrip('/')}/{path}", data, method="POST" if data else "GET",
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as reply:  # noqa: S310
            found = json.loads(reply.read())
    except urllib.error.HTTPError as exc:
        raise _said(exc.code, exc.read()) from None
    except (OSError, ValueError) as exc:
        raise ServiceSaid(
            502, f"the cohort service cannot be reached now ({type(exc).__name__})",
            "try again in a minute; nothing was filed",
        ) from None  # fmt: skip
    if not isinstance(found, dict):
        raise ServiceSaid(502, "the cohort service answered no JSON object", "try again")
    return found


def ask_intake(
    body: dict[str, Any] | None = None, environ: Mapping[str, str] = os.environ
) -> dict[str, Any]:
    """Submit `body` as a request (None: list this user's team's requests); return the reply."""
    return ask_service(INTAKE, body, environ)


def ask_place(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Return this user's place in the program (name, role, team, facilitator, trained_in)."""
    return ask_service(PLACE, None, environ)
