"""Import and restore jobs: rows a worker claims, runs and finishes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import TextClause
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import is_sqlite
from storage.sql import as_utc, run, statement

JOB_COLUMNS = (
    "id, account_id, kind, status, mode, group_id, new_group_name, source_backup_id,"
    " backup_id, upload_key, field_mapping, total_rows, processed_rows, added, updated,"
    " unchanged, skipped, removed, rejected, error, created_at, started_at, finished_at"
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

    @property
    def finished(self) -> bool:
        """Whether the job has ended, well or not."""
        return self.status not in ACTIVE_STATUSES


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


CLAIMABLE = "(status = 'QUEUED' OR (status = 'RUNNING' AND lease_expires_at < :now))"


async def claim_next(
    conn: AsyncConnection, *, now: datetime, lease: timedelta, max_attempts: int
) -> JobRow | None:
    """Take the oldest queued job, or one whose worker stopped renewing its lease.

    Safe with several workers and instances: on PostgreSQL the row is locked with SKIP
    LOCKED, on SQLite the write transaction is exclusive. A job that has already been
    tried `max_attempts` times (it keeps killing its workers) is failed instead.
    """
    await run(
        conn,
        f"UPDATE import_job SET status = 'FAILED', finished_at = :now, error = :e"
        f" WHERE {CLAIMABLE} AND attempts >= :max",
        now=now,
        max=max_attempts,
        e="The job was interrupted too many times; nothing was changed.",
    )
    skip_locked = "" if is_sqlite(conn) else " FOR UPDATE SKIP LOCKED"
    row = (
        await run(
            conn,
            "UPDATE import_job SET status = 'RUNNING', started_at = :now, attempts = attempts + 1,"
            f" lease_expires_at = :expires_at WHERE id = (SELECT id FROM import_job WHERE {CLAIMABLE}"
            f" ORDER BY id LIMIT 1{skip_locked}) RETURNING {JOB_COLUMNS}",
            now=now,
            expires_at=now + lease,
        )
    ).first()
    return _job(row) if row is not None else None


async def renew_lease(conn: AsyncConnection, *, job_id: int, expires_at: datetime) -> None:
    """Keep a running job ours a while longer."""
    await run(
        conn,
        "UPDATE import_job SET lease_expires_at = :expires_at WHERE id = :j AND status = 'RUNNING'",
        expires_at=expires_at,
        j=job_id,
    )


async def requeue_running(conn: AsyncConnection) -> int:
    """Put jobs left RUNNING by a stopped process back in the queue (their work rolled back)."""
    result = await run(conn, "UPDATE import_job SET status = 'QUEUED' WHERE status = 'RUNNING'")
    return result.rowcount


async def set_progress(
    conn: AsyncConnection, *, job_id: int, processed: int, rejected: int, total: int | None
) -> None:
    """Publish progress of a running job."""
    await run(
        conn,
        "UPDATE import_job SET processed_rows = :p, rejected = :r, total_rows = :t WHERE id = :j",
        p=processed,
        r=rejected,
        t=total,
        j=job_id,
    )


async def finish(conn: AsyncConnection, *, job_id: int, now: datetime, **fields: Any) -> None:
    """Mark the job SUCCEEDED with its results (inside the job's own transaction)."""
    sets = ", ".join(f"{name} = :{name}" for name in fields)
    await run(
        conn,
        f"UPDATE import_job SET {sets}, status = 'SUCCEEDED', finished_at = :now WHERE id = :j",
        now=now,
        j=job_id,
        **fields,
    )


async def fail(conn: AsyncConnection, *, job_id: int, now: datetime, error: str) -> None:
    """Mark the job FAILED with a readable reason."""
    await run(
        conn,
        "UPDATE import_job SET status = 'FAILED', error = :e, finished_at = :now WHERE id = :j",
        e=error[:2000],
        now=now,
        j=job_id,
    )


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
