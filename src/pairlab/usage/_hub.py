"""Send this machine's outbox to the hub's cohort service, so every user's reads meet there.

On JupyterHub each user's server has its API token ($JUPYTERHUB_API_TOKEN) and the service's
URL ($PAIRLAB_COHORT_URL, as for session events); the service takes reads at `api/usage` only
from the reader's own server. A file leaves the outbox only after the service said 2xx.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from pairlab.errors import BadInput
from pairlab.usage import _outbox
from pairlab.usage._identity import reader
from pairlab.usage._store import StoreDown

URL_ENV, TOKEN_ENV = "PAIRLAB_COHORT_URL", "JUPYTERHUB_API_TOKEN"
BATCH = 1000  # the service's limit per post


def _said(body: bytes) -> dict[str, str]:
    """Return the service's {"error", "fix"}, or {} when the reply is not that JSON."""
    try:
        found = json.loads(body)
    except ValueError:
        return {}
    return {k: str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def _post(url: str, token: str, user: str, items: list[dict[str, Any]]) -> int:
    """Post reads in batches; return how many the service stored new; raise when it refused."""
    stored = 0
    for i in range(0, len(items), BATCH):
        body = json.dumps({"user": user, "reads": items[i : i + BATCH]}).encode()
        request = urllib.request.Request(  # noqa: S310 (http(s) checked in flush_to_hub)
            url.rstrip("/") + "/api/usage", body, method="POST",
            headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310
                stored += int(json.loads(reply.read())["stored"])
        except urllib.error.HTTPError as exc:
            said = _said(exc.read())
            why = f"the cohort service refused the reads ({exc.code}: {said.get('error', '')})"
            raise StoreDown(why, said.get("fix") or "flush again when the service is up") from None
        except (OSError, ValueError, KeyError) as exc:
            raise StoreDown(f"the cohort service at {url} cannot take reads now ({exc})",
                            "they are kept: flush again when it is up") from None  # fmt: skip
    return stored


def flush_to_hub(
    outbox: Path | None = None, url: str | None = None, token: str | None = None
) -> int:
    """Post every pending read to the cohort service; return how many it stored new."""
    url = url or os.environ.get(URL_ENV, "").strip()
    token = token or os.environ.get(TOKEN_ENV, "").strip()
    if not url or not token:
        raise BadInput("no cohort service to send reads to",
                       f"run on a hub's server (it sets {URL_ENV} and {TOKEN_ENV})")  # fmt: skip
    if not url.startswith(("http://", "https://")):
        raise BadInput(f"{URL_ENV} is not an http(s) URL: {url!r}", "give the service's URL")
    folder = outbox or _outbox.default_outbox()
    if not _outbox.pending(folder):
        return 0
    user = reader()
    return _outbox.drain(folder, lambda items: _post(url, token, user, items))
