"""The job worker: claims queued or orphaned jobs and runs each in one transaction.

How a job stays with one worker, and comes back when that worker dies: before claiming a
job the worker takes the job's liveness lock (`storage.job_locks`: a PostgreSQL session
advisory lock, or a file lock on SQLite) and holds it until the job has ended. Every poll
(`poll_seconds`, and at once when a job is queued here) looks at every QUEUED or RUNNING
job: a RUNNING job whose lock it can take lost its worker, and is claimed again (one more
attempt, at most MAX_ATTEMPTS) and run while holding that lock; a RUNNING job whose lock is
held belongs to a live worker and is never touched. Nothing is requeued wholesale at start,
and there is no lease to wait out. Should the lock ever be lost while its worker lives (the
session cut), the run is stopped, and its attempt can commit nothing: the job's `attempts`
fences every write of a superseded attempt (`storage.jobs`).

A job asked to stop is stopped mid-statement: beside each run a watcher task looks for a
cancel request (made in this process: every WATCH_SECONDS; a SQLite request file,
`storage.cancel_requests`: likewise; the job's CANCELLING status: every CANCEL_CHECK_SECONDS,
one indexed read) and then requests the run's `Interrupt` (`storage.db`): the statement
running on the job's connections stops (SQLite: its progress handler; PostgreSQL: the
watcher cancels the job's backends, again every CANCEL_CHECK_SECONDS while the run lasts),
and the runner's next checkpoint raises JobCancelled. Either way the run's transaction rolls
back and the job ends CANCELLED; a statement stopped for any other reason (no interrupt
requested) fails the job as before. A CANCELLING job whose worker died is claimed only to
end it CANCELLED.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from api.clock import Clock
from api.errors import UserFacingError
from api.jobs import JobKind, JobRunner
from api.logs import bind_job
from api.progress import JobEvents
from storage.cancel_requests import CancelRequests, cancel_requests
from storage.db import Interrupt, interruptible, read_transaction, write_transaction
from storage.files import FileStore
from storage.job_locks import JobLock, JobLocks, job_locks
from storage.jobs import (
    JobCancelled,
    JobRow,
    JobStatus,
    JobTakenOver,
    active_job_ids,
    claim_job,
    end_cancelled,
    fail,
    job_by_id,
    job_status,
    set_progress,
)

log = logging.getLogger("listkeeper.worker")
PROGRESS_EVERY_SECONDS = 0.5
MAX_ATTEMPTS = 3
# How often a running job's lock is checked (on PostgreSQL this also keeps its session busy
# enough for idle-connection reapers to leave it alone).
LOCK_CHECK_SECONDS = 5.0
# How often a running job's watcher asks the database whether the job was asked to stop
# (one indexed read): a cancel made on another instance takes effect within about this.
CANCEL_CHECK_SECONDS = 0.2
# How often it looks for a request made in this process or a SQLite request file (no query).
WATCH_SECONDS = 0.05
# Active jobs looked at per poll: one running job per live worker, then the queue's head.
CANDIDATES = 1000


@dataclass
class Worker:
    """Runs queued jobs one after the other until stopped."""

    engine: AsyncEngine
    files: FileStore
    clock: Clock
    events: JobEvents
    runners: Mapping[JobKind, JobRunner]
    poll_seconds: float = 1.0
    # Set when a job is queued in this process (`Services.wake_worker`).
    queued: asyncio.Event = field(default_factory=asyncio.Event)
    jobs_run: int = 0
    # Cancelled runs stopped in the middle of a statement (not at a checkpoint).
    statements_stopped: int = 0
    locks: JobLocks = field(init=False)
    cancel_requests: CancelRequests = field(init=False)

    def __post_init__(self) -> None:
        self.locks = job_locks(self.engine)
        self.cancel_requests = cancel_requests(self.engine)

    async def run_forever(self) -> None:
        """Claim and run jobs; sleep until woken or the poll interval passes."""
        log.info("job worker started")
        while True:
            try:
                while await self.run_next():
                    pass
            except Exception:
                log.exception("job worker loop failed; retrying")
            self.queued.clear()
            try:
                async with asyncio.timeout(self.poll_seconds):
                    await self.queued.wait()
            except TimeoutError:
                pass

    async def run_next(self) -> bool:
        """Run the oldest job that is queued or has lost its worker; whether one was found."""
        async with read_transaction(self.engine) as conn:
            candidates = await active_job_ids(conn, now=self.clock.now(), limit=CANDIDATES)
        for job_id in candidates:
            lock = await self.locks.try_lock(job_id)
            if lock is None:
                continue  # its worker is alive, or another worker is claiming it right now
            try:
                if await self._work_on(job_id, lock):
                    return True
            finally:
                await self._let_go(job_id, lock)
        return False

    async def _work_on(self, job_id: int, lock: JobLock) -> bool:
        """Claim and run a job whose lock we hold; False if it had ended meanwhile."""
        async with write_transaction(self.engine) as conn:
            job = await claim_job(
                conn, job_id=job_id, now=self.clock.now(), max_attempts=MAX_ATTEMPTS
            )
        if job is None:
            return False
        if job.status == JobStatus.RUNNING:
            await self._run_claimed(job, lock)
        elif job.status == JobStatus.CANCELLED:
            log.info(
                "job cancelled: its worker had died while it was being cancelled",
                extra={"job_id": job.id, "account_id": job.account_id},
            )
        else:
            log.warning(
                "job failed: interrupted too many times",
                extra={"job_id": job.id, "account_id": job.account_id, "attempts": job.attempts},
            )
        self.events.publish(job.id)
        return True

    async def _let_go(self, job_id: int, lock: JobLock) -> None:
        """Release the job's lock; once the job has ended, remove its upload and lock file."""
        # Asked of the database whatever happened here (even a cancellation just after the
        # job's commit): an upload goes only once the end is committed, as a rerun needs it.
        ended = False
        try:
            async with read_transaction(self.engine) as conn:
                job = await job_by_id(conn, job_id=job_id)
            ended = job is None or job.finished
            if ended:
                self.cancel_requests.forget(job_id)
            if job is not None and ended and job.upload_key:
                await self.files.delete(job.upload_key)
        except Exception:
            log.warning("could not tell whether the job ended", exc_info=True)
        finally:
            await lock.release(ended=ended)

    async def _run_claimed(self, job: JobRow, lock: JobLock) -> None:
        """Run a claimed job while watching that its lock is still ours."""
        self.jobs_run += 1
        self.events.publish(job.id)
        if job.attempts > 1:
            log.info("job taken over", extra={"job_id": job.id, "attempts": job.attempts})
        with bind_job(job.id, account_id=job.account_id):
            interrupt = Interrupt()
            run = asyncio.create_task(self._run(job, interrupt))
            watch = asyncio.create_task(self._watch(lock, run))
            # Created here, outside the run's `interruptible`: its own reads never stop.
            stop = asyncio.create_task(self._watch_cancel(job, interrupt))
            try:
                await run
            except asyncio.CancelledError:
                if not (watch.done() and not _being_cancelled()):
                    raise
                # The lock was lost and the run stopped: the job is not ours any more.
            finally:
                watch.cancel()
                stop.cancel()

    async def _watch(self, lock: JobLock, run: asyncio.Task[None]) -> None:
        while True:
            await asyncio.sleep(LOCK_CHECK_SECONDS)
            if not await _answers(lock):
                log.warning("lost the job's lock; stopping this attempt (it rolls back)")
                run.cancel()
                return

    async def _watch_cancel(self, job: JobRow, interrupt: Interrupt) -> None:
        """Request the run's interrupt once the job is asked to stop; then keep it stopping."""
        next_read = time.monotonic() + CANCEL_CHECK_SECONDS
        while not (self.events.cancel_asked(job.id) or self.cancel_requests.asked(job.id)):
            if time.monotonic() >= next_read:
                next_read = time.monotonic() + CANCEL_CHECK_SECONDS
                if await self._cancelling(job):
                    break
            await asyncio.sleep(WATCH_SECONDS)
        interrupt.request()
        log.info("job asked to stop; stopping its statement", extra={"job_id": job.id})
        while True:
            try:
                await interrupt.stop_statements(self.engine)
            except Exception:
                log.warning("could not cancel the job's statement; retrying", exc_info=True)
            # A backend between two statements ignores a cancel: repeat while the run lasts.
            await asyncio.sleep(CANCEL_CHECK_SECONDS)

    async def _cancelling(self, job: JobRow) -> bool:
        """Whether the job is marked CANCELLING (asked on any instance); no on a failed read."""
        try:
            async with read_transaction(self.engine) as conn:
                return await job_status(conn, job_id=job.id) == JobStatus.CANCELLING
        except Exception:
            log.warning("could not read whether the job was cancelled", exc_info=True)
            return False

    async def _run(self, job: JobRow, interrupt: Interrupt) -> None:
        """Run the job to its end, unless another attempt supersedes this one."""
        started = time.perf_counter()
        try:
            with interruptible(interrupt):
                await self.runners[JobKind(job.kind)](
                    job,
                    engine=self.engine,
                    files=self.files,
                    now=self.clock.now,
                    progress=self._progress(job),
                    checkpoint=self._checkpoint(job, interrupt),
                )
            log.info(
                "job succeeded",
                extra={
                    "job_id": job.id,
                    "account_id": job.account_id,
                    "kind": job.kind,
                    "duration_ms": round((time.perf_counter() - started) * 1000),
                },
            )
        except JobTakenOver:
            log.warning("job taken over by another worker; this attempt rolled back")
        except JobCancelled:
            await self._end_cancelled(job)
        except Exception as error:
            if interrupt.caused(error):  # its statement was stopped on request
                self.statements_stopped += 1
                await self._end_cancelled(job)
            else:
                await self._fail(job, error)

    async def _end_cancelled(self, job: JobRow) -> None:
        """The run rolled back on request: mark the job CANCELLED, unless another attempt runs it."""
        async with write_transaction(self.engine) as conn:
            ours = await end_cancelled(
                conn, job_id=job.id, attempt=job.attempts, now=self.clock.now()
            )
        if ours:
            log.info("job cancelled", extra={"job_id": job.id, "account_id": job.account_id})
        else:
            log.warning("job taken over by another worker; this attempt's cancel not kept")

    async def _fail(self, job: JobRow, error: Exception) -> None:
        """Record why the job failed, unless another attempt runs it now."""
        if isinstance(error, UserFacingError):
            reason = error.message
        else:
            reason = "The job failed unexpectedly; nothing was changed."
            log.exception("job failed", extra={"job_id": job.id, "account_id": job.account_id})
        async with write_transaction(self.engine) as conn:
            ours = await fail(
                conn, job_id=job.id, attempt=job.attempts, now=self.clock.now(), error=reason
            )
        if not ours:
            log.warning("job taken over by another worker; this attempt's failure not kept")

    def _progress(self, job: JobRow) -> Callable[[int, int, int | None], Awaitable[None]]:
        last = 0.0

        async def report(processed: int, rejected: int, total: int | None) -> None:
            nonlocal last
            if time.monotonic() - last < PROGRESS_EVERY_SECONDS:
                return
            last = time.monotonic()
            async with write_transaction(self.engine) as conn:
                await set_progress(
                    conn,
                    job_id=job.id,
                    attempt=job.attempts,
                    processed=processed,
                    rejected=rejected,
                    total=total,
                )
            self.events.publish(job.id)

        return report

    def _checkpoint(self, job: JobRow, interrupt: Interrupt) -> Callable[[], Awaitable[None]]:
        """Raises JobCancelled once the job was asked to stop (its watcher heard it, or here)."""

        async def checkpoint() -> None:
            if interrupt.requested or self.events.cancel_asked(job.id):
                raise JobCancelled(job.id)

        return checkpoint


async def _answers(lock: JobLock) -> bool:
    """Whether the lock is still ours; a check that hangs (a network cut) counts as no."""
    try:
        async with asyncio.timeout(LOCK_CHECK_SECONDS):
            return await lock.alive()
    except TimeoutError:
        return False


def _being_cancelled() -> bool:
    """Whether the current task itself is being cancelled (shutdown), not just its child."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
