"""Nothing from outside the root runs (issue 25): a module or package linked in from outside.

`runs-top-to-bottom` once imported and ran `leak_mod.py`, a symlink out of the server root.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from pairlab.checks import run_checks, select

pytestmark = pytest.mark.kernel  # a kernel would start, were the guard to let the run through


def notebook(source: str) -> str:
    """Return a Python notebook with one code cell."""
    cell = {"cell_type": "code", "execution_count": None, "id": "c1", "metadata": {},
            "outputs": [], "source": source}  # fmt: skip
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"}}  # fmt: skip
    return json.dumps({"cells": [cell], "metadata": meta, "nbformat": 4, "nbformat_minor": 5})


@pytest.fixture
def outside(jp_root_dir: Path) -> Path:
    """A folder beside the root holding code that leaves a trace when it runs."""
    folder = jp_root_dir.parent / "outside-code"
    folder.mkdir(exist_ok=True)
    trace = f"import pathlib; pathlib.Path({str(folder / 'RAN')!r}).write_text('ran')\nx = 1\n"
    (folder / "leak_mod.py").write_text(trace)
    (folder / "pkg").mkdir(exist_ok=True)
    (folder / "pkg" / "__init__.py").write_text(trace)
    return folder


def project(root: Path, name: str, source: str) -> Path:
    """Make a folder under the root with a notebook running `source`; return the folder."""
    folder = root / name
    folder.mkdir()
    (folder / "uses.ipynb").write_text(notebook(source))
    return folder


async def test_a_module_linked_from_outside_is_not_run_by_the_check_route(
    jp_fetch, jp_root_dir, outside
):
    folder = project(jp_root_dir, "mods", "import leak_mod\nprint(leak_mod.x)")
    (folder / "leak_mod.py").symlink_to(outside / "leak_mod.py")
    body = {"path": "mods/uses.ipynb", "only": ["runs-top-to-bottom"]}
    try:
        reply = await jp_fetch("pairlab", "check", method="POST", body=json.dumps(body))
    except HTTPClientError as error:  # pragma: no cover - a refusal must still be a verdict
        raise AssertionError(error.response.body if error.response else error) from None
    (result,) = json.loads(reply.body)["results"]
    assert result["status"] == "error", result
    assert "'leak_mod.py' is a symlink leading outside" in result["message"]
    assert str(outside) not in result["message"] and not (outside / "RAN").exists()


@pytest.mark.parametrize(
    ("link", "target", "source", "named"),
    [
        ("pkg", "pkg", "import pkg", "'pkg' is a symlink"),  # a package folder
        ("sub/inner.py", "leak_mod.py", "from sub import inner", "'sub/inner.py' is a symlink"),
        ("compiled.so", "leak_mod.py", "import compiled", "'compiled.so' is a symlink"),
    ],
)
def test_a_package_or_module_inside_a_package_linked_from_outside_is_not_run(
    jp_root_dir, outside, link, target, source, named
):
    folder = project(jp_root_dir, "proj", source)
    (folder / "pyproject.toml").write_text("[project]\nname = 'proj'\n")  # the project's root
    (folder / link).parent.mkdir(exist_ok=True)
    (folder / link).symlink_to(outside / target)
    report = run_checks(folder / "uses.ipynb", select(only=["runs-top-to-bottom"]))
    (result,) = report.results
    assert result.status == "error" and named in result.message, result
    assert not (outside / "RAN").exists()


def test_a_module_beside_a_parent_folder_up_to_the_project_root_is_refused(jp_root_dir, outside):
    top = project(jp_root_dir, "proj", "x = 1")
    (top / "pyproject.toml").write_text("[project]\nname = 'proj'\n")
    deeper = top / "lessons"
    deeper.mkdir()
    (deeper / "uses.ipynb").write_text(notebook("x = 1"))
    (top / "leak_mod.py").symlink_to(outside / "leak_mod.py")
    report = run_checks(deeper / "uses.ipynb", select(only=["runs-top-to-bottom"]))
    (result,) = report.results
    assert result.status == "error" and "'leak_mod.py' is a symlink" in result.message


def test_links_that_stay_inside_and_data_files_do_not_stop_the_run(jp_root_dir, outside):
    folder = project(jp_root_dir, "ok", "import helper\nprint(helper.x)")
    (folder / "real.py").write_text("x = 2\n")
    (folder / "helper.py").symlink_to(folder / "real.py")
    (folder / "data.csv").symlink_to(outside / "leak_mod.py")  # data, not code: not imported
    report = run_checks(folder / "uses.ipynb", select(only=["runs-top-to-bottom"]))
    (result,) = report.results
    assert result.status == "pass", result
