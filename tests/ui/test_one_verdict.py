"""One verdict: the sidebar, the server route, the CLI and the checkpoint agree on the same files.

Each case is the welcome lesson's notebook as a pair leaves it, executed in a real kernel:
with their own names (the step passes) and with the shipped example names kept (it fails).
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from pairlab.checks import Checkpoint, run_step
from pairlab.cli import main

pytestmark = pytest.mark.browser
STEP = "welcome/meet"
CASES = {"own-names": "pass", "example-names": "fail"}


def _server_verdict(lab, relative: str) -> str:
    """Ask the running server's check route, as any client with the token may."""
    request = urllib.request.Request(
        lab.url("pairlab/check", token=False),
        data=json.dumps({"path": relative, "step": STEP}).encode(),
        headers={"Authorization": f"token {lab.token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())["verdict"]


def _cli_verdict(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, int]:
    """Run `pairlab check PATH --step STEP --json` and return its verdict and exit code."""
    with pytest.raises(SystemExit) as done:
        main(["check", str(path), "--step", STEP, "--json"])
    return json.loads(capsys.readouterr().out)["verdict"], done.value.code


def _sidebar_verdict(page: Page, lab, relative: str) -> str:
    """Open the notebook in the lab, press the step's Check, and read the status it shows."""
    page.goto(lab.url(f"lab/workspaces/{relative.split('/')[0]}/tree/{relative}"))
    step = page.locator(f'#pairlab-guide .jp-pairlab-step[data-step-id="{STEP.split("/")[1]}"]')
    step.get_by_role("button", name="Check").click()
    expect(step).not_to_have_attribute("data-status", "unchecked")
    expect(step).not_to_have_attribute("data-status", "running")
    return step.get_attribute("data-status") or ""


@pytest.mark.parametrize("case", CASES)
def test_every_face_gives_the_same_verdict(page: Page, own_lab, welcome_run, capsys, case):
    lab, _ = own_lab
    path = welcome_run(lab.root / case, case == "own-names")
    relative = path.relative_to(lab.root).as_posix()
    library = run_step(path, STEP).verdict
    cli, code = _cli_verdict(path, capsys)
    checkpoint = Checkpoint(STEP, path=path)
    checkpoint.refresh(include_runs=True)
    faces = {
        "library": library,
        "cli": cli,
        "checkpoint": checkpoint.verdict,
        "server": _server_verdict(lab, relative),
        "sidebar": _sidebar_verdict(page, lab, relative),
    }
    assert faces == dict.fromkeys(faces, CASES[case])
    assert code == (0 if CASES[case] == "pass" else 1)
