"""POST /pairlab/check: the sidebar's checks, through a real in-process Jupyter server."""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from pairlab.server.base import SERVICE_KEY

FIXTURES = Path(__file__).resolve().parent.parent / "checks" / "fixtures"
MARKER = "TOPSECRET-outside-the-root"
STATIC = ["in-order", "lint-clean", "no-secrets", "no-absolute-paths", "uses-functions"]


@pytest.fixture
def root(jp_root_dir: Path) -> Path:
    """Fill the server root with notebooks, and put a secret notebook just outside it."""
    shutil.copy(FIXTURES / "lint/fail.ipynb", jp_root_dir / "nb.ipynb")
    (jp_root_dir / "sub").mkdir()
    shutil.copy(FIXTURES / "in_order/pass.ipynb", jp_root_dir / "sub" / "ok.ipynb")
    (jp_root_dir / "notes.txt").write_text("not a notebook")
    (jp_root_dir / ".hidden").mkdir()
    shutil.copy(FIXTURES / "lint/pass.ipynb", jp_root_dir / ".hidden" / "secret.ipynb")
    outside = jp_root_dir.parent / "outside"
    outside.mkdir()
    secret = json.loads((FIXTURES / "lint/pass.ipynb").read_text())
    secret["cells"][0]["source"] = f"# {MARKER}\nimport os"
    (outside / "secret.ipynb").write_text(json.dumps(secret))
    (jp_root_dir / "link_out.ipynb").symlink_to(outside / "secret.ipynb")
    (jp_root_dir / "linkdir").symlink_to(outside, target_is_directory=True)
    (jp_root_dir / "loop.ipynb").symlink_to(jp_root_dir / "loop.ipynb")
    (jp_root_dir / "link_in.ipynb").symlink_to(jp_root_dir / "sub" / "ok.ipynb")
    return jp_root_dir


async def post(jp_fetch, body: object, **kwargs):
    """POST `body` (JSON-encoded unless bytes) to /pairlab/check."""
    data = body if isinstance(body, bytes) else json.dumps(body)
    return await jp_fetch("pairlab", "check", method="POST", body=data, **kwargs)


async def refused(jp_fetch, body: object) -> tuple[int, dict]:
    """POST and return the refusal's status and JSON body."""
    with pytest.raises(HTTPClientError) as info:
        await post(jp_fetch, body)
    text = info.value.response.body.decode()
    assert MARKER not in text and "root:" not in text  # nothing outside the root leaks
    return info.value.code, json.loads(text)


async def test_check_returns_the_cli_json(jp_fetch, root):
    response = await post(jp_fetch, {"path": "nb.ipynb", "only": ["lint-clean", "in-order"]})
    body = json.loads(response.body)
    assert response.code == 200 and body["path"] == "nb.ipynb"
    lint = body["results"][0]
    assert (lint["id"], lint["status"], lint["cells"]) == ("lint-clean", "fail", ["c2"])
    assert body["results"][1] == {
        "id": "in-order",
        "status": "pass",
        "message": "1 code cell(s) ran in order, top to bottom",
        "cells": [],
    }


async def test_step_checks_come_from_the_curriculum(jp_fetch, root):
    from pairlab.lessons import get_step

    response = await post(jp_fetch, {"path": "sub/ok.ipynb", "step": "welcome/meet"})
    body = json.loads(response.body)
    declared = [c.id for c in get_step("welcome/meet")[1].checks]
    assert [r["id"] for r in body["results"]] == declared
    assert body["step"] == "welcome/meet" and body["verdict"] == "fail"  # ran, but no names


async def test_a_symlink_inside_the_root_is_fine(jp_fetch, root):
    response = await post(jp_fetch, {"path": "link_in.ipynb", "only": ["in-order"]})
    assert json.loads(response.body)["results"][0]["status"] == "pass"


async def test_a_folder_is_checked_notebook_by_notebook(jp_fetch, root):
    response = await post(jp_fetch, {"path": "sub", "only": ["in-order"]})
    assert json.loads(response.body)["results"][0]["notebook"] == "ok.ipynb"


async def test_parsed_notebooks_are_cached_by_mtime(jp_fetch, jp_serverapp, root):
    body = {"path": "nb.ipynb", "only": ["no-secrets"]}
    await post(jp_fetch, body)
    service = jp_serverapp.web_app.settings[SERVICE_KEY].checks
    first = service.load(root / "nb.ipynb")
    await post(jp_fetch, body)
    assert service.load(root / "nb.ipynb") is first
    nb = json.loads((root / "nb.ipynb").read_text())
    nb["cells"][1]["source"] = 'password = "hunter2-prod"'
    (root / "nb.ipynb").write_text(json.dumps(nb))
    response = await post(jp_fetch, body)
    assert json.loads(response.body)["results"][0]["status"] == "fail"
    assert service.load(root / "nb.ipynb") is not first


BAD_PATHS = [
    ("../../etc/passwd", 403),
    ("../outside/secret.ipynb", 403),
    ("./../outside/secret.ipynb", 403),
    ("sub/../../outside/secret.ipynb", 403),
    ("sub/./../../../etc/passwd", 403),
    ("/etc/passwd", 403),
    ("//etc/passwd", 403),
    ("/{root}/nb.ipynb", 403),
    ("..\\..\\etc\\passwd", 403),
    ("C:\\Windows\\win.ini", 403),
    ("\\\\server\\share\\nb.ipynb", 403),
    ("link_out.ipynb", 403),
    ("linkdir/secret.ipynb", 403),
    ("loop.ipynb", 403),
    (".hidden/secret.ipynb", 403),
    (".ipynb_checkpoints/nb-checkpoint.ipynb", 403),
    ("%2e%2e/%2e%2e/etc/passwd", 404),
    ("..%2f..%2fetc%2fpasswd", 403),  # a hidden name, refused before any lookup
    ("%2Fetc%2Fpasswd", 404),
    ("file:///etc/passwd", 404),
    ("~/.ssh/id_rsa", 403),
    ("missing.ipynb", 404),
    ("notes.txt", 400),
    ("nb.ipynb\x00.txt", 400),
    ("", 400),
    ("   ", 400),
    (42, 400),
    (None, 400),
    (["nb.ipynb"], 400),
    ({"path": "nb.ipynb"}, 400),
]


@pytest.mark.parametrize(("path", "status"), BAD_PATHS, ids=[repr(p) for p, _ in BAD_PATHS])
async def test_bad_paths_are_refused_with_json(jp_fetch, root, path, status):
    if isinstance(path, str):
        path = path.replace("{root}", str(root).lstrip("/"))
    code, body = await refused(jp_fetch, {"path": path, "only": ["no-secrets"]})
    assert code == status
    assert body["error"] and "fix" in body


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        ({}, "missing field 'path'"),
        ({"path": "nb.ipynb", "colour": 1}, "unknown field 'colour'"),
        ({"path": "nb.ipynb", "only": "in-order"}, "'only' must be a list"),
        ({"path": "nb.ipynb", "only": ["nope"]}, "no check 'nope'"),
        # the CLI's rule too: an empty `only` names no check, it does not mean "all of them"
        ({"path": "nb.ipynb", "only": []}, "'only' names no check"),
        ({"path": "nb.ipynb", "set": "practice", "only": ["in-order"]}, "goes alone"),
        ({"path": "nb.ipynb", "step": 3}, "'step' must be a string"),
        ({"path": "nb.ipynb", "step": "welcome"}, "not LESSON/STEP"),
        ({"path": "nb.ipynb", "step": "welcome/nope"}, "no step 'nope'"),
    ],
)
async def test_bad_bodies_are_4xx_json(jp_fetch, root, body, words):
    code, reply = await refused(jp_fetch, body)
    assert 400 <= code < 500 and words in reply["error"]


async def test_check_needs_the_token(jp_fetch, root):
    with pytest.raises(HTTPClientError) as info:
        await post(jp_fetch, {"path": "nb.ipynb"}, headers={"Authorization": ""})
    assert info.value.code == 403


@pytest.mark.slow
async def test_a_kernel_run_does_not_block_the_server(jp_fetch, root):
    shutil.copy(FIXTURES / "runs/pass.ipynb", root / "run.ipynb")
    run = asyncio.ensure_future(
        post(jp_fetch, {"path": "run.ipynb", "only": ["runs-top-to-bottom"]})
    )
    await asyncio.sleep(0.2)
    started = time.perf_counter()
    lessons = await jp_fetch("pairlab", "lessons")
    assert lessons.code == 200 and time.perf_counter() - started < 1.0
    assert not run.done()  # the kernel is still running on a worker thread
    response = await run
    assert json.loads(response.body)["results"][0]["status"] == "pass"


async def test_get_is_a_json_405(jp_fetch, root):
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("pairlab", "check")
    assert info.value.code == 405 and json.loads(info.value.response.body)["error"]


async def test_a_cookie_session_without_xsrf_is_refused(jp_fetch, root):
    with pytest.raises(HTTPClientError) as info:
        await post(
            jp_fetch,
            {"path": "nb.ipynb"},
            headers={"Authorization": "", "Cookie": "username-x=forged"},
        )
    assert info.value.code == 403


async def test_a_step_on_a_folder_checks_the_lesson_notebook(jp_fetch, root):
    shutil.copy(FIXTURES / "in_order/pass.ipynb", root / "sub" / "00-welcome.ipynb")
    response = await post(jp_fetch, {"path": "sub", "step": "welcome/meet"})
    body = json.loads(response.body)
    assert body["path"] == "sub/00-welcome.ipynb"
    assert ("in-order", "pass") in [(r["id"], r["status"]) for r in body["results"]]
    assert {r.get("notebook") for r in body["results"]} == {None}  # the one lesson notebook
