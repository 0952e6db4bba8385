"""Start JupyterLab on 127.0.0.1 with a workspace of the lesson packs as its root."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

from pairlab._kernel_metadata import stamp_local_kernel
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
        # As Jupyter's server binds: a port held only by TIME-WAIT sockets of a stopped server
        # is free to it, so it must be free here too.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _listening_inodes(port: int) -> set[str]:
    """Return the socket inodes listening on TCP `port` (Linux's /proc/net), else nothing."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if (
                len(fields) > 9
                and fields[3] == "0A"
                and int(fields[1].rsplit(":", 1)[1], 16) == port
            ):
                inodes.add(fields[9])
    return inodes


def port_holder(port: int) -> str:
    """Return which process listens on `port` ("pid 123: jupyterhub ..."), or "" if unknown."""
    wanted = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if not wanted.intersection(os.readlink(fd) for fd in (proc / "fd").iterdir()):
                continue
            argv = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile, or not ours to look at
            continue
        return f"pid {proc.name}: {' '.join(argv.split())[:120]}"
    return ""


_NEVER_COPIED = ("__pycache__", ".ipynb_checkpoints", ".ruff_cache")


def _refuse_source_link(link: Path, source: Path) -> None:
    """Refuse a link in a pack: its content may be anything outside the pack."""
    raise BadInput(
        f"{link} is a symlink; pairlab copies no links out of a pack ({source})",
        "replace the link with the file or folder itself",
    )


def _writable_target(dest: Path, target: Path) -> bool:
    """Return whether `target` is new; refuse when it, or a folder on its way, is a link."""
    for part in (*reversed(target.relative_to(dest).parents), target.relative_to(dest)):
        if part != Path(".") and (dest / part).is_symlink():
            raise BadInput(
                f"{dest / part} is a symlink; pairlab never writes through a link in a workspace",
                "remove the link (or replace it with a real file or folder), then start again",
            )
    return not target.exists()


def _copy_missing(
    source: Path, dest: Path, held_back: set[str], copied: list[Path], workspace: Path
) -> None:
    """Copy the tree `source` into `dest`, leaving out `held_back` at its top and existing files.

    A link in `source` is refused, not followed (it may lead out of the pack); a link in the
    `workspace` on the way to `dest` is refused, not written through (it may lead out of it).
    """
    for here, dirs, files in os.walk(source, followlinks=False):
        folder = Path(here)
        top = folder == source
        dirs[:] = sorted(d for d in dirs if d not in _NEVER_COPIED and not (top and d in held_back))
        for name in [*dirs, *files]:
            if (folder / name).is_symlink() and not (top and name in held_back):
                _refuse_source_link(folder / name, source)
        target_folder = dest / folder.relative_to(source)
        _writable_target(workspace, target_folder)
        target_folder.mkdir(parents=True, exist_ok=True)
        for name in sorted(files):
            if top and name in held_back:
                continue
            target = target_folder / name
            if _writable_target(workspace, target):
                shutil.copy2(folder / name, target, follow_symlinks=False)
                if target.suffix == ".ipynb":
                    stamp_local_kernel(target)
                copied.append(target)


def seed_pack(pack: Pack, dest: Path, solutions: bool = False) -> list[Path]:
    """Copy a pack's learner files missing from its folder of the workspace `dest`."""
    copied: list[Path] = []
    held_back = set(AUTHOR_ONLY) | (set() if solutions else set(FACILITATOR_ONLY))
    target = dest / pack.folder if pack.folder else dest
    _copy_missing(pack.root, target, held_back, copied, dest)
    if (pack.root / STARTER).is_dir():
        _copy_missing(pack.root / STARTER, target, set(), copied, dest)
    if pack.is_core:
        for name in SAMPLES:
            _copy_missing(samples_dir() / name, target / name, set(), copied, dest)
    return copied


def seed_workspace(dest: Path, solutions: bool = False) -> list[Path]:
    """Copy every known pack's files missing from `dest`; never overwrite what a learner edited.

    The core's notebooks go to the top, each other pack's into a folder named after it. The
    lesson sources and (unless asked for) the solutions stay out: a learner's workspace should
    not hold the answers.
    """
    return [path for pack in known_packs() for path in seed_pack(pack, dest, solutions)]


def _checked_port(port: int | None) -> int:
    """Return `port` once it is a free TCP port on 127.0.0.1, or a free one when None."""
    if port is None:
        return free_port()
    if not 0 < port < 65536:
        raise BadInput(f"--port {port} is not a TCP port", "pass a number from 1 to 65535")
    if not port_is_free(port):
        holder = port_holder(port)
        held = f" by {holder}" if holder else ""
        raise BadInput(
            f"port {port} on 127.0.0.1 is in use{held}", "pass another --port or omit it"
        )
    return port


def _is_new_workspace(root: Path) -> bool:
    """Return whether `root` is to be seeded: missing or empty; refuse a file or a lost parent."""
    if root.is_dir():
        return not any(root.iterdir())
    if root.exists():
        raise BadInput(f"--root {root} is a file, not a folder", "pass a folder (new or empty)")
    if not root.parent.is_dir():
        raise BadInput(
            f"--root {root}: its parent folder {root.parent} does not exist",
            "create the parent folder, or pass a folder inside an existing one",
        )
    return True


def plan_lab(
    root: Path | None, port: int | None, solutions: bool = False, packs: tuple[Path, ...] = ()
) -> LabPlan:
    """Check the options and return the plan; a busy port or a --root that is a file is bad input.

    A new or empty root (the default one included) is seeded with every known pack, so a pair
    starting in a fresh folder finds lesson 0 there; a folder already in use keeps what it has.
    Each of `packs` becomes known to the lab (its guide lists the pack's lessons) and is seeded
    into the workspace, beside the core lessons.
    """
    chosen = [use_pack(pack) for pack in packs]
    port = _checked_port(port)
    default = root is None
    root = Path.cwd() / DEFAULT_WORKSPACE if root is None else root
    if _is_new_workspace(root) or default:
        # The default workspace also gains what a newer pairlab ships; edits are never touched.
        root.mkdir(parents=True, exist_ok=True)
        seed_workspace(root, solutions)
    for pack in chosen:
        seed_pack(pack, root, solutions)
    return LabPlan(root=root.resolve(), port=port, token=secrets.token_hex(24))


def run_lab(plan: LabPlan) -> None:
    """Run JupyterLab in this process until it is stopped."""
    from jupyterlab.labapp import LabApp  # heavy import, paid only when the lab starts

    from pairlab.products import seed_sample

    seed_sample(plan.root)  # the published sample lesson 2 reads by name

    LabApp.launch_instance(argv=plan.argv())
