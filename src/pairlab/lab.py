"""Start JupyterLab on 127.0.0.1 with a workspace of the lesson packs as its root."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

from pairlab.errors import BadInput
from pairlab.lessons import PACK_FILE, Pack, known_packs, use_pack
from pairlab.resources import samples_dir

DEFAULT_WORKSPACE = "pairlab-workspace"
SOLUTIONS = "solutions"
STARTER = "workspace"  # a pack's starter files: copied beside its notebooks, not as a folder
# Lesson sources (the notebooks are built from them), the pack's descriptor and the authors'
# lint settings (the workspace gets the starter pyproject.toml instead) stay out.
AUTHOR_ONLY = ("source", STARTER, PACK_FILE, "ruff.toml")
FACILITATOR_ONLY = (SOLUTIONS, "facilitator-notes.md", "run-sheet.md")
# The core's workspace also holds the sample catalog: lesson 11 registers a product beside it.
SAMPLES = ("catalog",)


@dataclass(frozen=True)
class LabPlan:
    """Everything needed to start the lab: where, on which port, with which token."""

    root: Path
    port: int
    token: str
    base_url: str = "/"

    @property
    def url(self) -> str:
        """Return the URL a browser opens, token included."""
        return f"http://127.0.0.1:{self.port}{self.base_url}lab?token={self.token}"

    def argv(self) -> list[str]:
        """Return the JupyterLab command-line arguments for this plan."""
        args = [
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",  # the printed URL must be the one that serves
            f"--ServerApp.root_dir={self.root}",
            f"--ServerApp.base_url={self.base_url}",
            f"--IdentityProvider.token={self.token}",
            "--ServerApp.open_browser=False",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--allow-root")
        return args


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    """Return whether `port` on 127.0.0.1 can be bound."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _copy_missing(source: Path, dest: Path, held_back: set[str], copied: list[Path]) -> None:
    """Copy the tree `source` into `dest`, leaving out `held_back` at its top and existing files."""

    def copy_if_missing(src: str, dst: str) -> str:
        if not os.path.exists(dst):
            shutil.copy2(src, dst)
            copied.append(Path(dst))
        return dst

    def ignore(folder: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n in ("__pycache__", ".ipynb_checkpoints", ".ruff_cache")}
        return skip | (held_back & set(names) if Path(folder) == source else set())

    shutil.copytree(source, dest, dirs_exist_ok=True, copy_function=copy_if_missing, ignore=ignore)


def seed_pack(pack: Pack, dest: Path, solutions: bool = False) -> list[Path]:
    """Copy a pack's learner files missing from its folder of the workspace `dest`."""
    copied: list[Path] = []
    held_back = set(AUTHOR_ONLY) | (set() if solutions else set(FACILITATOR_ONLY))
    target = dest / pack.folder if pack.folder else dest
    _copy_missing(pack.root, target, held_back, copied)
    if (pack.root / STARTER).is_dir():
        _copy_missing(pack.root / STARTER, target, set(), copied)
    if pack.is_core:
        for name in SAMPLES:
            _copy_missing(samples_dir() / name, target / name, set(), copied)
    return copied


def seed_workspace(dest: Path, solutions: bool = False) -> list[Path]:
    """Copy every known pack's files missing from `dest`; never overwrite what a learner edited.

    The core's notebooks go to the top, each other pack's into a folder named after it. The
    lesson sources and (unless asked for) the solutions stay out: a learner's workspace should
    not hold the answers.
    """
    return [path for pack in known_packs() for path in seed_pack(pack, dest, solutions)]


def plan_lab(
    root: Path | None, port: int | None, solutions: bool = False, packs: tuple[Path, ...] = ()
) -> LabPlan:
    """Check the options and return the plan; a missing --root or busy port is bad input.

    Each of `packs` becomes known to the lab (its guide lists the pack's lessons) and is seeded
    into the workspace, beside the core lessons.
    """
    chosen = [use_pack(pack) for pack in packs]
    if root is None:
        root = Path.cwd() / DEFAULT_WORKSPACE
        seed_workspace(root, solutions)
    elif not root.is_dir():
        raise BadInput(f"--root {root} is not an existing folder", "create it or pass another")
    else:
        for pack in chosen:
            seed_pack(pack, root, solutions)
    if port is None:
        port = free_port()
    elif not 0 < port < 65536:
        raise BadInput(f"--port {port} is not a TCP port", "pass a number from 1 to 65535")
    elif not port_is_free(port):
        raise BadInput(f"port {port} on 127.0.0.1 is in use", "pass another --port or omit it")
    return LabPlan(root=root.resolve(), port=port, token=secrets.token_hex(24))


def run_lab(plan: LabPlan) -> None:
    """Run JupyterLab in this process until it is stopped."""
    from jupyterlab.labapp import LabApp  # heavy import, paid only when the lab starts

    LabApp.launch_instance(argv=plan.argv())
