"""Claiming jobs: one worker per job, take-over after a lost lease, poison jobs failed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import write_transaction
from storage.jobs import claim_next, create_job, job_by_id, renew_lease
from storage.sql import run, scalar

NOW = datetime(2026, 3, 1, tzinfo=UTC)
LEASE = timedelta(minutes=10)


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


async def claim(engine: AsyncEngine, at: datetime) -> int | None:
    """What a worker claims at `at`."""
    async with write_transaction(engine) as conn:
        job = await claim_next(conn, now=at, lease=LEASE, max_attempts=3)
    return job.id if job is not None else None


async def test_a_running_job_is_taken_over_only_when_its_lease_expired(engine: AsyncEngine) -> None:
    job_id = await new_job(engine)
    assert await claim(engine, NOW) == job_id
    assert await claim(engine, NOW + timedelta(minutes=9)) is None
    async with write_transaction(engine) as conn:
        await renew_lease(conn, job_id=job_id, expires_at=NOW + timedelta(minutes=19))
    assert await claim(engine, NOW + timedelta(minutes=15)) is None
    assert await claim(engine, NOW + timedelta(minutes=20)) == job_id


async def test_a_job_that_keeps_dying_is_failed(engine: AsyncEngine) -> None:
    job_id = await new_job(engine)
    at = NOW
    for _ in range(3):
        assert await claim(engine, at) == job_id
        at += LEASE + timedelta(seconds=1)
    assert await claim(engine, at) is None
    async with write_transaction(engine) as conn:
        job = await job_by_id(conn, job_id=job_id)
    assert job is not None
    assert job.status == "FAILED"
    assert job.error is not None
    assert "interrupted" in job.error
