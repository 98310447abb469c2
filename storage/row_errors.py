"""An import's row errors paged both ways: keyset windows (storage.keyset) of (row, id).

The job's rows and its first row errors are read in `storage.jobs`; the errors of a job are
kept in `job_row_error` in file order (`storage.jobs.keep_row_errors`).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select

from storage.jobs import RowErrorRow
from storage.keyset import Window
from storage.models import JobRowError

# A row error's keyset position: its row, then its id (a row may have several errors).
RowErrorKey = tuple[int, int]


def _row_error_columns() -> sa.Select[int, str | None, str, str, int]:
    # The fields of storage.jobs.RowErrorRow, in its order.
    return sa.select(
        col(JobRowError.row),
        col(JobRowError.column),
        col(JobRowError.message),
        col(JobRowError.code),
        col(JobRowError.id),
    )


def _after_row_error(key: RowErrorKey) -> sa.ColumnElement[bool]:
    row, error_id = key
    # The range on `row` is the index's (`ix_row_error_job`); the id only breaks the tie.
    return sa.and_(
        col(JobRowError.row) >= row,
        sa.or_(col(JobRowError.row) > row, col(JobRowError.id) > error_id),
    )


def _before_row_error(key: RowErrorKey) -> sa.ColumnElement[bool]:
    row, error_id = key
    return sa.and_(
        col(JobRowError.row) <= row,
        sa.or_(col(JobRowError.row) < row, col(JobRowError.id) < error_id),
    )


def row_errors_window_query(
    job_id: int, window: Window[RowErrorKey]
) -> sa.Select[int, str | None, str, str, int]:
    """The job's row errors in row order, in the keyset window (storage.keyset) of (row, id).

    `ix_row_error_job (job_id, row)` gives them in order either way (id breaks ties within
    a row: SQLite's index ends with the rowid, PostgreSQL sorts each row's few errors).
    """
    page = _row_error_columns().where(col(JobRowError.job_id) == job_id)
    if window.after is not None:
        page = page.where(_after_row_error(window.after))
    if window.before is not None:
        page = page.where(_before_row_error(window.before))
    if window.backward:
        order = (col(JobRowError.row).desc(), col(JobRowError.id).desc())
    else:
        order = (col(JobRowError.row).asc(), col(JobRowError.id).asc())
    return page.order_by(*order).limit(window.limit)


async def row_errors_window(
    conn: AsyncConnection, *, job_id: int, window: Window[RowErrorKey]
) -> list[RowErrorRow]:
    """The job's row errors in row order, in the keyset window of (row, id)."""
    found = await conn.execute(row_errors_window_query(job_id, window))
    return [RowErrorRow(*r) for r in found]


async def row_error_count(conn: AsyncConnection, *, job_id: int) -> int:
    """How many row errors the job kept."""
    mine = col(JobRowError.job_id) == job_id
    return int(await conn.scalar(select(sa.func.count()).select_from(JobRowError).where(mine)) or 0)
