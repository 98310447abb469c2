"""A restore job held QUEUED while a test looks at it (cancel tests, the job-history screen)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from api.global_ids import decode_id, encode_id
from storage.db import read_transaction, write_transaction
from storage.job_locks import job_locks
from storage.jobs import create_job
from storage.sql import run
from tests.server import LiveServer


def sql(server: LiveServer, query: str, **params: Any) -> list[tuple[Any, ...]]:
    """Rows of a read query, run on the server's engine."""

    async def read() -> list[tuple[Any, ...]]:
        async with read_transaction(server.services.engine) as conn:
            return [tuple(row) for row in await run(conn, query, **params)]

    return server.run(read())


@contextmanager
def held_restore(server: LiveServer, group: str, backup: str) -> Iterator[str]:
    """A restore of `backup` into `group`, kept QUEUED while the block runs; its global id.

    Its lock is taken before its row is committed, so the server's worker never sees it free;
    released at the end as the lock of an ended job (the test has ended it).
    """
    group_id = decode_id(group, "Group", field=["id"])
    account_id = sql(server, "SELECT account_id FROM recipient_group WHERE id = :g", g=group_id)[0][
        0
    ]

    async def queue_held() -> tuple[int, Any]:
        async with write_transaction(server.services.engine) as conn:
            job_id = await create_job(
                conn,
                now=server.clock.now(),
                account_id=account_id,
                kind="RESTORE",
                mode="REFRESH_AND_ADD",
                group_id=group_id,
                source_backup_id=decode_id(backup, "Backup", field=["id"]),
            )
            lock = await job_locks(server.services.engine).try_lock(job_id)
        assert lock is not None
        return job_id, lock

    job_id, lock = server.run(queue_held())
    try:
        yield encode_id("ImportJob", job_id)
    finally:
        server.run(lock.release(ended=True))


@contextmanager
def paused_worker(server: LiveServer) -> Iterator[None]:
    """The server's worker claims no job while the block runs (its slots set to none)."""
    worker = server.app.state.worker
    slots = worker.concurrency
    worker.concurrency = 0
    try:
        yield
    finally:
        worker.concurrency = slots
        assert server.loop is not None
        server.loop.call_soon_threadsafe(worker.wake, "test resumed")
