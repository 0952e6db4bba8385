"""The status as the terminal shows it: totals, then one line per team with its next action."""

from __future__ import annotations

import json

from pairlab.program._status import ProgramStatus


def format_status(status: ProgramStatus, as_json: bool = False) -> str:
    """Return the status as JSON, or as lines a lead reads at a glance."""
    data = status.to_json()
    if as_json:
        return json.dumps(data, indent=2)
    lines = [
        f"{data['program']}: {data['teams_reached']} of {data['teams_total']} teams reached, "
        f"{data['teams_capable']} capable, from {data['sessions']} sessions",
    ]
    width = max((len(t) for t in data["teams"]), default=4)
    for team_id, team in data["teams"].items():
        reach = f"{team['members_reached']}/{team['members_total']}"
        lines.append(
            f"  {team_id:<{width}}  {team['state']:<11}  reached {reach:<5}  "
            f"depth {team['generation_depth']}  next: {team['next']}"
        )
    return "\n".join(lines)
