"""A check that outlasts a moment becomes a job: followed, shared, cancelled, and the owner's.

A real in-process Jupyter server runs a notebook whose cell sleeps in a fresh kernel.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import psutil
import pytest
from jupyter_server.auth.identity import IdentityProvider, User
from tornado.httpclient import HTTPClientError

from pairlab.checks._warm_kernels import PARENTS

ASYNC = {"Prefer": "respond-async, wait=1"}
PAIR = [{"name": "Ana", "role": "analyst"}, {"name": "Eli", "role": "engineer"}]
STEP = "welcome/run-in-order"  # in-order and a fresh-kernel run of the notebook
USER_HEADER = "X-Test-User"


class HeaderUser(IdentityProvider):
    """The server's rules, with a header standing in for a user's login cookie (two users)."""

    def get_user_cookie(self, handler: Any) -> Any:
        name = handler.request.headers.get(USER_HEADER)
        return User(username=name) if name else super().get_user_cookie(handler)


@pytest.fixture
def jp_server_config():
    """Load pairlab, and tell users apart by a header."""
    return {
        "ServerApp": {
            "jpserver_extensions": {"pairlab": True},
            "identity_provider_class": HeaderUser,
        }
    }


def notebook(*sources: str) -> str:
    """Return a notebook whose code cells ran once each, in order."""
    cells = [
        {
            "cell_type": "code",
            "execution_count": n,
            "id": f"c{n}",
            "metadata": {},
            "outputs": [],
            "source": source,
        }
        for n, source in enumerate(sources, start=1)
    ]
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    meta = {"kernelspec": kernel, "language_info": {"name": "python"}}
    return json.dumps({"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5})


@pytest.fixture(autouse=True)
def cold_runs(monkeypatch):
    """Run notebooks cold (a papermill process and its kernel): what runs is what is counted."""
    monkeypatch.setenv("PAIRLAB_CHECK_RUNS", "cold")


@pytest.fixture
def root(jp_root_dir: Path) -> Path:
    """Serve a slow notebook (a cell sleeps) and a fast one."""
    slow = notebook("import time", "time.sleep(4)", "answer = 42", "answer")
    (jp_root_dir / "slow.ipynb").write_text(slow)
    (jp_root_dir / "fast.ipynb").write_text(notebook("x = 1", "x"))
    return jp_root_dir


async def call(
    jp_fetch, *path: str, body=None, method=None, headers=None, params=None
) -> tuple[int, Any]:
    """Fetch a pairlab route; return (status, JSON body), error statuses included."""
    # A copy: jp_fetch writes its token into the headers it is given.
    method = method or ("POST" if body is not None else "GET")
    data = None if body is None else json.dumps(body)
    try:
        response = await jp_fetch(
            "pairlab",
            *path,
            method=method,
            body=data,
            headers=dict(headers or {}),
            params=params,
            request_timeout=180,  # a synchronous cold run on a busy machine
        )
    except HTTPClientError as error:
        assert error.response is not None
        return error.code, json.loads(error.response.body)
    return response.code, json.loads(response.body)


async def until_ended(jp_fetch, job: str, limit: float = 120.0) -> dict:
    """Poll the job as the guide does until it is no longer running."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        code, body = await call(jp_fetch, "check", "jobs", job)
        assert code == 200, body
        if body["state"] != "running":
            return body
        await asyncio.sleep(0.3)
    raise AssertionError(f"job {job} still running after {limit} s")


async def until_stopped(jp_fetch, job: str, limit: float = 10.0) -> dict:
    """Poll the job until its clock stops (elapsed freezes when its run has ended)."""
    deadline = time.monotonic() + limit
    _, before = await call(jp_fetch, "check", "jobs", job)
    while time.monotonic() < deadline:
        await asyncio.sleep(0.3)
        _, now = await call(jp_fetch, "check", "jobs", job)
        if now["elapsed"] == before["elapsed"]:
            return now
        before = now
    raise AssertionError(f"job {job}'s run still going {limit} s after it was cancelled")


def kernels_left(before: dict[int, str], grace: float = 3.0) -> list[str]:
    """Return the kernel and papermill processes started since `before`, after a grace to exit."""
    deadline = time.monotonic() + grace
    while (found := kernels_running().keys() - before) and time.monotonic() < deadline:
        time.sleep(0.2)
    return [kernels_running().get(pid, "gone") for pid in found]


def kernels_running() -> dict[int, str]:
    """Return the kernel and papermill processes under this process (the in-process server).

    The warm parent pooled kernels fork from is not one: it runs no notebook.
    """
    found = {}
    warm = PARENTS.pids()
    for child in psutil.Process().children(recursive=True):
        if child.pid in warm:
            continue
        try:
            line = " ".join(child.cmdline())
        except psutil.Error:
            continue
        if "ipykernel" in line or "papermill" in line:
            found[child.pid] = line
    return found


async def start_session(jp_fetch) -> str:
    code, session = await call(jp_fetch, "sessions", body={"participants": PAIR})
    assert code == 201
    return str(session["id"])


async def events(jp_fetch, sid: str, kind: str) -> list[dict]:
    code, body = await call(jp_fetch, "sessions", sid, "events")
    assert code == 200
    return [e["data"] for e in body["events"] if e["kind"] == kind]


@pytest.mark.kernel
async def test_a_slow_check_is_a_job_whose_reply_is_the_synchronous_one(jp_fetch, root):
    sid = await start_session(jp_fetch)
    request = {"path": "slow.ipynb", "step": STEP, "session": sid}
    code, job = await call(jp_fetch, "check", body=request, headers=ASYNC)
    assert code == 202, job
    assert job["state"] == "running" and job["elapsed"] >= 1.0 and "reply" not in job
    ended = await until_ended(jp_fetch, job["job"])
    assert ended["state"] == "done" and ended["elapsed"] > job["elapsed"]
    code, synchronous = await call(jp_fetch, "check", body=request)  # no Prefer: waits
    assert code == 200
    reply = ended["reply"]
    assert reply["verdict"] == "pass" and reply["recorded"] == {"session": sid, "completed": True}
    assert synchronous["recorded"] == {"session": sid, "completed": False}  # completed once
    assert {**reply, "recorded": None} == {**synchronous, "recorded": None}  # the same report
    assert len(await events(jp_fetch, sid, "step-checked")) == 2  # one per run, not per poll


async def test_a_fast_check_answers_at_once_even_when_async_is_preferred(jp_fetch, root):
    code, body = await call(
        jp_fetch, "check", body={"path": "fast.ipynb", "only": ["in-order"]}, headers=ASYNC
    )
    assert code == 200 and body["verdict"] == "pass" and "job" not in body


@pytest.mark.kernel
async def test_two_presses_share_one_job_and_record_the_verdict_once(jp_fetch, root):
    sid = await start_session(jp_fetch)
    request = {"path": "slow.ipynb", "step": STEP, "session": sid}
    before = kernels_running()
    (code1, first), (code2, second) = await asyncio.gather(
        call(jp_fetch, "check", body=request, headers=ASYNC),
        call(jp_fetch, "check", body=request, headers=ASYNC),
    )
    assert (code1, code2) == (202, 202)
    assert first["job"] == second["job"]
    code, third = await call(jp_fetch, "check", body=request, headers=ASYNC)
    assert third["job"] == first["job"]  # a third press while it runs joins too
    other = {"path": "slow.ipynb", "only": ["runs-top-to-bottom"]}  # another request
    code, another = await call(jp_fetch, "check", body=other, headers=ASYNC)
    assert code == 202 and another["job"] != first["job"]
    ended = await until_ended(jp_fetch, first["job"])
    assert ended["state"] == "done" and (await until_ended(jp_fetch, another["job"]))["reply"]
    assert len(await events(jp_fetch, sid, "step-checked")) == 1  # the shared run, once
    assert kernels_left(before) == []


@pytest.mark.kernel
async def test_a_pooled_run_says_which_cell_runs(jp_fetch, root, monkeypatch):
    monkeypatch.setenv("PAIRLAB_CHECK_RUNS", "fast")
    request = {"path": "slow.ipynb", "only": ["runs-top-to-bottom"]}
    code, job = await call(jp_fetch, "check", body=request, headers=ASYNC)
    assert code == 202
    deadline = time.monotonic() + 60
    while (job["progress"] or {}).get("cell") != 2:  # the cell that sleeps
        assert job["state"] == "running" and time.monotonic() < deadline, job
        await asyncio.sleep(0.3)
        code, job = await call(jp_fetch, "check", "jobs", job["job"])
    assert job["progress"] | {"elapsed": 0} == {
        "check": "runs-top-to-bottom",
        "notebook": "slow.ipynb",
        "cell": 2,
        "of": 4,
        "cell_id": "c2",
        "elapsed": 0,
    }
    code, cancelled = await call(jp_fetch, "check", "jobs", job["job"], method="DELETE")
    assert cancelled["state"] == "cancelled"


@pytest.mark.kernel
async def test_cancel_stops_the_run_and_records_nothing(jp_fetch, root):
    sid = await start_session(jp_fetch)
    request = {"path": "slow.ipynb", "step": STEP, "session": sid}
    before = kernels_running()  # another test's pooled kernels may live on in this process
    code, job = await call(jp_fetch, "check", body=request, headers=ASYNC)
    assert code == 202
    code, cancelled = await call(jp_fetch, "check", "jobs", job["job"], method="DELETE")
    assert code == 200 and cancelled["state"] == "cancelled", cancelled
    assert kernels_left(before) == []  # DELETE answers once the run has stopped
    later = await until_stopped(jp_fetch, job["job"])  # its run is over: nothing finishes late
    assert later["state"] == "cancelled" and "reply" not in later
    assert await events(jp_fetch, sid, "step-checked") == []
    code, steps = await call(jp_fetch, "steps", params={"path": "slow.ipynb"})
    assert steps["steps"] == {}
    code, again = await call(jp_fetch, "check", body=request, headers=ASYNC)
    assert code == 202 and again["job"] != job["job"]  # a new press starts afresh
    await call(jp_fetch, "check", "jobs", again["job"], method="DELETE")


@pytest.mark.kernel
async def test_a_job_is_its_owners_alone(jp_fetch, root):
    ana, eli = {**ASYNC, USER_HEADER: "ana"}, {USER_HEADER: "eli"}
    request = {"path": "slow.ipynb", "only": ["runs-top-to-bottom"]}
    code, job = await call(jp_fetch, "check", body=request, headers=ana)
    assert code == 202
    for method in ("GET", "DELETE"):
        code, body = await call(jp_fetch, "check", "jobs", job["job"], method=method, headers=eli)
        assert code == 404 and body["error"] == f"no check job '{job['job']}'"
    code, theirs = await call(jp_fetch, "check", body=request, headers={**eli, **ASYNC})
    assert code == 202 and theirs["job"] != job["job"]  # equal requests of two users: two jobs
    for who, started in ((ana, job), ({**eli, **ASYNC}, theirs)):
        code, body = await call(
            jp_fetch, "check", "jobs", started["job"], method="DELETE", headers=who
        )
        assert code == 200 and body["state"] == "cancelled"


async def test_an_unknown_job_is_a_json_404(jp_fetch, root):
    for method in ("GET", "DELETE"):
        code, body = await call(jp_fetch, "check", "jobs", "0123456789abcdef", method=method)
        assert code == 404 and body["fix"]


async def test_job_routes_refuse_a_request_without_auth(jp_fetch, root):
    code, job = await call(
        jp_fetch,
        "check",
        body={"path": "slow.ipynb", "only": ["runs-top-to-bottom"]},
        headers=ASYNC,
    )
    assert code == 202
    forged = {"Authorization": "", "Cookie": "username-x=forged"}
    for method in ("GET", "DELETE"):
        code, _ = await call(jp_fetch, "check", "jobs", job["job"], method=method, headers=forged)
        assert code == 403, method
    code, body = await call(jp_fetch, "check", "jobs", job["job"])
    assert code == 200 and body["state"] == "running"  # the forged DELETE stopped nothing
    await call(jp_fetch, "check", "jobs", job["job"], method="DELETE")


def _opened(opener: Any, request: Any) -> tuple[int, dict]:
    """Open `request`; return (status, JSON body or {} for a page), error statuses included."""
    try:
        with opener.open(request, timeout=60) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    is_json = body[:1] == b"{"
    return status, json.loads(body) if is_json else {}


@pytest.mark.slow
def test_a_browser_tabs_job_needs_xsrf_to_cancel_and_is_no_one_elses(live_lab):
    """In a real lab: a cookie session (a browser tab) owns its job; the token alone is another."""
    name = "check-jobs-slow.ipynb"
    (live_lab.root / name).write_text(notebook("import time", "time.sleep(30)"))
    try:
        tab = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        assert _opened(tab, live_lab.url("lab"))[0] == 200  # the token login leaves cookies
        jar = next(h.cookiejar for h in tab.handlers if hasattr(h, "cookiejar"))
        xsrf = {"X-XSRFToken": next(c.value for c in jar if c.name == "_xsrf")}
        body = json.dumps({"path": name, "only": ["runs-top-to-bottom"]}).encode()
        post = urllib.request.Request(
            live_lab.url("pairlab/check", token=False), body, {**ASYNC, **xsrf}
        )
        code, job = _opened(tab, post)
        assert code == 202, job
        target = live_lab.url(f"pairlab/check/jobs/{job['job']}", token=False)

        forged = urllib.request.Request(target, method="DELETE")
        assert _opened(tab, forged)[0] == 403  # the cookie alone: the XSRF check refuses
        for method in ("GET", "DELETE"):  # no cookie, the token: its holder, not the tab
            url = live_lab.url(f"pairlab/check/jobs/{job['job']}")
            other = urllib.request.Request(url, method=method)
            assert _opened(urllib.request.build_opener(), other)[0] == 404
        assert _opened(tab, urllib.request.Request(target))[1]["state"] == "running"

        signed = urllib.request.Request(target, method="DELETE", headers=xsrf)
        code, cancelled = _opened(tab, signed)
        assert code == 200 and cancelled["state"] == "cancelled"
    finally:
        (live_lab.root / name).unlink()


async def test_finished_jobs_are_forgotten_beyond_a_bound(monkeypatch):
    """Memory stays bounded: at most KEEP_FINISHED finished jobs, none older than KEEP_SECONDS."""
    from concurrent.futures import Future

    from pairlab.checks import CheckRequest
    from pairlab.server import check_jobs

    monkeypatch.setattr(check_jobs, "KEEP_FINISHED", 3)

    def submit(request, watch) -> Future:
        future: Future = Future()
        future.set_result(None)
        return future

    jobs = check_jobs.CheckJobs(submit)
    started = []
    for n in range(6):
        job = jobs.start("ana", CheckRequest(f"nb{n}.ipynb"), None, lambda report: {"ok": True})
        await job.wait(5)
        started.append(job.id)
    jobs.start("ana", CheckRequest("last.ipynb"), None, lambda report: {"ok": True})
    kept = [i for i in started if i in jobs._jobs]
    assert kept == started[-3:]
    with pytest.raises(check_jobs.NotFound):
        jobs.get("ana", started[0])
    monkeypatch.setattr(check_jobs, "KEEP_SECONDS", 0.0)
    await asyncio.sleep(0.01)
    jobs.start("ana", CheckRequest("after.ipynb"), None, lambda report: {"ok": True})
    assert [i for i in started if i in jobs._jobs] == []


def test_the_prefer_header_sets_the_wait_before_a_202():
    from pairlab.server.checks import async_wait

    assert async_wait(None) is None  # no header: POST waits for the end, as before
    assert async_wait("return=minimal") is None
    assert async_wait("respond-async") == 1.0
    assert async_wait("respond-async, wait=5") == 5.0
    assert async_wait("Respond-Async; WAIT=0.5") == 0.5
    assert async_wait("respond-async, wait=600") == 30.0  # at most 30 s
