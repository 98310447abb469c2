"""The Subscription type: live job progress."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from api.errors import NotFound
from api.global_ids import decode_id
from api.graphql.context import Context, Info
from api.graphql.jobs import ImportJob
from storage.db import read_transaction
from storage.jobs import JobRow, job_by_id

WAIT_SECONDS = 1.0


def _progress_key(row: JobRow) -> tuple[object, ...]:
    return (row.status, row.processed_rows, row.rejected, row.added, row.updated, row.total_rows)


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Pushes the job each time its progress changes, and completes when it has finished."
    )
    async def import_job(self, info: Info, id: strawberry.ID) -> AsyncGenerator[ImportJob, None]:
        async for job in _follow(info.context, id):
            yield job


async def _follow(context: Context, id: str) -> AsyncGenerator[ImportJob, None]:
    job_id = decode_id(id, "ImportJob", field=["id"])
    last: tuple[object, ...] | None = None
    while True:
        async with read_transaction(context.engine) as conn:
            row = await job_by_id(conn, job_id=job_id, account_id=context.account_id)
        if row is None:
            raise NotFound("No import job with this id.", field=["id"])
        if _progress_key(row) != last:
            last = _progress_key(row)
            # Each message reads what it shows afresh (the job's group changes as it runs).
            context.renew_loaders()
            yield ImportJob.from_row(row)
        if row.finished:
            return
        await context.services.events.wait(job_id, seconds=WAIT_SECONDS)
