"""Planning the lab: the workspace copy never loses a learner's edits; the URL carries the token."""

import os

import pytest

from pairlab.errors import BadInput
from pairlab.lab import AUTHOR_ONLY, DEFAULT_WORKSPACE, FACILITATOR_ONLY, plan_lab, seed_workspace
from pairlab.resources import curriculum_dir


def test_seed_copies_the_curriculum(tmp_path):
    copied = seed_workspace(tmp_path / "ws")
    assert (tmp_path / "ws" / "00-welcome.ipynb").is_file()
    assert tmp_path / "ws" / "00-welcome.ipynb" in copied


def test_seed_keeps_edited_files(tmp_path):
    ws = tmp_path / "ws"
    seed_workspace(ws)
    edited = ws / "00-welcome.ipynb"
    edited.write_text("the learner's own work")
    (ws / "steps" / "00-welcome.toml").unlink()

    copied = seed_workspace(ws)

    assert edited.read_text() == "the learner's own work"
    assert copied == [ws / "steps" / "00-welcome.toml"]


def test_default_root_is_a_seeded_workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plan = plan_lab(None, None)
    assert plan.root == (tmp_path / DEFAULT_WORKSPACE).resolve()
    names = {p.name for p in plan.root.iterdir()}
    caches = {"__pycache__", ".ruff_cache"}
    shipped = {p.name for p in curriculum_dir().iterdir()} - {*AUTHOR_ONLY, *FACILITATOR_ONLY}
    shipped |= {p.name for p in (curriculum_dir() / "workspace").iterdir()}
    shipped -= caches
    assert shipped <= names
    assert "00-welcome.ipynb" in names


def test_learners_do_not_get_the_answers(tmp_path):
    seed_workspace(tmp_path / "ws")
    assert not (tmp_path / "ws" / "solutions").exists()
    assert not (tmp_path / "ws" / "source").exists()
    assert (tmp_path / "ws" / "catalog").is_dir()  # nested folders still come along


def test_facilitators_can_ask_for_solutions(tmp_path):
    seed_workspace(tmp_path / "ws", solutions=True)
    assert (tmp_path / "ws" / "solutions" / "04-functions.ipynb").is_file()
    assert not (tmp_path / "ws" / "source").exists()


def test_plan_url_and_argv(tmp_path):
    plan = plan_lab(tmp_path, None)
    assert plan.url == f"http://127.0.0.1:{plan.port}/lab?token={plan.token}"
    assert len(plan.token) >= 32
    argv = plan.argv()
    assert "--ServerApp.ip=127.0.0.1" in argv
    assert f"--ServerApp.root_dir={tmp_path.resolve()}" in argv
    assert ("--allow-root" in argv) == (os.geteuid() == 0)


def test_each_plan_gets_its_own_token(tmp_path):
    assert plan_lab(tmp_path, None).token != plan_lab(tmp_path, None).token


def test_a_new_root_is_created_and_seeded(tmp_path):
    root = tmp_path / "our-pairing"
    plan = plan_lab(root, None)
    assert plan.root == root.resolve()
    assert (root / "00-welcome.ipynb").is_file()
    assert (root / "steps" / "00-welcome.toml").is_file()


def test_an_empty_root_is_seeded(tmp_path):
    plan_lab(tmp_path, None)
    assert (tmp_path / "00-welcome.ipynb").is_file()
    assert not (tmp_path / "solutions").exists()


def test_a_root_in_use_keeps_what_it_has(tmp_path):
    (tmp_path / "analysis.ipynb").write_text("the pair's own notebook")
    plan_lab(tmp_path, None)
    assert [p.name for p in tmp_path.iterdir()] == ["analysis.ipynb"]


def test_a_bad_port_seeds_nothing(tmp_path):
    root = tmp_path / "ws"
    with pytest.raises(BadInput, match="is not a TCP port"):
        plan_lab(root, 70000)
    assert not root.exists()


def test_a_root_that_is_a_file_is_refused(tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    with pytest.raises(BadInput, match="is a file, not a folder"):
        plan_lab(a_file, None)
    assert a_file.read_text() == "mine"
