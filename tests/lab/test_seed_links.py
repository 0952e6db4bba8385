"""Packs and seeding never follow a link out, nor write through one (issue 25).

`pairlab lab --pack DIR` once copied files and folders the pack linked in from outside; seeding
once wrote through a dangling link in the workspace to a file outside it.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from pairlab.errors import BadInput
from pairlab.lab import plan_lab, port_is_free, seed_pack, seed_workspace
from pairlab.lessons import Pack

SECRET = "TOPSECRET-outside-the-pack"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside both the pack and the workspace."""
    folder = tmp_path / "outside"
    (folder / "dir").mkdir(parents=True)
    (folder / "secret.txt").write_text(SECRET)
    (folder / "dir" / "more.txt").write_text(SECRET)
    return folder


def pack(tmp_path: Path) -> Pack:
    """A small pack: one notebook and a data folder."""
    root = tmp_path / "mypack"
    (root / "data").mkdir(parents=True)
    (root / "01-lesson.ipynb").write_text("{}")
    (root / "data" / "rows.csv").write_text("a\n1\n")
    return Pack(name="mypack", title="My pack", root=root)


@pytest.mark.parametrize("link", ["secret.txt", "data/secret.txt", "dir"])
def test_a_pack_linking_out_is_refused_and_nothing_outside_is_copied(tmp_path, outside, link):
    source = pack(tmp_path)
    target = outside / ("dir" if link == "dir" else "secret.txt")
    (source.root / link).symlink_to(target)
    workspace = tmp_path / "ws"
    workspace.mkdir()
    with pytest.raises(BadInput, match="is a symlink; pairlab copies no links out of a pack"):
        seed_pack(source, workspace)
    assert not any(SECRET in p.read_text() for p in workspace.rglob("*") if p.is_file())


def test_seeding_never_writes_through_a_dangling_link(tmp_path, outside):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    planted = outside / "written-through.ipynb"
    (workspace / "00-welcome.ipynb").symlink_to(planted)  # dangling: the file does not exist
    with pytest.raises(BadInput, match="never writes through a link in a workspace"):
        seed_workspace(workspace)
    assert not planted.exists()


def test_seeding_never_writes_into_a_linked_folder(tmp_path, outside):
    source = pack(tmp_path)
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "mypack").symlink_to(outside / "dir")  # the pack's folder leads out
    with pytest.raises(BadInput, match="never writes through a link"):
        seed_pack(source, workspace)
    assert sorted(p.name for p in (outside / "dir").iterdir()) == ["more.txt"]


def test_a_pack_without_links_is_still_seeded_beside_what_the_learner_has(tmp_path):
    source = pack(tmp_path)
    workspace = tmp_path / "ws"
    (workspace / "mypack").mkdir(parents=True)
    (workspace / "mypack" / "01-lesson.ipynb").write_text("mine")
    copied = seed_pack(source, workspace)
    assert copied == [workspace / "mypack" / "data" / "rows.csv"]
    assert (workspace / "mypack" / "01-lesson.ipynb").read_text() == "mine"


def test_a_port_held_only_by_time_wait_sockets_is_free_as_jupyter_sees_it():
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = server.accept()
    accepted.close()  # the server side closes first: its end waits in TIME-WAIT
    client.close()
    server.close()
    assert port_is_free(port)
    assert plan_lab(Path.cwd(), port).port == port
