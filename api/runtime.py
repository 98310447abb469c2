"""The loops a process runs beside its work: the job worker, retention, SQLite checkpoints.

`listkeeper serve` runs them in the app's lifespan (the worker unless LISTKEEPER_WORKER is
off), `listkeeper worker` runs them alone; both through `running_loops`, which drains the
worker when the process stops (uvicorn's shutdown on SIGTERM, the worker command's signal).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from api.jobs import job_runners
from api.retention import retention_loop
from api.services import Services
from api.worker import Worker
from storage.db import checkpoint, is_sqlite
from storage.job_notify import CHANGES_CHANNEL, QueueListener
from storage.statistics import refreshed

log = logging.getLogger("listkeeper")
CHECKPOINT_SECONDS = 2.0
# Jobs a worker runs at once unless LISTKEEPER_WORKER_CONCURRENCY says: SQLite has one writer,
# and a second job would wait on its lock (and fail past the busy timeout), so always 1 there;
# on PostgreSQL jobs on different groups write side by side.
DEFAULT_CONCURRENCY = 4


def job_worker(services: Services) -> Worker:
    """The worker that runs this process's imports and restores."""
    return Worker(
        engine=services.engine,
        files=services.files,
        clock=services.clock,
        events=services.events,
        runners=job_runners(),
        poll_seconds=services.settings.job_poll_seconds,
        concurrency=worker_concurrency(services),
        notices=services.settings.job_notices,
        queued=services.job_queued,
    )


def worker_concurrency(services: Services) -> int:
    """How many jobs this process's worker runs at once."""
    wanted = services.settings.worker_concurrency
    if is_sqlite(services.engine):
        if wanted is not None and wanted > 1:
            log.warning(
                "LISTKEEPER_WORKER_CONCURRENCY is ignored on SQLite: one job at a time",
                extra={"asked": wanted},
            )
        return 1
    return wanted or DEFAULT_CONCURRENCY


@asynccontextmanager
async def running_loops(
    services: Services, *, worker: Worker | None, serves_clients: bool = False
) -> AsyncIterator[None]:
    """Run retention, SQLite's checkpoints and `worker` (if any) until the block ends; with
    `serves_clients` on PostgreSQL, the listener of job changes for subscriptions."""
    loops: dict[str, Coroutine[Any, Any, None]] = {"retention": retention_loop(services)}
    if is_sqlite(services.engine):
        loops["checkpoint"] = checkpoint_loop(services)
    elif serves_clients and services.settings.job_notices:
        loops["job-changes"] = job_changes_listener(services).listen_forever()
    if worker is not None:
        # No recovery step: every poll takes over the jobs whose worker died (api/worker.py).
        loops["worker"] = worker.run_forever()
    tasks = [asyncio.create_task(loop, name=f"listkeeper-{name}") for name, loop in loops.items()]
    try:
        yield
    finally:
        if worker is not None:
            await _drained(worker, services.settings.worker_grace_seconds)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await refreshed()  # statistics of the last jobs' writes, before the engine closes


async def _drained(worker: Worker, grace_seconds: float) -> None:
    """Let the worker's jobs end (or go back to the queue) before the loops are cancelled."""
    try:
        await worker.drain(grace_seconds)
    except Exception:
        log.exception("draining the job worker failed; its jobs will be taken over")


def job_changes_listener(services: Services) -> QueueListener:
    """Wakes this process's followers of a job that moved anywhere (a subscription served here
    of a job a worker on another host runs)."""

    def heard(job_id: int | None) -> None:
        if job_id is None:
            services.events.publish_all()  # listening again: changes may have been missed
        else:
            services.events.publish(job_id)

    return QueueListener(services.engine, on_notice=heard, channel=CHANGES_CHANNEL)


async def checkpoint_loop(services: Services) -> None:
    """Checkpoint the WAL every few seconds, so that commits rarely have to."""
    while True:
        await asyncio.sleep(CHECKPOINT_SECONDS)
        try:
            await checkpoint(services.engine)
        except Exception:
            log.warning("WAL checkpoint failed; retrying later", exc_info=True)
