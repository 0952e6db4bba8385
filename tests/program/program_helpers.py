"""Helpers: a program of 25 teams and the sessions of a chain, recorded by the real session store.

Eli (central) pairs with Ana (claims); Ana teaches Ben, who drives lessons 1-5 to completion;
Ben teaches Cleo. Sam (central) pairs with Dara (pricing). 23 teams are not reached.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from pairlab.lessons import load_lessons
from pairlab.sessions import Participant, SessionStore, export

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "catalog" / "claims-frequency-by-region"
CENTRAL = [("Eli Novak", "eli"), ("Sam Ortiz", "sam")]
CLAIMS = ["Ana Lima", "Ben Okafor", "Cleo Park", "Dev Rao"]
PRICING = ["Dara Fox", "Emil Berg", "Finn Holt", "Gus Ide"]


def _member(name: str, role: str, user: str | None = None) -> str:
    """Return one members entry as TOML."""
    extra = f', user = "{user}"' if user else ""
    return f'  {{ name = "{name}", role = "{role}"{extra} }},'


def program_toml(teams: int = 25) -> str:
    """Return a program of `teams` analyst teams and a central team of two engineers."""
    lines = ['name = "Test program"', 'central = "enablement"', ""]

    def team(tid: str, label: str, members: list[str]) -> None:
        lines.extend(
            [
                "[[teams]]",
                f'id = "{tid}"',
                f'name = "{label}"',
                f'domain = "{tid}"',
                "members = [",
                *members,
                "]",
                "",
            ]
        )

    team("enablement", "Enablement", [_member(n, "engineer", u) for n, u in CENTRAL])
    team(
        "claims", "Claims analytics", [_member(n, "analyst", n.split()[0].lower()) for n in CLAIMS]
    )
    team("pricing", "Pricing", [_member(n, "analyst") for n in PRICING])
    for i in range(3, teams + 1):
        team(
            f"team-{i:02d}", f"Team {i}", [_member(f"T{i} analyst {k}", "analyst") for k in (1, 2)]
        )
    return "\n".join(lines)


def steps_of(first: int, last: int) -> list[tuple[str, str]]:
    """Return the (lesson, step) pairs of lessons `first` through `last`, in curriculum order."""
    lessons = load_lessons()[first : last + 1]
    return [(lesson.id, step.id) for lesson in lessons for step in lesson.steps]


class Clock:
    """A clock that moves a minute per reading, so sessions and events keep their order."""

    def __init__(self) -> None:
        self.now = 1_780_000_000.0

    def __call__(self) -> float:
        self.now += 60
        return self.now


@dataclass
class Recorder:
    """Records sessions in a real SessionStore and writes their exports to a folder."""

    store: SessionStore
    folder: Path

    def session(
        self,
        people: list[tuple[str, str]],
        steps: list[tuple[str, str]] = (),  # type: ignore[assignment]
        driver: str | None = None,
        **place: str | None,
    ) -> tuple[str, Path]:
        """Run one session: the driver completes `steps`; write its export; return id and file."""
        cast = tuple(Participant(n, r) for n, r in people)
        session = self.store.start(cast, 15, None, place)
        while self.store.get(session.id).driver.name != (driver or cast[0].name):
            self.store.rotate(session.id)
        for lesson, step in steps:
            checked = {
                "path": f"{lesson}.ipynb",
                "lesson": lesson,
                "step": step,
                "driver": driver or cast[0].name,
                "status": "pass",
                "results": [{"id": "answers-match", "status": "pass"}],
            }
            self.store.record_step(session.id, checked, True)
        self.store.end(session.id)
        doc = export(self.store.get(session.id), self.store.events(session.id))
        path = self.folder / f"{session.id}.json"
        path.write_text(json.dumps(doc))
        return session.id, path


@dataclass
class Chain:
    """The chain's files: the program, each session's export, and the catalog folder."""

    program: Path
    exports: dict[str, Path]  # "pairing", "ana-ben", "ben-cleo", "pricing"
    ids: dict[str, str]
    catalog: Path


def record_chain(rec: Recorder, ben_steps: list[tuple[str, str]] | None = None) -> Chain:
    """Record the chain's four sessions; Ben drives `ben_steps` (default: lessons 1-5)."""
    (root := rec.folder.parent / "server").mkdir(exist_ok=True)
    program = rec.folder.parent / "program.toml"
    program.write_text(program_toml())
    eli, ana, ben, cleo = "Eli Novak", *CLAIMS[:3]
    runs = {
        "pairing": rec.session(
            [(ana, "analyst"), (eli, "engineer")], steps_of(0, 2), team="claims", facilitator=eli
        ),
    }
    runs["ana-ben"] = rec.session(
        [(ben, "analyst"), (ana, "analyst")],
        steps_of(1, 5) if ben_steps is None else ben_steps,
        driver=ben,
        team="claims",
        facilitator=ana,
        trained_in=runs["pairing"][0],
    )
    runs["ben-cleo"] = rec.session(
        [(cleo, "analyst"), (ben, "analyst")],
        steps_of(1, 1),
        driver=cleo,
        team="claims",
        facilitator=ben,
        trained_in=runs["ana-ben"][0],
    )
    runs["pricing"] = rec.session(
        [(PRICING[0], "analyst"), ("Sam Ortiz", "engineer")], steps_of(0, 1)
    )
    catalog = root.parent / "catalog"
    catalog.mkdir(exist_ok=True)
    return Chain(
        program, {k: v[1] for k, v in runs.items()}, {k: v[0] for k, v in runs.items()}, catalog
    )


def add_product(
    catalog: Path,
    pid: str,
    team: str,
    status: str = "active",
    server: str | None = "duckdb://warehouse.duckdb/products.kpis",
    owner: str | None = None,
) -> Path:
    """Copy the sample product into the catalog as `pid` of `team`, published at `server`."""
    dest = catalog / pid
    shutil.copytree(SAMPLE, dest)
    doc = yaml.safe_load((dest / "dataproduct.yaml").read_text())
    doc["id"], doc["status"], doc["team"]["name"] = pid, status, team
    if owner:
        doc["team"]["members"][0]["username"] = owner
    for port in doc["outputPorts"]:
        if server:
            port["customProperties"].append({"property": "server", "value": server})
    (dest / "dataproduct.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return dest
