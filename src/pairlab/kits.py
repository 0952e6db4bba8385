"""Render pairlab's copier kits so that `copier update` keeps a rendered project current.

copier updates only from a git repository, and a kit installed in a wheel is plain files. So
each kit is mirrored into a local git repository (one commit and tag per kit content), and
projects are rendered from that repository: their answers file points at it, and after a
pairlab upgrade the next render (or `pairlab new --sync`) adds the new kit version for
`copier update` to find.
"""

from __future__ import annotations

import datetime
import fcntl
import hashlib
import os
import re
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs

from pairlab import __version__, _process
from pairlab.errors import BadInput, NotFound
from pairlab.resources import kits_dir

ENV_HOME = "PAIRLAB_KITS_HOME"
KITS = ("data-product", "pairing-session", "ambassador")
ROLES = ("engineer", "analyst")
_GIT_ID = {
    "GIT_AUTHOR_NAME": "pairlab",
    "GIT_AUTHOR_EMAIL": "pairlab@localhost",
    "GIT_COMMITTER_NAME": "pairlab",
    "GIT_COMMITTER_EMAIL": "pairlab@localhost",
}


def kits_home() -> Path:
    """Return where kit repositories live: $PAIRLAB_KITS_HOME or the user data folder."""
    configured = os.environ.get(ENV_HOME)
    return Path(configured) if configured else platformdirs.user_data_path("pairlab") / "kits"


def _git(repo: Path, *args: str) -> _process.Completed:
    """Run git in `repo` with a fixed identity (a fresh machine may have none configured)."""
    done = _process.run(["git", "-C", str(repo), *args], timeout=60, env=_GIT_ID)
    if not done.ok:
        raise BadInput(f"git {args[0]} failed in {repo}: {done.tail(2)}", "is git installed?")
    return done


def _digest(folder: Path) -> str:
    """Return a hash of the kit's files, names included."""
    sha = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if "__pycache__" not in path.parts:
            sha.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (two renders at once must not interleave commits)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _mirror(source: Path, repo: Path) -> None:
    """Make the repository's work tree hold exactly the kit's files."""
    for child in repo.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(source, repo, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))


def kit_repo(name: str, source: Path | None = None) -> tuple[Path, str]:
    """Return the git repository of kit `name` and the tag of its current content."""
    if name not in KITS and source is None:
        raise NotFound(f"no kit '{name}'", f"known kits: {', '.join(KITS)}")
    source = source or kits_dir() / name
    repo = kits_home() / name
    with _locked(kits_home() / f".{name}.lock"):
        if not (repo / ".git").is_dir():
            repo.mkdir(parents=True, exist_ok=True)
            _git(repo, "init", "-q", "-b", "main")
        digest = _digest(source)
        has_commits = _process.run(["git", "-C", str(repo), "rev-parse", "-q", "HEAD"]).ok
        known = _git(repo, "log", "--format=%s").stdout.splitlines() if has_commits else []
        if f"kit {digest}" not in known:
            _mirror(source, repo)
            _git(repo, "add", "-A")
            _git(repo, "commit", "-q", "--allow-empty", "-m", f"kit {digest}")
            # copier updates to the highest PEP 440 tag: count commits so each version sorts later.
            _git(repo, "tag", f"{__version__}.post{len(known)}")
        tag = _git(repo, "describe", "--tags", "--exact-match", "HEAD").stdout.strip()
        if f"kit {digest}" != _git(repo, "log", "-1", "--format=%s").stdout.strip():
            # An older kit content came back (a downgrade): render from the commit that holds it.
            tag = _git(repo, "log", "--format=%h", "--grep", f"kit {digest}").stdout.split()[0]
    return repo, tag


def render(
    name: str,
    dest: Path,
    answers: Mapping[str, Any],
    *,
    source: Path | None = None,
    overwrite: bool = False,
) -> Path:
    """Render kit `name` into `dest` with `answers` (defaults for the rest)."""
    from copier import run_copy

    repo, tag = kit_repo(name, source)
    run_copy(
        str(repo),
        str(dest),
        data=dict(answers),
        vcs_ref=tag,
        defaults=True,
        overwrite=overwrite,
        quiet=True,
    )
    return dest


def new_project(name: str, dest: Path, answers: Mapping[str, Any], *, force: bool) -> Path:
    """Render a new project from kit `name` into `dest` and commit it, ready for `copier update`."""
    if dest.exists() and not dest.is_dir():
        raise BadInput(f"{dest} is a file", "choose a folder that does not exist yet")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise BadInput(
            f"{dest} is not empty", "choose a new folder, or pass --force to render over it"
        )
    render(name, dest, answers, overwrite=force)
    if not (dest / ".git").exists():
        _git(dest, "init", "-q", "-b", "main")
        _git(dest, "add", "-A")
        _git(dest, "commit", "-q", "-m", f"Start from pairlab's {name} kit")
    return dest


def data_product_answers(dest: Path, name: str | None, owner: str | None) -> dict[str, Any]:
    """Return the kit's answers for `pairlab new data-product`: the rest are the kit's defaults."""
    title = name or dest.name.replace("-", " ").replace("_", " ").strip().capitalize()
    slug = "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())
    if not re.fullmatch(r"[a-z][a-z0-9-]*", slug):  # the kit's own rule for product_id
        raise BadInput(
            f"cannot make a product id from '{title}'",
            "pass --name in ASCII letters, digits and dashes, starting with a letter",
        )
    answers: dict[str, Any] = {"product_name": title, "product_id": slug}
    return answers | ({"owner": owner} if owner else {})


def pairing_session_answers(
    pairs: list[str],
    product: str | None,
    rotation: int | None,
    date: str | None,
    *,
    facilitator: str | None = None,
    first_lesson: str | None = None,
    team: str | None = None,
) -> dict[str, Any]:
    """Return the kit's answers for `pairlab new pairing-session` from NAME:ROLE pairs.

    What is not given takes the kit's defaults, which follow the answers: today's date, the
    agenda from the first lesson on.
    """
    if not 2 <= len(pairs) <= 4:
        raise BadInput(
            f"a pairing session needs 2 to 4 people; got {len(pairs)}",
            "pass --pair NAME:ROLE two to four times, e.g. --pair Ana:analyst --pair Eli:engineer",
        )
    people = []
    for pair in pairs:
        name, _, role = pair.rpartition(":")
        if not name.strip() or role not in ROLES:
            raise BadInput(
                f"--pair '{pair}' is not NAME:ROLE", f"ROLE is one of {', '.join(ROLES)}"
            )
        people.append({"name": name.strip(), "role": role})
    answers: dict[str, Any] = {"participants": people}
    if product:
        answers["product"] = product
    if rotation is not None:
        answers["rotation_minutes"] = _rotation(rotation)
    if facilitator and facilitator.strip():
        answers["facilitator"] = facilitator.strip()
    if team and team.strip():  # the program's team id (docs/program.md)
        answers["team"] = team.strip()
    if first_lesson:
        answers["first_lesson"] = _lesson_notebook(first_lesson)
    return answers | ({"date": _iso_date(date)} if date else {})


def _lesson_notebook(text: str) -> str:
    """Return the notebook of a lesson named by notebook, id or number (01-explore.ipynb)."""
    from pairlab.lessons import load_lessons

    lessons = load_lessons()
    for lesson in lessons:
        names = {lesson.notebook, lesson.notebook.removesuffix(".ipynb"), lesson.id}
        if text in names or (text.isdigit() and lesson.notebook.startswith(f"{int(text):02d}-")):
            return lesson.notebook
    raise BadInput(
        f"--first-lesson {text!r} is not a lesson",
        f"name one of {lessons[0].notebook} ... {lessons[-1].notebook} (or its number)",
    )


def _rotation(minutes: int) -> int:
    """Validate --rotation with the same range a live session accepts."""
    from pairlab.sessions.model import MAX_ROTATION, MIN_ROTATION

    if not MIN_ROTATION <= minutes <= MAX_ROTATION:
        raise BadInput(
            f"--rotation {minutes} is out of range",
            f"choose {MIN_ROTATION} to {MAX_ROTATION} minutes",
        )
    return minutes


def _iso_date(text: str) -> str:
    """Validate --date as a real calendar day written YYYY-MM-DD."""
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or day.isoformat() != text:
        raise BadInput(f"--date {text!r} is not a day written YYYY-MM-DD", "e.g. --date 2026-03-14")
    return text


def _pack_answers(pack: Path) -> dict[str, Any]:
    """Return the answers naming a lesson pack's lessons, as a workspace has them."""
    from pairlab.lessons import read_pack

    found = read_pack(pack)
    lessons = [{"notebook": x.notebook, "title": x.title} for x in found.lessons(in_workspace=True)]
    if not lessons:
        raise BadInput(f"the pack in {pack} has no lessons", "make one with `pairlab lesson new`")
    return {"pack": found.name, "pack_lessons": lessons, "first_lesson": lessons[0]["notebook"]}


def ambassador_answers(
    name: str, team: str, teammates: list[str], pack: Path | None = None
) -> dict[str, Any]:
    """Return the kit's answers for `pairlab new ambassador` (with a lesson pack's lessons)."""
    if not teammates:
        raise BadInput("an ambassador teaches someone", "pass --teammate NAME at least once")
    for option, value in (
        ("--name", name),
        ("--team", team),
        *(("--teammate", t) for t in teammates),
    ):
        if not value.strip():
            raise BadInput(f"{option} is blank", f"pass {option} with a name")
    answers = {"ambassador": name, "team": team, "teammates": list(teammates)}
    return answers | (_pack_answers(pack) if pack is not None else {})
