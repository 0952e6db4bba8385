"""A symlink loop under the root (as a path, or as a folder's member) is a JSON 4xx, not a 5xx."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pairlab_routes import call


@pytest.fixture
def looped(jp_root_dir: Path) -> Path:
    """A root holding a self-looping notebook link and a folder with one beside a notebook."""
    (jp_root_dir / "loop.ipynb").symlink_to(jp_root_dir / "loop.ipynb")
    proj = jp_root_dir / "proj"
    proj.mkdir()
    (proj / "a.ipynb").symlink_to(proj / "b.ipynb")
    (proj / "b.ipynb").symlink_to(proj / "a.ipynb")
    (proj / "ok.ipynb").write_text(
        '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    )
    return jp_root_dir


@pytest.mark.parametrize(
    "body",
    [
        {"path": "loop.ipynb", "only": ["in-order"]},
        {"path": "loop.ipynb", "step": "welcome/meet"},
        {"path": "proj/a.ipynb", "set": "practice"},
    ],
)
async def test_checking_a_looping_link_is_a_4xx(jp_fetch, looped, body):
    code, reply = await call(jp_fetch, "check", method="POST", body=json.dumps(body))
    assert 400 <= code < 500, reply
    assert reply["error"] and "fix" in reply


async def test_a_folder_with_a_looping_member_skips_it(jp_fetch, looped):
    body = json.dumps({"path": "proj", "only": ["in-order"]})
    code, reply = await call(jp_fetch, "check", method="POST", body=body)
    assert code < 500, reply


@pytest.mark.parametrize("route", ["catalog/similar", "steps"])
async def test_a_looping_link_in_a_query_is_not_a_5xx(jp_fetch, looped, route):
    code, reply = await call(jp_fetch, *route.split("/"), params={"path": "loop.ipynb"})
    assert code < 500, reply
