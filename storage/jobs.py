"""Import and restore jobs: rows a worker claims, runs and finishes.

Who runs a job is decided by its liveness lock (`storage.job_locks`), not by these rows: a
worker claims a job only while holding its lock, so a QUEUED job, or a RUNNING one whose lock
is free (its worker died), is claimable, and a RUNNING job whose worker lives never is.
`attempts` counts claims; it doubles as a fencing token: a run commits its end only if the
job is still at the attempt it claimed, so an attempt superseded by a take-over (its lock's
session lost while it kept running) rolls back instead of committing a second time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import TextClause
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.sql import as_utc, run, statement

JOB_COLUMNS = (
    "id, account_id, kind, status, mode, group_id, new_group_name, source_backup_id,"
    " backup_id, upload_key, field_mapping, total_rows, processed_rows, added, updated,"
    " unchanged, skipped, removed, rejected, error, created_at, started_at, finished_at, attempts"
)
ACTIVE_STATUSES = ("QUEUED", "RUNNING")


@dataclass(frozen=True)
class JobRow:
    """A job as stored."""

    id: int
    account_id: int
    kind: str
    status: str
    mode: str
    group_id: int | None
    new_group_name: str | None
    source_backup_id: int | None
    backup_id: int | None
    upload_key: str | None
    field_mapping: str | None
    total_rows: int | None
    processed_rows: int
    added: int
    updated: int
    unchanged: int
    skipped: int
    removed: int
    rejected: int
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    attempts: int

    @property
    def finished(self) -> bool:
        """Whether the job has ended, well or not."""
        return self.status not in ACTIVE_STATUSES


class JobTakenOver(Exception):
    """Another worker claimed the job since this attempt began: this attempt must roll back."""


@dataclass(frozen=True)
class RowErrorRow:
    """A stored row error."""

    row: int
    column: str | None
    message: str
    code: str


def _job(row: Any) -> JobRow:
    values = dict(row._mapping)
    for key in ("created_at", "started_at", "finished_at"):
        values[key] = as_utc(values[key])
    return JobRow(**values)


async def create_job(conn: AsyncConnection, *, now: datetime, **fields: Any) -> int:
    """Queue a job; `fields` are column values (account_id, kind, mode, ...)."""
    names = ", ".join(fields)
    params = ", ".join(f":{name}" for name in fields)
    result = await run(
        conn,
        f"INSERT INTO import_job ({names}, status, processed_rows, added, updated, unchanged,"
        f" skipped, removed, rejected, created_at) VALUES ({params}, 'QUEUED', 0, 0, 0, 0, 0, 0,"
        " 0, :now) RETURNING id",
        now=now,
        **fields,
    )
    return int(result.scalar_one())


async def job_by_id(
    conn: AsyncConnection, *, job_id: int, account_id: int | None = None
) -> JobRow | None:
    """The job, only if it belongs to `account_id` when one is given."""
    owner = " AND account_id = :a" if account_id is not None else ""
    row = (
        await run(
            conn,
            f"SELECT {JOB_COLUMNS} FROM import_job WHERE id = :j{owner}",
            j=job_id,
            a=account_id,
        )
    ).first()
    return _job(row) if row is not None else None


# Still waiting or running. A RUNNING job under a lease from a version that kept one is
# left to that lease: such a worker holds no liveness lock (claims now leave the lease NULL).
ACTIVE = (
    "(status = 'QUEUED' OR (status = 'RUNNING'"
    " AND (lease_expires_at IS NULL OR lease_expires_at < :now)))"
)


async def active_job_ids(conn: AsyncConnection, *, now: datetime, limit: int) -> list[int]:
    """Queued and running jobs, oldest first: the ones a worker may find claimable."""
    # `status IN` (redundant with ACTIVE) lets the (status, id) index find them.
    rows = await run(
        conn,
        f"SELECT id FROM import_job WHERE status IN ('QUEUED', 'RUNNING') AND {ACTIVE}"
        " ORDER BY id LIMIT :n",
        now=now,
        n=limit,
    )
    return [int(r[0]) for r in rows]


async def claim_job(
    conn: AsyncConnection, *, job_id: int, now: datetime, max_attempts: int
) -> JobRow | None:
    """Mark the job RUNNING for one more attempt; the caller holds its liveness lock.

    None if it is no longer queued or running. A job already tried `max_attempts` times
    (it keeps killing its workers) is FAILED instead, and returned so.
    """
    failed = (
        await run(
            conn,
            f"UPDATE import_job SET status = 'FAILED', finished_at = :now, error = :e"
            f" WHERE id = :j AND {ACTIVE} AND attempts >= :max RETURNING {JOB_COLUMNS}",
            now=now,
            j=job_id,
            max=max_attempts,
            e="The job was interrupted too many times; nothing was changed.",
        )
    ).first()
    if failed is not None:
        return _job(failed)
    row = (
        await run(
            conn,
            "UPDATE import_job SET status = 'RUNNING', started_at = :now, attempts = attempts + 1,"
            f" lease_expires_at = NULL WHERE id = :j AND {ACTIVE} RETURNING {JOB_COLUMNS}",
            now=now,
            j=job_id,
        )
    ).first()
    return _job(row) if row is not None else None


# The attempt that runs the job: anything a superseded attempt writes is refused.
OURS = "id = :j AND status = 'RUNNING' AND attempts = :attempt"


async def set_progress(
    conn: AsyncConnection,
    *,
    job_id: int,
    attempt: int,
    processed: int,
    rejected: int,
    total: int | None,
) -> None:
    """Publish progress of a running job; JobTakenOver if another attempt runs it now."""
    result = await run(
        conn,
        f"UPDATE import_job SET processed_rows = :p, rejected = :r, total_rows = :t WHERE {OURS}",
        p=processed,
        r=rejected,
        t=total,
        j=job_id,
        attempt=attempt,
    )
    if result.rowcount != 1:
        raise JobTakenOver(job_id)


async def finish(
    conn: AsyncConnection, *, job_id: int, attempt: int, now: datetime, **fields: Any
) -> None:
    """Mark the job SUCCEEDED with its results (inside the job's own transaction).

    JobTakenOver if `attempt` is no longer the job's: the caller's transaction must roll back.
    """
    sets = ", ".join(f"{name} = :{name}" for name in fields)
    result = await run(
        conn,
        f"UPDATE import_job SET {sets}, status = 'SUCCEEDED', finished_at = :now WHERE {OURS}",
        now=now,
        j=job_id,
        attempt=attempt,
        **fields,
    )
    if result.rowcount != 1:
        raise JobTakenOver(job_id)


async def fail(
    conn: AsyncConnection, *, job_id: int, attempt: int, now: datetime, error: str
) -> bool:
    """Mark the job FAILED with a readable reason; False if another attempt runs it now."""
    result = await run(
        conn,
        f"UPDATE import_job SET status = 'FAILED', error = :e, finished_at = :now WHERE {OURS}",
        e=error[:2000],
        now=now,
        j=job_id,
        attempt=attempt,
    )
    return result.rowcount == 1


async def add_row_errors(
    conn: AsyncConnection, *, job_id: int, errors: Sequence[RowErrorRow]
) -> None:
    """Keep the first row errors of a job."""
    if not errors:
        return
    await conn.execute(
        _insert_errors(),
        [
            {"j": job_id, "row": e.row, "col": e.column, "msg": e.message[:500], "code": e.code}
            for e in errors
        ],
    )


def _insert_errors() -> TextClause:
    return statement(
        'INSERT INTO import_row_error (job_id, "row", "column", message, code)'
        " VALUES (:j, :row, :col, :msg, :code)"
    )


async def row_errors(conn: AsyncConnection, *, job_id: int, first: int) -> list[RowErrorRow]:
    """The job's row errors in row order."""
    rows = await run(
        conn,
        'SELECT "row", "column", message, code FROM import_row_error WHERE job_id = :j'
        ' ORDER BY "row", id LIMIT :n',
        j=job_id,
        n=first,
    )
    return [RowErrorRow(r.row, r.column, r.message, r.code) for r in rows]


async def jobs_using_backups(conn: AsyncConnection) -> set[int]:
    """Backups that a queued or running restore reads: retention must not touch them."""
    rows = await run(
        conn,
        "SELECT source_backup_id FROM import_job WHERE status IN ('QUEUED', 'RUNNING')"
        " AND source_backup_id IS NOT NULL",
    )
    return {int(r[0]) for r in rows}


async def upload_key_statuses(conn: AsyncConnection, keys: Sequence[str]) -> dict[str, str]:
    """The status of the job of each staged file among `keys` that a job names."""
    statuses: dict[str, str] = {}
    for start in range(0, len(keys), 500):
        batch = list(keys[start : start + 500])
        names = ", ".join(f":k{i}" for i in range(len(batch)))
        rows = await run(
            conn,
            f"SELECT upload_key, status FROM import_job WHERE upload_key IN ({names})",
            **{f"k{i}": key for i, key in enumerate(batch)},
        )
        statuses.update((row.upload_key, row.status) for row in rows)
    return statuses
