"""Check jobs: a check that outlasts a moment becomes a job the guide watches and cancels.

A job runs one check request on the check service's workers with a `Watch`: its progress
is kept for GET, and DELETE cancels it. Two presses of Check on the same request (same
user, path, step or checks, session) while one runs share the job. The step's verdict is
recorded once, when the job finishes, and never for a cancelled job. Finished jobs are
forgotten after `KEEP_SECONDS`, and at most `KEEP_FINISHED` of them are kept.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from pairlab.checks import CheckRequest, Progress, Report, Watch
from pairlab.errors import Cancelled, NotFound, PairlabError, reply
from pairlab.locale import _

KEEP_SECONDS = 600.0
KEEP_FINISHED = 64
CANCEL_WAIT = 10.0  # DELETE waits this long for the run to stop, so its reply is the truth
INTERNAL = _("internal error in pairlab; see the server log")

Submit = Callable[[CheckRequest, Watch], "Future[Report]"]
"""Start a request's run on the check workers and return its future."""

Recorder = Callable[[Report], dict[str, Any]]
"""Turn a finished report into the reply POST gives (a step's verdict recorded on the way)."""

log = logging.getLogger(__name__)


@dataclass(eq=False)
class CheckJob:
    """One running or finished check: whose, what, where it is, and how it ended."""

    id: str
    owner: str
    key: tuple[str, CheckRequest, str | None]
    watch: Watch
    state: str = "running"  # running | done | cancelled | error
    progress: Progress | None = None
    reply: dict[str, Any] | None = None
    problem: BaseException | None = None
    ended: float | None = None
    future: Future[Report] | None = None
    task: asyncio.Future[None] | None = None  # held: the loop keeps only weak references
    finished: asyncio.Event = field(default_factory=asyncio.Event)

    def elapsed(self) -> float:
        """Return the seconds the job ran (until now, while it runs)."""
        end = self.ended if self.ended is not None else time.monotonic()
        return end - self.watch.started

    async def wait(self, seconds: float | None) -> bool:
        """Wait up to `seconds` (None: until it ends); return whether the job has ended."""
        try:
            await asyncio.wait_for(self.finished.wait(), seconds)
        except TimeoutError:
            return False
        return True

    def result(self) -> dict[str, Any]:
        """Return the reply POST gives, or raise what stopped the check."""
        if self.state == "cancelled":
            raise Cancelled(_("the check was cancelled"), _("press Check again to run it"))
        if self.problem is not None:
            raise self.problem
        assert self.reply is not None  # a done job always has its reply
        return self.reply

    def to_json(self) -> dict[str, Any]:
        """Return the job as GET answers it: state, progress, elapsed, and how it ended."""
        body: dict[str, Any] = {
            "job": self.id,
            "state": self.state,
            "progress": self.progress.to_json() if self.progress else None,
            "elapsed": round(self.elapsed(), 1),
        }
        if self.state == "done":
            body["reply"] = self.reply
        elif self.state == "error":
            status, words = reply(self.problem, 500, INTERNAL)
            body["problem"] = {"status": status, **words}
        return body


class CheckJobs:
    """The server's check jobs, by id and by request; used only on the event loop."""

    def __init__(self, submit: Submit) -> None:
        self.submit = submit
        self._jobs: dict[str, CheckJob] = {}
        self._running: dict[tuple[str, CheckRequest, str | None], CheckJob] = {}

    def start(
        self, owner: str, request: CheckRequest, session: str | None, record: Recorder
    ) -> CheckJob:
        """Return the running job for this request, or start one on the check workers."""
        self._forget_old()
        key = (owner, request, session)
        running = self._running.get(key)
        if running is not None:
            return running
        job = CheckJob(secrets.token_hex(8), owner, key, Watch())
        job.watch.on_progress = lambda progress: setattr(job, "progress", progress)
        job.future = self.submit(request, job.watch)
        self._jobs[job.id] = self._running[key] = job
        job.task = asyncio.ensure_future(self._finish(job, job.future, record))
        return job

    def get(self, owner: str, job_id: str) -> CheckJob:
        """Return the user's job `job_id`, or refuse (another user's job is not found either)."""
        job = self._jobs.get(job_id)
        if job is None or job.owner != owner:
            raise NotFound(
                _("no check job '{job}'", job=job_id),
                _("press Check again: finished jobs are forgotten"),
            )
        return job

    async def cancel(self, owner: str, job_id: str) -> CheckJob:
        """Stop the user's job and wait (a while) until its run has stopped."""
        job = self.get(owner, job_id)
        if job.state == "running":
            job.state = "cancelled"
            self._running.pop(job.key, None)  # a new press starts afresh, not this job
            job.watch.cancel()
            if job.future is not None:
                job.future.cancel()  # still queued: it never starts
            await job.wait(CANCEL_WAIT)
        return job

    def cancel_all(self) -> None:
        """Ask every running job to stop (the server is closing)."""
        for job in self._running.values():
            job.watch.cancel()

    async def _finish(self, job: CheckJob, future: Future[Report], record: Recorder) -> None:
        """Wait for the run, then keep its reply (recording the verdict once) or its problem."""
        try:
            report = await asyncio.wrap_future(future)
            if job.state == "running":  # a cancelled job's late report is never recorded
                job.reply = record(report)
                job.state = "done"
        except (Cancelled, asyncio.CancelledError):
            job.state = "cancelled"
        except PairlabError as exc:
            job.problem, job.state = exc, "error"
        except Exception as exc:
            log.exception("pairlab check job %s failed", job.id)
            job.problem, job.state = exc, "error"
        finally:
            job.ended = time.monotonic()
            if self._running.get(job.key) is job:
                del self._running[job.key]
            job.finished.set()

    def _forget_old(self) -> None:
        """Drop finished jobs older than KEEP_SECONDS, and the oldest beyond KEEP_FINISHED."""
        now = time.monotonic()
        ended = sorted(
            (j for j in self._jobs.values() if j.ended is not None), key=lambda j: j.ended or 0.0
        )
        too_many = len(ended) - KEEP_FINISHED
        for index, job in enumerate(ended):
            if index < too_many or now - (job.ended or now) > KEEP_SECONDS:
                del self._jobs[job.id]
