"""Claiming jobs: one liveness lock per job, take-over once it is free, fenced attempts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import is_sqlite, write_transaction
from storage.job_locks import FileJobLock, JobLock, job_locks
from storage.jobs import (
    JobRow,
    JobTakenOver,
    active_job_ids,
    claim_job,
    create_job,
    fail,
    finish,
    job_by_id,
    set_progress,
)
from storage.sql import run, scalar

NOW = datetime(2026, 3, 1, tzinfo=UTC)


async def new_job(engine: AsyncEngine) -> int:
    """A queued import job of a new account."""
    async with write_transaction(engine) as conn:
        await run(
            conn,
            "INSERT INTO account (name, backups_enabled, backup_retention_days, created_at)"
            " VALUES ('jobs', true, 30, :now)",
            now=NOW,
        )
        account_id = await scalar(conn, "SELECT id FROM account WHERE name = 'jobs'")
        return await create_job(
            conn, now=NOW, account_id=account_id, kind="IMPORT", mode="ADD", new_group_name="g"
        )


async def claim(engine: AsyncEngine, job_id: int) -> JobRow | None:
    """What a worker holding the job's lock claims."""
    async with write_transaction(engine) as conn:
        return await claim_job(conn, job_id=job_id, now=NOW, max_attempts=3)


async def candidates(engine: AsyncEngine, at: datetime = NOW) -> list[int]:
    """The jobs a worker polling at `at` looks at."""
    async with write_transaction(engine) as conn:
        return await active_job_ids(conn, now=at, limit=10)


async def test_a_held_lock_excludes_every_other_taker_until_released(engine: AsyncEngine) -> None:
    job_id = await new_job(engine)
    first, second = job_locks(engine), job_locks(engine)  # two workers (of one process even)
    held = await first.try_lock(job_id)
    assert held is not None
    assert await held.alive()
    assert await second.try_lock(job_id) is None
    assert await first.try_lock(job_id) is None
    await held.release(ended=False)
    again = await second.try_lock(job_id)
    assert again is not None
    await again.release(ended=False)


async def test_a_running_job_is_claimed_again_with_one_more_attempt(engine: AsyncEngine) -> None:
    job_id = await new_job(engine)
    job = await claim(engine, job_id)
    assert job is not None
    assert (job.status, job.attempts) == ("RUNNING", 1)
    # Still listed: whether it is orphaned is for its lock to tell, not the row.
    assert await candidates(engine) == [job_id]
    job = await claim(engine, job_id)
    assert job is not None
    assert (job.status, job.attempts) == ("RUNNING", 2)


async def test_a_job_that_keeps_dying_is_failed(engine: AsyncEngine) -> None:
    job_id = await new_job(engine)
    for attempt in (1, 2, 3):
        job = await claim(engine, job_id)
        assert job is not None
        assert job.attempts == attempt
    job = await claim(engine, job_id)
    assert job is not None
    assert job.status == "FAILED"
    assert job.error is not None
    assert "interrupted" in job.error
    assert await claim(engine, job_id) is None
    assert await candidates(engine) == []


async def test_a_superseded_attempt_can_write_nothing(engine: AsyncEngine) -> None:
    job_id = await new_job(engine)
    assert await claim(engine, job_id) is not None
    assert await claim(engine, job_id) is not None  # taken over: attempt 2 runs it now
    async with write_transaction(engine) as conn:
        with pytest.raises(JobTakenOver):
            await finish(conn, job_id=job_id, attempt=1, now=NOW, added=5)
        with pytest.raises(JobTakenOver):
            await set_progress(conn, job_id=job_id, attempt=1, processed=9, rejected=0, total=None)
        assert not await fail(conn, job_id=job_id, attempt=1, now=NOW, error="no")
        await finish(conn, job_id=job_id, attempt=2, now=NOW, added=7)
    async with write_transaction(engine) as conn:
        job = await job_by_id(conn, job_id=job_id)
    assert job is not None
    assert (job.status, job.added, job.processed_rows, job.attempts) == ("SUCCEEDED", 7, 0, 2)


async def test_a_lease_of_an_older_version_is_respected(engine: AsyncEngine) -> None:
    """A job claimed by a version that kept leases: that worker holds no lock, its lease says."""
    job_id = await new_job(engine)
    async with write_transaction(engine) as conn:
        await run(
            conn,
            "UPDATE job SET status = 'RUNNING', attempts = 1, lease_expires_at = :expires_at",
            expires_at=NOW + timedelta(minutes=10),
        )
    assert await candidates(engine) == []
    assert await claim(engine, job_id) is None
    assert await candidates(engine, NOW + timedelta(minutes=11)) == [job_id]


async def test_the_lock_file_of_an_ended_job_is_removed(engine: AsyncEngine) -> None:
    if not is_sqlite(engine):
        pytest.skip("lock files are SQLite's")
    job_id = await new_job(engine)
    lock = await job_locks(engine).try_lock(job_id)
    assert isinstance(lock, FileJobLock)
    assert lock.path.exists()
    await lock.release(ended=False)
    assert lock.path.exists()  # the job goes on: its next worker locks this same file
    lock = await job_locks(engine).try_lock(job_id)
    assert isinstance(lock, FileJobLock)
    await lock.release(ended=True)
    assert not lock.path.exists()


async def test_a_lock_whose_session_ends_is_free_again(engine: AsyncEngine) -> None:
    """PostgreSQL: a worker's session cut (its process killed) frees its job within moments."""
    if is_sqlite(engine):
        pytest.skip("SQLite's locks are file locks; the crash tests kill their processes")
    job_id = await new_job(engine)
    held: JobLock | None = await job_locks(engine).try_lock(job_id)
    assert held is not None
    async with write_transaction(engine) as conn:
        ended = await scalar(
            conn,
            # Waits (up to 30 s) until the session has ended, as a killed client's would.
            "SELECT pg_terminate_backend(pid, 30000) FROM pg_locks WHERE locktype = 'advisory'"
            " AND objid = :j AND granted",
            j=job_id,
        )
    assert ended is True
    assert not await held.alive()
    taken = await job_locks(engine).try_lock(job_id)
    assert taken is not None
    await taken.release(ended=True)
    await held.release(ended=False)
