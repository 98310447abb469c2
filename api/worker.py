"""The job worker: claims queued or orphaned jobs and runs up to `concurrency` of them at once.

How a job stays with one worker, and comes back when that worker dies: before claiming a
job the worker takes the job's liveness lock (`storage.job_locks`: a PostgreSQL session
advisory lock, or a file lock on SQLite) and holds it until the job has ended. Every look at
the queue (every `poll_seconds`; at once when a job is queued in this process, when a
PostgreSQL notice says one was queued anywhere (`storage.job_notify`), and when one of its
runs ends) goes over every QUEUED or RUNNING job: a RUNNING job whose lock it can take lost
its worker, and is claimed again (one more attempt, at most MAX_ATTEMPTS) and run while
holding that lock; a RUNNING job whose lock is held belongs to a live worker and is never
touched (nor probed again for `poll_seconds`: a look woken sooner, by a notice or a freed
slot, skips the jobs whose lock another worker held at the last full look, as each probe
costs a session and three round trips, and a claim would cost that for every job running
elsewhere; a dead worker's job is still taken over at a look `poll_seconds` after the last
full one, and a job handed back is announced with its id, which clears it); a QUEUED job
waits while an older job of its group is active (`storage.jobs`, GROUP_FREE), so one
group's jobs never overlap, on any host. Nothing is requeued wholesale at start, and there
is no lease to wait out. Should the lock ever be lost while its worker lives (the session
cut), the run is stopped, and its attempt can commit nothing: the job's
`attempts` fences every write of a superseded attempt (`storage.jobs`).

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

A draining worker (`drain`, on SIGTERM) claims nothing more, lets its runs end within the
grace period, then stops the rest the same way and hands each back QUEUED with its attempt
not counted (`storage.jobs.hand_back`), announced so that another worker takes it at once.
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
from storage.job_notify import QueueListener, notices_supported
from storage.jobs import (
    JobCancelled,
    JobRow,
    JobStatus,
    JobTakenOver,
    active_job_ids,
    claim_job,
    end_cancelled,
    fail,
    hand_back,
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
# After the grace period, how long a stopped run may take to roll back and be handed back
# before its task is cancelled outright (its job is then taken over, one attempt used).
HAND_BACK_SECONDS = 5.0
# Wake-up reasons whose look probes every active job's lock, even those held elsewhere at the
# last look (besides every look `poll_seconds` after the last full one).
FULL_LOOKS = ("start", "poll", "listening")


@dataclass
class JobRun:
    """One claimed job being run by this worker."""

    job: JobRow
    interrupt: Interrupt = field(default_factory=Interrupt)
    # Stopped by a drain, not a cancel: the job goes back to the queue.
    handing_back: bool = False
    task: asyncio.Task[None] | None = None


@dataclass
class Worker:
    """Runs queued jobs, up to `concurrency` at once, until drained or cancelled."""

    engine: AsyncEngine
    files: FileStore
    clock: Clock
    events: JobEvents
    runners: Mapping[JobKind, JobRunner]
    poll_seconds: float = 1.0
    concurrency: int = 1
    # Listen for queued-job notices (PostgreSQL); off: polls alone find other processes' jobs.
    notices: bool = True
    # Set when a job is queued in this process (`Services.wake_worker`), when a notice says a
    # job was queued anywhere, and when a run ends (a slot is free).
    queued: asyncio.Event = field(default_factory=asyncio.Event)
    jobs_run: int = 0
    # Cancelled runs stopped in the middle of a statement (not at a checkpoint).
    statements_stopped: int = 0
    # Runs stopped by a drain and queued again.
    handed_back: int = 0
    locks: JobLocks = field(init=False)
    cancel_requests: CancelRequests = field(init=False)
    runs: dict[int, JobRun] = field(init=False, default_factory=dict)
    draining: bool = field(init=False, default=False)
    # Why `queued` was set, for the claim's log line (the first reason since the last look).
    woken_by: str | None = field(init=False, default=None)
    # Active jobs whose lock another worker held when last probed: not probed again until the
    # next full look (`poll_seconds` after the last), unless a notice names them.
    held_elsewhere: set[int] = field(init=False, default_factory=set)
    full_look_at: float = field(init=False, default=-float("inf"))

    def __post_init__(self) -> None:
        self.locks = job_locks(self.engine)
        self.cancel_requests = cancel_requests(self.engine)

    async def run_forever(self) -> None:
        """Claim jobs into free slots; sleep until woken or the poll interval passes."""
        listening = self._listen()
        log.info(
            "job worker started",
            extra={"concurrency": self.concurrency, "notices": listening is not None},
        )
        reason = "start"
        try:
            while not self.draining:
                # Cleared before looking: a job queued while we look wakes the next sleep.
                self.queued.clear()
                self.woken_by = None
                try:
                    await self._fill_slots(reason)
                except Exception:
                    log.exception("job worker loop failed; retrying")
                reason = await self._sleep()
        finally:
            if listening is not None:
                listening.cancel()
                await asyncio.gather(listening, return_exceptions=True)

    def wake(self, reason: str) -> None:
        """Look at the queue now rather than at the next poll."""
        if not self.queued.is_set():
            self.woken_by = reason
            self.queued.set()

    def _listen(self) -> asyncio.Task[None] | None:
        """On PostgreSQL, listen for queued-job notices beside the loop."""
        if not (self.notices and notices_supported(self.engine)):
            return None
        listener = QueueListener(self.engine, on_notice=self._heard)
        return asyncio.create_task(listener.listen_forever(), name="listkeeper-job-notices")

    def _heard(self, job_id: int | None) -> None:
        if job_id is not None:
            self.held_elsewhere.discard(job_id)  # queued again (handed back): free to claim
        self.wake("notify" if job_id is not None else "listening")

    async def _sleep(self) -> str:
        """Wait for a wake-up or the poll interval; why the next look happens."""
        try:
            async with asyncio.timeout(self.poll_seconds):
                await self.queued.wait()
        except TimeoutError:
            return "poll"
        return self.woken_by or "queued here"

    async def _fill_slots(self, reason: str) -> None:
        """Claim jobs and start them until every slot is taken or none is claimable."""
        full = self._full_look(reason)
        while len(self.runs) < self.concurrency and not self.draining:
            claimed = await self._claim_next(full=full)
            full = False  # every active job was just probed
            if claimed is None:
                return
            job, lock = claimed
            log.info(
                "job claimed",
                extra={
                    "job_id": job.id,
                    "attempt": job.attempts,
                    "woken_by": reason,
                    "running": len(self.runs) + 1,
                },
            )
            self._start(JobRun(job), lock)

    def _full_look(self, reason: str) -> bool:
        """Whether this look probes the jobs held elsewhere at the last one (and so is full)."""
        now = time.monotonic()
        if reason in FULL_LOOKS or now - self.full_look_at >= self.poll_seconds:
            self.full_look_at = now
            return True
        return False

    def _start(self, run: JobRun, lock: JobLock) -> None:
        self.runs[run.job.id] = run
        run.task = asyncio.create_task(
            self._run_and_let_go(run, lock), name=f"listkeeper-job-{run.job.id}"
        )
        run.task.add_done_callback(lambda _task: self._ended(run.job.id))

    def _ended(self, job_id: int) -> None:
        self.runs.pop(job_id, None)
        self.wake("slot free")

    async def run_next(self) -> bool:
        """Run the oldest claimable job to its end, here; whether one was found."""
        claimed = await self._claim_next()
        if claimed is None:
            return False
        job, lock = claimed
        run = JobRun(job)
        self.runs[job.id] = run
        try:
            await self._run_and_let_go(run, lock)
        finally:
            self.runs.pop(job.id, None)
        return True

    async def drain(self, grace_seconds: float) -> None:
        """Claim nothing more; let the runs end within the grace, then hand the rest back."""
        self.draining = True
        self.queued.set()
        tasks = {run.task for run in self.runs.values() if run.task is not None}
        if not tasks:
            return
        log.info("draining: waiting for running jobs", extra={"running": len(tasks)})
        _, pending = await asyncio.wait(tasks, timeout=grace_seconds)
        if not pending:
            return
        for run in list(self.runs.values()):
            if run.task in pending:
                log.info(
                    "draining: stopping the job to queue it again", extra={"job_id": run.job.id}
                )
                run.handing_back = True
                run.interrupt.request()
        _, stuck = await asyncio.wait(pending, timeout=HAND_BACK_SECONDS)
        for task in stuck:
            task.cancel()
        await asyncio.gather(*stuck, return_exceptions=True)

    async def _claim_next(self, *, full: bool = True) -> tuple[JobRow, JobLock] | None:
        """Claim the oldest claimable job (ending on the way those only to be ended); the
        job, RUNNING, and its lock, or None. Unless `full`, the jobs held elsewhere at the
        last look are not probed."""
        async with read_transaction(self.engine) as conn:
            candidates = await active_job_ids(conn, now=self.clock.now(), limit=CANDIDATES)
        self.held_elsewhere.intersection_update(candidates)
        for job_id in candidates:
            if job_id in self.runs or self.draining:
                continue
            if not full and job_id in self.held_elsewhere:
                continue
            lock = await self.locks.try_lock(job_id)
            if lock is None:
                # Its worker is alive, or another worker is claiming it right now.
                self.held_elsewhere.add(job_id)
                continue
            self.held_elsewhere.discard(job_id)
            job = None
            try:
                job = await self._claim(job_id)
            finally:
                if job is None or job.status != JobStatus.RUNNING:
                    await self._let_go(job_id, lock)
            if job is not None and job.status == JobStatus.RUNNING:
                return job, lock
        return None

    async def _claim(self, job_id: int) -> JobRow | None:
        """Claim a job whose lock we hold: RUNNING to run, ended (logged), or None (not
        claimable: ended meanwhile, or its group busy)."""
        async with write_transaction(self.engine) as conn:
            job = await claim_job(
                conn, job_id=job_id, now=self.clock.now(), max_attempts=MAX_ATTEMPTS
            )
        if job is None or job.status == JobStatus.RUNNING:
            return job
        if job.status == JobStatus.CANCELLED:
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
        return job

    async def _run_and_let_go(self, run: JobRun, lock: JobLock) -> None:
        """Run a claimed job, then release its lock (and its upload once it has ended)."""
        try:
            await self._run_claimed(run, lock)
            self.events.publish(run.job.id)
        except Exception:
            log.exception("job run failed in the worker", extra={"job_id": run.job.id})
        finally:
            await self._let_go(run.job.id, lock)

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

    async def _run_claimed(self, run: JobRun, lock: JobLock) -> None:
        """Run a claimed job while watching that its lock is still ours."""
        job = run.job
        self.jobs_run += 1
        self.events.publish(job.id)
        if job.attempts > 1:
            log.info("job taken over", extra={"job_id": job.id, "attempts": job.attempts})
        with bind_job(job.id, account_id=job.account_id):
            task = asyncio.create_task(self._run(run))
            watch = asyncio.create_task(self._watch(lock, task))
            # Created here, outside the run's `interruptible`: its own reads never stop.
            stop = asyncio.create_task(self._watch_cancel(run))
            try:
                await task
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

    async def _watch_cancel(self, run: JobRun) -> None:
        """Request the run's interrupt once the job is asked to stop (or a drain requested
        it); then keep it stopping."""
        job, interrupt = run.job, run.interrupt
        next_read = time.monotonic() + CANCEL_CHECK_SECONDS
        while not (interrupt.requested or self._cancel_asked(job)):
            if time.monotonic() >= next_read:
                next_read = time.monotonic() + CANCEL_CHECK_SECONDS
                if await self._cancelling(job):
                    break
            await asyncio.sleep(WATCH_SECONDS)
        interrupt.request()
        why = "draining" if run.handing_back else "asked to stop"
        log.info(f"job {why}; stopping its statement", extra={"job_id": job.id})
        while True:
            try:
                await interrupt.stop_statements(self.engine)
            except Exception:
                log.warning("could not cancel the job's statement; retrying", exc_info=True)
            # A backend between two statements ignores a cancel: repeat while the run lasts.
            await asyncio.sleep(CANCEL_CHECK_SECONDS)

    def _cancel_asked(self, job: JobRow) -> bool:
        """Whether a cancel was asked here or in a SQLite request file (no query)."""
        return self.events.cancel_asked(job.id) or self.cancel_requests.asked(job.id)

    async def _cancelling(self, job: JobRow) -> bool:
        """Whether the job is marked CANCELLING (asked on any instance); no on a failed read."""
        try:
            async with read_transaction(self.engine) as conn:
                return await job_status(conn, job_id=job.id) == JobStatus.CANCELLING
        except Exception:
            log.warning("could not read whether the job was cancelled", exc_info=True)
            return False

    async def _run(self, run: JobRun) -> None:
        """Run the job to its end, unless another attempt supersedes this one."""
        job, interrupt = run.job, run.interrupt
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
            await self._end_stopped(run)
        except Exception as error:
            if interrupt.caused(error):  # its statement was stopped on request
                self.statements_stopped += 1
                await self._end_stopped(run)
            else:
                await self._fail(job, error)

    async def _end_stopped(self, run: JobRun) -> None:
        """The run rolled back on request: queue the job again if a drain stopped it (and
        nobody asked to cancel it meanwhile), else end it CANCELLED."""
        if run.handing_back and not self._cancel_asked(run.job) and await self._hand_back(run.job):
            return
        await self._end_cancelled(run.job)

    async def _hand_back(self, job: JobRow) -> bool:
        """Queue the job again, this attempt not counted; False if it is not ours to (a
        cancel marked it CANCELLING, or another attempt runs it)."""
        async with write_transaction(self.engine) as conn:
            ours = await hand_back(conn, job_id=job.id, attempt=job.attempts)
        if ours:
            self.handed_back += 1
            log.info(
                "job handed back to the queue (draining); its attempt is not counted",
                extra={"job_id": job.id, "account_id": job.account_id},
            )
        return ours

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
