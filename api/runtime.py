"""The loops a process runs beside its work: the job worker, retention, SQLite checkpoints.

`listkeeper serve` runs them in the app's lifespan (the worker unless LISTKEEPER_WORKER is
off), `listkeeper worker` runs them alone; both through `running_loops`.
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

log = logging.getLogger("listkeeper")
CHECKPOINT_SECONDS = 2.0


def job_worker(services: Services) -> Worker:
    """The worker that runs this process's imports and restores."""
    return Worker(
        engine=services.engine,
        files=services.files,
        clock=services.clock,
        events=services.events,
        runners=job_runners(),
        poll_seconds=services.settings.job_poll_seconds,
        queued=services.job_queued,
    )


@asynccontextmanager
async def running_loops(services: Services, *, worker: Worker | None) -> AsyncIterator[None]:
    """Run retention, SQLite's checkpoints and `worker` (if any) until the block ends."""
    loops: dict[str, Coroutine[Any, Any, None]] = {"retention": retention_loop(services)}
    if is_sqlite(services.engine):
        loops["checkpoint"] = checkpoint_loop(services)
    if worker is not None:
        # No recovery step: every poll takes over the jobs whose worker died (api/worker.py).
        loops["worker"] = worker.run_forever()
    tasks = [asyncio.create_task(loop, name=f"listkeeper-{name}") for name, loop in loops.items()]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def checkpoint_loop(services: Services) -> None:
    """Checkpoint the WAL every few seconds, so that commits rarely have to."""
    while True:
        await asyncio.sleep(CHECKPOINT_SECONDS)
        try:
            await checkpoint(services.engine)
        except Exception:
            log.warning("WAL checkpoint failed; retrying later", exc_info=True)
