"""The in-process job worker: claims queued jobs and runs each in one transaction."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from api.clock import Clock
from api.errors import UserFacingError
from api.logs import bind_job
from api.progress import JobEvents
from storage.db import is_sqlite, write_transaction
from storage.files import FileStore
from storage.jobs import JobRow, claim_next, fail, renew_lease, requeue_running, set_progress

log = logging.getLogger("listkeeper.worker")
PROGRESS_EVERY_SECONDS = 0.5
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 3

JobRunner = Callable[..., Awaitable[None]]


@dataclass
class Worker:
    """Runs queued jobs one after the other until stopped."""

    engine: AsyncEngine
    files: FileStore
    clock: Clock
    events: JobEvents
    runners: dict[str, JobRunner]
    poll_seconds: float = 1.0
    jobs_run: int = 0
    _wake: asyncio.Event = field(default_factory=asyncio.Event)

    def wake(self) -> None:
        """A job was queued: look now rather than at the next poll."""
        self._wake.set()

    async def recover(self) -> None:
        """Embedded (SQLite, one process): requeue at once the jobs a stop left running.

        Elsewhere other instances may be running them: their lease tells when to take over.
        """
        if not is_sqlite(self.engine):
            return
        async with write_transaction(self.engine) as conn:
            count = await requeue_running(conn)
        if count:
            log.info("requeued interrupted jobs", extra={"count": count})

    async def run_forever(self) -> None:
        """Claim and run jobs; sleep until woken or the poll interval passes."""
        while True:
            try:
                while await self.run_next():
                    pass
            except Exception:
                log.exception("job worker loop failed; retrying")
            self._wake.clear()
            try:
                async with asyncio.timeout(self.poll_seconds):
                    await self._wake.wait()
            except TimeoutError:
                pass

    async def run_next(self) -> bool:
        """Run the oldest queued job, if any; whether one ran."""
        async with write_transaction(self.engine) as conn:
            job = await claim_next(
                conn, now=self.clock.now(), lease=LEASE, max_attempts=MAX_ATTEMPTS
            )
        if job is None:
            return False
        self.jobs_run += 1
        self.events.publish(job.id)
        heartbeat = asyncio.create_task(self._keep_lease(job.id))
        try:
            with bind_job(job.id, account_id=job.account_id):
                await self._run(job)
        finally:
            heartbeat.cancel()
        self.events.publish(job.id)
        return True

    async def _run(self, job: JobRow) -> None:
        started = time.perf_counter()
        try:
            await self.runners[job.kind](
                job,
                engine=self.engine,
                files=self.files,
                now=self.clock.now,
                progress=self._progress(job.id),
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
        except Exception as error:
            reason = (
                error.message
                if isinstance(error, UserFacingError)
                else "The job failed unexpectedly; nothing was changed."
            )
            if not isinstance(error, UserFacingError):
                log.exception("job failed", extra={"job_id": job.id, "account_id": job.account_id})
            async with write_transaction(self.engine) as conn:
                await fail(conn, job_id=job.id, now=self.clock.now(), error=reason)
        finally:
            if job.upload_key:
                await self.files.delete(job.upload_key)

    async def _keep_lease(self, job_id: int) -> None:
        while True:
            await asyncio.sleep(LEASE.total_seconds() / 4)
            try:
                async with write_transaction(self.engine) as conn:
                    await renew_lease(conn, job_id=job_id, expires_at=self.clock.now() + LEASE)
            except Exception:  # e.g. SQLite busy while the job itself writes; try again later
                log.warning("could not renew the job's lease", exc_info=True)

    def _progress(self, job_id: int) -> Callable[[int, int, int | None], Awaitable[None]]:
        last = 0.0

        async def report(processed: int, rejected: int, total: int | None) -> None:
            nonlocal last
            if time.monotonic() - last < PROGRESS_EVERY_SECONDS:
                return
            last = time.monotonic()
            async with write_transaction(self.engine) as conn:
                await set_progress(
                    conn, job_id=job_id, processed=processed, rejected=rejected, total=total
                )
            self.events.publish(job_id)

        return report
