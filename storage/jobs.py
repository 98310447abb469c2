"""Import and restore jobs: rows a worker claims, runs and finishes.

Who runs a job is decided by its liveness lock (`storage.job_locks`), not by these rows: a
worker claims a job only while holding its lock, so a QUEUED job, or a RUNNING one whose lock
is free (its worker died), is claimable, and a RUNNING job whose worker lives never is.
`attempts` counts claims; it doubles as a fencing token: a run commits its end only if the
job is still at the attempt it claimed, so an attempt superseded by a take-over (its lock's
session lost while it kept running) rolls back instead of committing a second time.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col, select

from storage.cancel_requests import cancel_requests
from storage.db import driver_connection, is_sqlite
from storage.job_notify import announce_queued
from storage.keyset import Window
from storage.models import Account, Job, JobRowError
from storage.sql import as_utc, possible_ids, run


class JobKind(enum.StrEnum):
    """What a job does: import a file, or restore a backup (the `kind` column's values)."""

    IMPORT = "IMPORT"
    RESTORE = "RESTORE"


class JobStatus(enum.StrEnum):
    """Where a job is (the `status` column's values)."""

    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    # Asked to stop while running: its worker rolls it back at its next checkpoint.
    CANCELLING = "CANCELLING"
    # Stopped before it changed anything (queued, or rolled back while running).
    CANCELLED = "CANCELLED"


ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.CANCELLING)
KEY_BATCH = 500
MAX_FILE_NAME_CHARS = 255


@dataclass(frozen=True)
class JobRow:
    """A job as stored (every column of `Job` but the lease of older versions)."""

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
    # Matched rows whose requested status the suppression guard refused (WriteOutcome).
    status_kept: int
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    attempts: int
    file_name: str | None
    size_bytes: int | None
    started_by: str | None
    # The file store key of the job's file of rejected rows (api/rejects.py); None: none kept.
    rejects_key: str | None
    # A restore as of a moment: the group it reads and the moment (no source backup).
    source_group_id: int | None
    source_as_of: datetime | None

    @property
    def finished(self) -> bool:
        """Whether the job has ended, well or not."""
        return self.status not in ACTIVE_STATUSES


JOB_FIELDS = tuple(f.name for f in dataclasses.fields(JobRow))
TIMES = ("created_at", "started_at", "finished_at", "source_as_of")


class JobTakenOver(Exception):
    """Another worker claimed the job since this attempt began: this attempt must roll back."""


class JobCancelled(Exception):
    """The job was asked to stop (CANCELLING): this attempt must roll back, then end CANCELLED."""


@dataclass(frozen=True)
class RowErrorRow:
    """A row error of a job (`id` 0 until it is stored)."""

    row: int
    column: str | None
    message: str
    code: str
    id: int = 0


def _job(row: sa.Row[Any]) -> JobRow:
    values = {name: row._mapping[name] for name in JOB_FIELDS}
    for name in TIMES:
        values[name] = as_utc(values[name])
    return JobRow(**values)


async def create_job(conn: AsyncConnection, *, now: datetime, **fields: Any) -> int:
    """Queue a job; `fields` are column values (account_id, kind, mode, ...)."""
    result = await conn.execute(
        sa.insert(Job).values(status="QUEUED", created_at=now, **fields).returning(col(Job.id))
    )
    job_id: int = result.scalar_one()
    # Delivered at commit: idle workers on every host wake for it (storage.job_notify).
    await announce_queued(conn, job_id=job_id)
    return job_id


async def job_by_id(
    conn: AsyncConnection, *, job_id: int, account_id: int | None = None
) -> JobRow | None:
    """The job, only if it belongs to `account_id` when one is given."""
    if not possible_ids([job_id]):
        return None
    query = select(Job).where(col(Job.id) == job_id)
    if account_id is not None:
        query = query.where(col(Job.account_id) == account_id)
    row = (await conn.execute(query)).first()
    return _job(row) if row is not None else None


async def jobs_by_id(
    conn: AsyncConnection, *, account_id: int, ids: Sequence[int]
) -> dict[int, JobRow]:
    """This account's jobs among `ids`, in one query."""
    if not ids:
        return {}
    query = select(Job).where(col(Job.id).in_(ids), col(Job.account_id) == account_id)
    return {job.id: job for job in map(_job, (await conn.execute(query)).all())}


async def jobs_page(
    conn: AsyncConnection,
    *,
    account_id: int,
    group_id: int | None,
    kind: str | None,
    status: str | None,
    window: Window[int],
) -> tuple[list[JobRow], int]:
    """The account's jobs newest first in the keyset window (storage.keyset), filtered; and
    their total.

    Ids grow with time, so newest first is id descending: `ix_job_account` (or
    `ix_job_account_group` for one group) gives them in that order.
    """
    mine = [col(Job.account_id) == account_id]
    if group_id is not None:
        mine.append(col(Job.group_id) == group_id)
    if kind is not None:
        mine.append(col(Job.kind) == kind)
    if status is not None:
        mine.append(col(Job.status) == status)
    order = col(Job.id).asc() if window.backward else col(Job.id).desc()
    page = select(Job).where(*mine).order_by(order).limit(window.limit)
    if window.after is not None:
        page = page.where(col(Job.id) < window.after)
    if window.before is not None:
        page = page.where(col(Job.id) > window.before)
    rows = [_job(row) for row in (await conn.execute(page)).all()]
    total = await conn.scalar(select(sa.func.count()).select_from(Job).where(*mine))
    return rows, int(total or 0)


async def jobs_by_backup_id(
    conn: AsyncConnection, *, account_id: int, backup_ids: Sequence[int]
) -> dict[int, JobRow]:
    """The account's job that made each backup among `backup_ids` (its automatic backup)."""
    if not backup_ids:
        return {}
    mine = col(Job.account_id) == account_id
    if is_sqlite(conn):
        query = select(Job).where(col(Job.backup_id).in_(backup_ids), mine)
    else:
        # One array parameter: a page's hundreds of ids as one bind, one statement text (the
        # driver's prepared statement kept), not a placeholder and a cast each to render.
        ids = sa.bindparam("ids", list(backup_ids), type_=ARRAY(sa.Integer))
        query = select(Job).where(col(Job.backup_id) == sa.any_(ids), mine)
    found: dict[int, JobRow] = {}
    for job in map(_job, (await conn.execute(query)).all()):
        if job.backup_id is not None:
            found[job.backup_id] = job
    return found


def file_name_of(name: str | None) -> str | None:
    """An uploaded file's name as kept in the history: trimmed, at most 255 characters."""
    if name is None:
        return None
    # Control characters (a NUL is refused by PostgreSQL) say nothing to a reader.
    printable = "".join(c for c in name if c.isprintable())
    return printable.strip()[:MAX_FILE_NAME_CHARS] or None


async def group_has_active_job(conn: AsyncConnection, *, group_id: int) -> bool:
    """Whether a queued or running job will still write to this group."""
    query = (
        select(col(Job.id))
        .where(col(Job.status).in_(ACTIVE_STATUSES), col(Job.group_id) == group_id)
        .limit(1)
    )
    return (await conn.execute(query)).first() is not None


# The claim below stays SQL text: it is the ownership rule itself, one compare-and-set per
# statement, read best as the SQL the databases run. Still waiting or running; a RUNNING job
# under a lease from a version that kept one is left to that lease: such a worker holds no
# liveness lock (claims now leave the lease NULL).
ACTIVE = (
    "(status = 'QUEUED' OR (status = 'RUNNING'"
    " AND (lease_expires_at IS NULL OR lease_expires_at < :now)))"
)


# Asked to stop; claimed only once its worker is gone (its lock free), to end it CANCELLED.
STOPPING = "(status = 'CANCELLING' AND (lease_expires_at IS NULL OR lease_expires_at < :now))"

# A queued job is claimed only as its group's oldest active job: never two jobs running on one
# group (on any host), and a group's jobs run in the order they were queued. A job that makes
# a new group has none yet and waits for nobody: group names are not unique, so each such job
# makes a group of its own. (A newer RUNNING job, which only a worker of an older version
# could have started, blocks too.)
GROUP_FREE = (
    "(job.status <> 'QUEUED' OR job.group_id IS NULL OR NOT EXISTS (SELECT 1 FROM job other"
    " WHERE other.status IN ('QUEUED', 'RUNNING', 'CANCELLING')"
    " AND other.group_id = job.group_id AND other.id <> job.id"
    " AND (other.id < job.id OR other.status <> 'QUEUED')))"
)
# No lock is needed around it: while a group's oldest active job is active, every snapshot
# sees it active (QUEUED or RUNNING), so of two claims at the same instant the newer job's is
# refused; and the liveness lock (storage.job_locks) already skips a job being claimed
# elsewhere, as FOR UPDATE SKIP LOCKED would.


async def active_job_ids(conn: AsyncConnection, *, now: datetime, limit: int) -> list[int]:
    """Queued, running and cancelling jobs, oldest first: those a worker may find claimable."""
    # `status IN` (redundant with ACTIVE) lets the (status, id) index find them.
    rows = await run(
        conn,
        "SELECT id FROM job WHERE status IN ('QUEUED', 'RUNNING', 'CANCELLING')"
        f" AND ({ACTIVE} OR {STOPPING}) AND {GROUP_FREE} ORDER BY id LIMIT :n",
        now=now,
        n=limit,
    )
    return [int(r[0]) for r in rows]


async def claim_job(
    conn: AsyncConnection, *, job_id: int, now: datetime, max_attempts: int
) -> JobRow | None:
    """Mark the job RUNNING for one more attempt; the caller holds its liveness lock.

    None if it is no longer queued or running. A job already tried `max_attempts` times
    (it keeps killing its workers) is FAILED instead, and returned so; a job asked to stop
    whose worker died is CANCELLED instead (its attempt rolled back when it died), and
    returned so. A queued job waits while its group has an older active job (`GROUP_FREE`):
    None then too.
    """
    cancelled = (
        await run(
            conn,
            "UPDATE job SET status = 'CANCELLED', finished_at = :now"
            f" WHERE id = :j AND {STOPPING} RETURNING *",
            now=now,
            j=job_id,
        )
    ).first()
    if cancelled is not None:
        return _job(cancelled)
    failed = (
        await run(
            conn,
            "UPDATE job SET status = 'FAILED', finished_at = :now, error = :e"
            f" WHERE id = :j AND {ACTIVE} AND attempts >= :max RETURNING *",
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
            "UPDATE job SET status = 'RUNNING', started_at = :now, attempts = attempts + 1,"
            f" lease_expires_at = NULL WHERE id = :j AND {ACTIVE} AND {GROUP_FREE} RETURNING *",
            now=now,
            j=job_id,
        )
    ).first()
    return _job(row) if row is not None else None


async def hand_back(conn: AsyncConnection, *, job_id: int, attempt: int) -> bool:
    """Queue a RUNNING job again after its attempt rolled back, that attempt not counted (a
    draining worker's); False if the job is not that attempt's any more (or is CANCELLING).

    Setting `attempts` back is safe as a fence: the attempt has ended, nothing of it writes.
    """
    result = await conn.execute(
        sa.update(Job)
        .where(_ours(job_id, attempt, (JobStatus.RUNNING,)))
        .values(
            status="QUEUED", attempts=attempt - 1, started_at=None, processed_rows=0, rejected=0
        )
    )
    if result.rowcount != 1:
        return False
    await announce_queued(conn, job_id=job_id)
    return True


RUNS = (JobStatus.RUNNING, JobStatus.CANCELLING)


def _ours(
    job_id: int, attempt: int, statuses: Sequence[JobStatus] = RUNS
) -> sa.ColumnElement[bool]:
    """The attempt that runs the job: anything a superseded attempt writes is refused."""
    return sa.and_(
        col(Job.id) == job_id, col(Job.status).in_(statuses), col(Job.attempts) == attempt
    )


async def _refusal(conn: AsyncConnection, *, job_id: int, attempt: int) -> Exception:
    """Why this attempt may not end the job SUCCEEDED: it was asked to stop, or superseded."""
    job = await job_by_id(conn, job_id=job_id)
    if job is not None and job.attempts == attempt and job.status == JobStatus.CANCELLING:
        return JobCancelled(job_id)
    return JobTakenOver(job_id)


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
    result = await conn.execute(
        sa.update(Job)
        .where(_ours(job_id, attempt))
        .values(processed_rows=processed, rejected=rejected, total_rows=total)
    )
    if result.rowcount != 1:
        raise JobTakenOver(job_id)


async def finish(
    conn: AsyncConnection, *, job_id: int, attempt: int, now: datetime, **fields: Any
) -> None:
    """Mark the job SUCCEEDED with its results (inside the job's own transaction).

    JobTakenOver if `attempt` is no longer the job's, JobCancelled if the job was asked to
    stop (CANCELLING, or a request file that a cancelJob may have answered from without the
    write lock: `storage.cancel_requests`): either way the caller's transaction must roll back.
    """
    if cancel_requests(conn.engine).end_unless_asked(job_id):
        raise JobCancelled(job_id)
    result = await conn.execute(
        sa.update(Job)
        .where(_ours(job_id, attempt, (JobStatus.RUNNING,)))
        .values(status="SUCCEEDED", finished_at=now, **fields)
    )
    if result.rowcount != 1:
        raise await _refusal(conn, job_id=job_id, attempt=attempt)


async def fail(
    conn: AsyncConnection, *, job_id: int, attempt: int, now: datetime, error: str
) -> bool:
    """Mark the job FAILED with a readable reason; False if another attempt runs it now."""
    result = await conn.execute(
        sa.update(Job)
        .where(_ours(job_id, attempt))
        .values(status="FAILED", error=error[:2000], finished_at=now)
    )
    return result.rowcount == 1


async def end_cancelled(conn: AsyncConnection, *, job_id: int, attempt: int, now: datetime) -> bool:
    """Mark the job CANCELLED after its attempt rolled back; False if another attempt runs it."""
    result = await conn.execute(
        sa.update(Job).where(_ours(job_id, attempt)).values(status="CANCELLED", finished_at=now)
    )
    return result.rowcount == 1


async def cancel_queued(conn: AsyncConnection, *, job_id: int, now: datetime) -> bool:
    """End a QUEUED job CANCELLED (no claim takes it any more); False if it is not queued."""
    result = await conn.execute(
        sa.update(Job)
        .where(col(Job.id) == job_id, col(Job.status) == JobStatus.QUEUED)
        .values(status="CANCELLED", finished_at=now)
    )
    return result.rowcount == 1


async def ask_to_stop(conn: AsyncConnection, *, job_id: int) -> bool:
    """Mark a RUNNING job CANCELLING for its worker to see; False if it is not running."""
    result = await conn.execute(
        sa.update(Job)
        .where(col(Job.id) == job_id, col(Job.status) == JobStatus.RUNNING)
        .values(status="CANCELLING")
    )
    return result.rowcount == 1


async def ask_to_stop_unless_locked(engine: AsyncEngine, *, job_id: int) -> bool | None:
    """`ask_to_stop` if SQLite's write lock is free now; None, at once, when it is held."""
    async with engine.connect() as conn:
        await (await driver_connection(conn)).execute("PRAGMA busy_timeout=0")
        try:
            immediate = await conn.execution_options(immediate=True)
            async with immediate.begin():
                return await ask_to_stop(immediate, job_id=job_id)
        except OperationalError as error:
            if "locked" not in str(error.orig):
                raise
            return None
        finally:
            # Never back to the pool without its busy timeout: a new connection replaces it.
            await conn.invalidate()


async def job_status(conn: AsyncConnection, *, job_id: int) -> str | None:
    """The job's status alone (a running job's worker asks it often: one indexed read)."""
    status: str | None = await conn.scalar(select(Job.status).where(col(Job.id) == job_id))
    return status


# Every row error of a job is kept. While the file is parsed they go to this connection's
# temp table (the driver's bulk path, as the staged rows), then one INSERT ... SELECT in the
# job's transaction keeps them: memory stays constant and a rolled-back job keeps none.
ROW_ERROR_STAGE = "row_error_stage"
ROW_ERROR_STAGE_COLUMNS = "rn, seq, col, message, code"
MAX_ROW_ERROR_MESSAGE = 500
MAX_ROW_ERROR_COLUMN = 200


async def create_row_error_stage(conn: AsyncConnection) -> None:
    """Create (or empty) this connection's temp table of row errors."""
    # Text: DDL of a temp table no model describes.
    await run(conn, f"DROP TABLE IF EXISTS {ROW_ERROR_STAGE}")
    await run(
        conn,
        f"CREATE TEMP TABLE {ROW_ERROR_STAGE} (rn INTEGER, seq INTEGER, col TEXT,"
        " message TEXT, code TEXT)",
    )


async def stage_row_errors(
    conn: AsyncConnection, *, first_seq: int, errors: Sequence[RowErrorRow]
) -> None:
    """Append row errors (numbered from `first_seq`, file order) through the bulk path."""
    if not errors:
        return
    records = [
        (
            e.row,
            first_seq + n,
            e.column[:MAX_ROW_ERROR_COLUMN] if e.column is not None else None,
            e.message[:MAX_ROW_ERROR_MESSAGE],
            e.code,
        )
        for n, e in enumerate(errors)
    ]
    driver = await driver_connection(conn)
    if is_sqlite(conn):
        await driver.executemany(
            f"INSERT INTO {ROW_ERROR_STAGE} ({ROW_ERROR_STAGE_COLUMNS}) VALUES (?,?,?,?,?)",
            records,
        )
    else:
        await driver.copy_records_to_table(ROW_ERROR_STAGE, records=records)


async def keep_row_errors(conn: AsyncConnection, *, job_id: int) -> int:
    """Keep the staged row errors as the job's (inside its transaction); how many."""
    # Text: one set-based copy from the temp table, in file order.
    result = await run(
        conn,
        'INSERT INTO job_row_error (job_id, row, "column", message, code)'
        f" SELECT :j, rn, col, message, code FROM {ROW_ERROR_STAGE} ORDER BY seq",
        j=job_id,
    )
    return result.rowcount


async def drop_row_error_stage(conn: AsyncConnection) -> None:
    """Drop this connection's temp table of row errors."""
    await run(conn, f"DROP TABLE IF EXISTS {ROW_ERROR_STAGE}")


def _row_error_columns() -> sa.Select[int, str | None, str, str, int]:
    return sa.select(
        col(JobRowError.row),
        col(JobRowError.column),
        col(JobRowError.message),
        col(JobRowError.code),
        col(JobRowError.id),
    )


async def row_errors(conn: AsyncConnection, *, job_id: int, first: int) -> list[RowErrorRow]:
    """The job's first row errors in row order."""
    rows = await conn.execute(
        _row_error_columns()
        .where(col(JobRowError.job_id) == job_id)
        .order_by(col(JobRowError.row), col(JobRowError.id))
        .limit(first)
    )
    return [RowErrorRow(*row) for row in rows]


async def row_errors_page(
    conn: AsyncConnection, *, job_id: int, first: int, after: tuple[int, int] | None
) -> tuple[list[RowErrorRow], int]:
    """`first` + 1 of the job's row errors after the keyset (row, id), in row order; the total.

    `ix_row_error_job (job_id, row)` gives them in order (id breaks ties within a row).
    """
    mine = col(JobRowError.job_id) == job_id
    page = (
        _row_error_columns()
        .where(mine)
        .order_by(col(JobRowError.row), col(JobRowError.id))
        .limit(first + 1)
    )
    if after is not None:
        row, error_id = after
        page = page.where(
            sa.or_(
                col(JobRowError.row) > row,
                sa.and_(col(JobRowError.row) == row, col(JobRowError.id) > error_id),
            )
        )
    found = [RowErrorRow(*r) for r in await conn.execute(page)]
    total = await conn.scalar(select(sa.func.count()).select_from(JobRowError).where(mine))
    return found, int(total or 0)


async def expired_rejects(
    conn: AsyncConnection, *, as_of: datetime, limit: int
) -> list[tuple[int, str]]:
    """(job id, key) of files of rejects older than their account's backup retention."""
    # One cut-off per retention period in use (a handful): portable, no date arithmetic in SQL.
    periods = (await conn.execute(select(Account.backup_retention_days).distinct())).scalars()
    found: list[tuple[int, str]] = []
    for days in sorted(set(periods)):
        accounts = select(Account.id).where(col(Account.backup_retention_days) == days)
        query = (
            select(Job.id, Job.rejects_key)
            .where(
                col(Job.rejects_key).is_not(None),
                col(Job.finished_at) <= as_of - timedelta(days=days),
                col(Job.account_id).in_(accounts),
            )
            .order_by(col(Job.id))
            .limit(limit - len(found))
        )
        found += [(job_id, key) for job_id, key in await conn.execute(query) if key is not None]
        if len(found) >= limit:
            break
    return found


async def forget_rejects(conn: AsyncConnection, *, job_ids: Sequence[int]) -> None:
    """The jobs name no file of rejects any more (their files are deleted next)."""
    for start in range(0, len(job_ids), KEY_BATCH):
        batch = list(job_ids[start : start + KEY_BATCH])
        await conn.execute(sa.update(Job).where(col(Job.id).in_(batch)).values(rejects_key=None))


async def rejects_of_account(conn: AsyncConnection, *, account_id: int) -> list[tuple[int, str]]:
    """(job id, key) of every file of rejects the account's jobs name."""
    rows = await conn.execute(
        select(Job.id, Job.rejects_key)
        .where(col(Job.account_id) == account_id, col(Job.rejects_key).is_not(None))
        .order_by(col(Job.id))
    )
    return [(job_id, key) for job_id, key in rows if key is not None]


async def rejects_claims(
    conn: AsyncConnection, *, job_ids: Sequence[int]
) -> dict[int, tuple[str, str | None]]:
    """(status, rejects_key) of each job among `job_ids` that exists."""
    found: dict[int, tuple[str, str | None]] = {}
    for start in range(0, len(job_ids), KEY_BATCH):
        batch = list(job_ids[start : start + KEY_BATCH])
        rows = await conn.execute(
            select(Job.id, Job.status, Job.rejects_key).where(col(Job.id).in_(batch))
        )
        found.update((job_id, (status, key)) for job_id, status, key in rows)
    return found


async def upload_key_statuses(conn: AsyncConnection, keys: Sequence[str]) -> dict[str, str]:
    """The status of the job of each staged file among `keys` that a job names."""
    statuses: dict[str, str] = {}
    for start in range(0, len(keys), KEY_BATCH):
        batch = list(keys[start : start + KEY_BATCH])
        rows = await conn.execute(
            select(Job.upload_key, Job.status).where(col(Job.upload_key).in_(batch))
        )
        statuses.update((key, status) for key, status in rows if key is not None)
    return statuses
