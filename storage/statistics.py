"""PostgreSQL's planner statistics refreshed after a big write, once the write has committed.

A write that adds or removes many rows leaves `recipient`'s statistics stale, and PostgreSQL
would then take the next small import's joins for tiny and hash the whole group; autovacuum's
`ANALYZE` comes minutes later. So the write path marks its outcome (`WriteOutcome.
statistics_stale`) and the job that committed it calls `refresh_soon`, which runs
`ANALYZE recipient` on a connection of its own, in the background:

- after the commit, not inside the write's transaction: `ANALYZE` takes a SHARE UPDATE
  EXCLUSIVE lock, which conflicts with itself, so two big jobs each analysing inside their
  transaction would wait for each other's commit; and the write is visible (the job ended)
  without waiting for a sample of the table (0.2-1.2 s for 20,000,000 rows here);
- at most one at a time per database, and one more if asked while it runs: the one running
  may have sampled before the latest write committed.

A refresh that fails is logged and left to autovacuum: statistics change plans, never
results. SQLite keeps no such statistics between writes (its `ANALYZE` is not run).
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import is_sqlite
from storage.sql import run

log = logging.getLogger(__name__)

_running: dict[AsyncEngine, asyncio.Task[None]] = {}
_again: set[AsyncEngine] = set()


def refresh_soon(engine: AsyncEngine) -> None:
    """Refresh `recipient`'s statistics in the background (PostgreSQL; nothing on SQLite)."""
    if is_sqlite(engine):
        return
    task = _running.get(engine)
    if task is not None and not task.done():
        _again.add(engine)
        return
    task = asyncio.create_task(_refresh(engine), name="listkeeper-statistics")
    _running[engine] = task
    task.add_done_callback(lambda done: _forget(engine, done))


def _forget(engine: AsyncEngine, done: asyncio.Task[None]) -> None:
    if _running.get(engine) is done:
        del _running[engine]


async def _refresh(engine: AsyncEngine) -> None:
    while True:
        _again.discard(engine)
        try:
            async with engine.connect() as conn:
                await run(conn, "ANALYZE recipient")
                await conn.commit()
        except Exception:
            log.warning("could not refresh recipient statistics; autovacuum will", exc_info=True)
            return
        if engine not in _again:
            return


async def refreshed() -> None:
    """Wait for the refreshes this event loop started (before an engine closes; tests)."""
    loop = asyncio.get_running_loop()
    await asyncio.gather(*[t for t in _running.values() if t.get_loop() is loop])
