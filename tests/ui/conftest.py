"""Browser tier: Debian's Chromium driven by Playwright's Python API, never a downloaded one."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

# A kernel start or a server round trip on a busy 2-core machine can take seconds.
expect.set_options(timeout=30_000)
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "ui"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """Give each test a fresh browser context, so no state leaks between tests."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


@pytest.fixture
def output_dir(request: pytest.FixtureRequest) -> Path:
    """Return the folder where this test saves screenshots."""
    folder = OUTPUT / request.node.name.replace("/", "_")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write_notebook(folder: Path, name: str, *sources: str) -> str:
    """Write a Python notebook with one code cell per source; return its name."""
    cells = [
        {"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {},
         "outputs": [], "source": source}
        for i, source in enumerate(sources, start=1)
    ]  # fmt: skip
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = {"cells": cells, "metadata": {"kernelspec": kernel}, "nbformat": 4,
                "nbformat_minor": 5}  # fmt: skip
    (folder / name).write_text(json.dumps(notebook))
    return name


@pytest.fixture
def write_notebook() -> Callable[..., str]:
    """Return a function that writes a small Python notebook into a lab's root."""
    return _write_notebook


def _wait_until_restored(page: Page) -> None:
    """Wait until the lab has restored its layout: JupyterLab then takes its splash away."""
    page.wait_for_selector("#jupyterlab-splash", state="detached")


@pytest.fixture
def wait_until_restored() -> Callable[[Page], None]:
    """Return a function that waits until a lab page has restored (what a reload brings back)."""
    return _wait_until_restored


def _wait_until_saved(
    lab: Any, name: str, holds: Callable[[dict[str, Any]], bool], seconds: float = 30
) -> dict[str, Any]:
    """Poll the workspace `name` the lab keeps on the server until `holds(data)`; return it."""
    deadline = time.monotonic() + seconds
    while True:
        with urllib.request.urlopen(lab.url(f"lab/api/workspaces/{name}"), timeout=10) as reply:
            data: dict[str, Any] = json.loads(reply.read())["data"]
        if holds(data):
            return data
        assert time.monotonic() < deadline, f"workspace {name} was not saved as expected: {data}"
        time.sleep(0.1)


@pytest.fixture
def wait_until_saved() -> Callable[..., dict[str, Any]]:
    """Return a function that waits until a lab has saved a workspace that holds a condition."""
    return _wait_until_saved
