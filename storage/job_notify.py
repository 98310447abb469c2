"""Queued-job notices: PostgreSQL's LISTEN/NOTIFY wakes idle workers on every host at once.

A job is announced by `announce_queued` in the transaction that queues it (a new job, or one
a draining worker hands back): PostgreSQL delivers a NOTIFY only when that transaction
commits, so a worker never wakes for a job it cannot see yet, and a rolled-back job is never
announced. Each worker process keeps one `QueueListener`: a connection of its own, out of the
pool for the process's life, that LISTENs on the channel and calls back on every notice. A
lost connection is noticed at once (asyncpg's termination callback) or by a keep-alive read,
and is opened again; after each (re)connection the worker is woken too, since notices sent
while nobody listened are gone. Notices are hints, never the queue itself: polling stays as
the fallback, and a claim decides who runs what. SQLite has no notices: its workers poll, and
the one that shares a process with the API is woken in process (`Services.wake_worker`).

The same listener, on CHANGES_CHANNEL, carries a job's moves (progress, status: a trigger on
`job` sends them) to every instance that serves subscriptions, which wake their followers of
that job (`api.progress.JobEvents`) instead of finding the change at their next re-read.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.db import driver_connection, is_sqlite
from storage.sql import run, scalar

CHANNEL = "listkeeper_jobs"
# A job's progress or status moved (a trigger on `job`, migration 0011): subscriptions served
# by any instance hear it at once.
CHANGES_CHANNEL = "listkeeper_job_changes"
# How often an idle listening connection is checked: a half-open TCP connection (a network
# cut that no packet reported) is found within about this, then replaced.
KEEPALIVE_SECONDS = 10.0
# The wait before connecting again grows from the first to the last, then stays there.
RECONNECT_SECONDS = (0.5, 1.0, 2.0, 5.0, 10.0)

log = logging.getLogger("listkeeper.worker")


async def announce_queued(conn: AsyncConnection, *, job_id: int) -> None:
    """Tell the listening workers, once `conn`'s transaction commits, that a job is queued."""
    if not is_sqlite(conn):
        await run(conn, "SELECT pg_notify(:channel, :job)", channel=CHANNEL, job=str(job_id))


def notices_supported(engine: AsyncEngine) -> bool:
    """Whether `engine`'s database can wake workers with notices (PostgreSQL)."""
    return not is_sqlite(engine)


@dataclass
class QueueListener:
    """LISTENs on a connection of its own and calls `on_notice` (job id, or None: listening
    again after a gap, so anything may be queued or have changed) on every notice of
    `channel` (queued jobs, or with CHANGES_CHANNEL jobs that moved), until cancelled."""

    engine: AsyncEngine
    on_notice: Callable[[int | None], None]
    connections: int = 0
    channel: str = CHANNEL

    async def listen_forever(self) -> None:
        """Listen, reconnecting after any loss; ends only when cancelled."""
        failures = 0
        while True:
            try:
                await self._listen_once()
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as error:
                wait = RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS) - 1)]
                failures += 1
                log.warning(
                    "job notices: listening connection failed; reconnecting",
                    extra={"error": str(error), "retry_in_s": wait},
                )
                await asyncio.sleep(wait)

    async def _listen_once(self) -> None:
        """One listening connection, for as long as it lasts."""
        conn = await self.engine.connect()
        try:
            driver = await driver_connection(conn)
            lost = asyncio.Event()
            driver.add_termination_listener(lambda _c: lost.set())
            await driver.add_listener(self.channel, self._heard)
            self.connections += 1
            log.info("job notices: listening", extra={"channel": self.channel})
            # Anything queued before now (or while no connection listened) was never heard.
            self.on_notice(None)
            await _while_alive(conn, lost)
        finally:
            # Never back to the pool: a pooled connection must not keep listening.
            await conn.invalidate()
            await conn.close()

    def _heard(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        self.on_notice(int(payload) if payload.isdigit() else None)


async def _while_alive(conn: AsyncConnection, lost: asyncio.Event) -> None:
    """Return (raise) when the connection is lost: closed, or not answering a keep-alive."""
    while True:
        try:
            async with asyncio.timeout(KEEPALIVE_SECONDS):
                await lost.wait()
            raise ConnectionError("the listening connection was closed")
        except TimeoutError:
            pass
        async with asyncio.timeout(KEEPALIVE_SECONDS):
            await scalar(conn, "SELECT 1")
            # No transaction left open on an idle session.
            await conn.commit()
