"""What the cohort service shows: `pairlab report`'s page and cohort, built from its store."""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from typing import Any

from pairlab.hub._store import CohortStore
from pairlab.report import Cohort, Group, build_cohort, cohort_page, lesson_steps, usable

TITLE = "Pairing cohort (live)"
POLL_MS = 2000
# Polls the version; when events arrived, swaps in the page's new body, or only the sections
# named (scripts in them stay inert). The hub accepts a cookie on a fetch only with the XSRF
# token (JupyterHub >= 4.1). `pairlabLive` gives a page's own script the same request options
# and a way to ask for the next poll to refresh.
_POLL = """<script>
window.pairlabLive = (function () {
  let version = %d;
  const ask = {credentials: "same-origin", cache: "no-store", headers: {"X-XSRFToken": %s}};
  const ids = %s;
  function swap(doc) {
    if (!ids.length) { document.body.innerHTML = doc.body.innerHTML; return; }
    for (const id of ids) {
      const now = doc.getElementById(id), was = document.getElementById(id);
      if (now && was) was.replaceWith(now);
    }
  }
  async function poll() {
    try {
      const reply = await fetch("api/version", ask);
      const now = reply.ok ? (await reply.json()).version : version;
      if (now !== version) {
        const page = await fetch(location.pathname, ask);
        if (page.ok) {
          swap(new DOMParser().parseFromString(await page.text(), "text/html"));
          version = now;
        }
      }
    } catch (e) { /* the service restarts: try again next time */ }
    setTimeout(poll, %d);
  }
  setTimeout(poll, %d);
  return {ask, stale: () => { version = -1; }};
})();
</script>"""


def poll_script(version: int, xsrf: str, poll_ms: int, ids: Sequence[str] = ()) -> str:
    """Return the script that keeps a page live: its body, or only the elements `ids`."""
    token, swapped = (json.dumps(v).replace("</", "<\\/") for v in (xsrf, list(ids)))
    return _POLL % (version, token, swapped, poll_ms, poll_ms)


def live_page(store: CohortStore, xsrf: str) -> str:
    """Return the report page of every stored session, with the refresh script."""
    version = store.version()
    live = '<p id="pairlab-live">Live: refreshes as events arrive.</p>'
    script = live + poll_script(version, xsrf, POLL_MS)
    notice = f'<p class="notice" role="status">{escape(store.notice)}</p>' if store.notice else ""
    page, _ = cohort_page(store.exports(), title=TITLE, foot=notice + script)
    return page


def _group(cohort: Cohort, group: Group) -> dict[str, Any]:
    """Return a person's or team's row as JSON."""
    return {
        "name": group.name,
        "roles": sorted(r for r in group.roles if r),
        "sessions": group.sessions,
        "lessons_completed": group.lessons_completed,
        "steps_completed": len(group.completed),
        "minutes": round(group.minutes, 1),
        "rotations": group.rotations,
        "cell_runs": group.cell_runs,
        "cell_errors": group.cell_errors,
        "failed_checks": dict(group.failed_checks.most_common()),
        "seconds_per_lesson": {cohort.label(k): v for k, v in group.seconds_per_lesson.items()},
    }


def cohort_json(store: CohortStore) -> dict[str, Any]:
    """Return what the page shows, as JSON: sessions (with their hub user), people, teams."""
    version = store.version()
    docs, skipped = usable(store.exports())  # one unreadable session never hides the rest
    users = {d["session"]["id"]: d["user"] for d in docs}
    counts = {d["session"]["id"]: len(d["events"]) for d in docs}
    cohort = build_cohort(docs, lesson_steps())  # as cohort_page builds it, without the HTML
    sessions = [
        {
            "id": row.id,
            "user": users.get(row.id, ""),
            "events": counts.get(row.id, 0),
            "people": list(row.people),
            "lesson": row.lesson or None,
            "lessons": [cohort.label(k) for k in cohort.in_order(row.lessons)],
            "steps_completed": sorted(f"{lesson}/{step}" for lesson, step in row.completed),
            "minutes": round(row.minutes, 1),
            "rotations": row.rotations,
            "cell_runs": dict(row.cell_runs),
            "cell_errors": dict(row.cell_errors),
            "failed_checks": dict(row.failed_checks.most_common()),
        }
        for row in cohort.sessions
    ]
    return {
        "version": version,
        "sessions": sessions,
        "people": [_group(cohort, g) for g in cohort.people],
        "teams": [_group(cohort, g) for g in cohort.teams],
        "skipped": skipped,
        "notice": store.notice,
    }
