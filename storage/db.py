"""Engines and transactions for SQLite (WAL) and PostgreSQL.

SQLite: a deferred transaction that reads and then writes fails at once under a
concurrent writer, so write transactions start with `BEGIN IMMEDIATE`.

Read deadlines: the API sets one per GraphQL operation (`read_deadline`); every
`read_transaction` opened under it stops its statements once the deadline has
passed (PostgreSQL: `SET LOCAL statement_timeout`; SQLite: a progress handler)
and raises `ReadTimeout`. Job workers, retention and the download route never set
one, so long imports, restores and exports are not cut short.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA busy_timeout=30000",
    # Per pooled connection: a bigger cache stays resident after one large scan.
    "PRAGMA cache_size=-16384",
    # Checkpoints run in the background (`checkpoint_loop`); a commit only does one
    # itself when the WAL has grown past ~40 MB, so writes keep a steady cost.
    "PRAGMA wal_autocheckpoint=10000",
)
# SQLite calls the progress handler every this many virtual-machine instructions
# (a few microseconds of work): often enough to stop a statement promptly.
PROGRESS_STEPS = 10_000
PG_QUERY_CANCELED = "57014"


@dataclass(frozen=True)
class _Deadline:
    at: float  # time.monotonic()
    seconds: float  # the limit it was set from, for the error message


_read_deadline: ContextVar[_Deadline | None] = ContextVar("listkeeper_read_deadline", default=None)


class ReadTimeout(Exception):
    """A read under a deadline (an API request's) ran past it and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"This request ran past its limit of {seconds:g} seconds of database time and was"
            " stopped: ask for less at once (smaller pages, fewer comparisons or aliases)."
        )


@contextmanager
def read_deadline(seconds: float) -> Iterator[None]:
    """Reads opened inside this block (and tasks it starts) stop `seconds` from now."""
    token = _read_deadline.set(_Deadline(at=time.monotonic() + seconds, seconds=seconds))
    try:
        yield
    finally:
        _read_deadline.reset(token)


def create_engine(url: str) -> AsyncEngine:
    """An async engine for `url` (sqlite+aiosqlite or postgresql+asyncpg)."""
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Take transaction control from the driver so that BEGIN can be IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def is_sqlite(conn: AsyncConnection | AsyncEngine) -> bool:
    """Whether `conn` talks to SQLite."""
    return conn.dialect.name == "sqlite"


@asynccontextmanager
async def write_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One write transaction: committed when the block ends, rolled back on error."""
    async with engine.connect() as conn:
        conn = await conn.execution_options(immediate=True)
        async with conn.begin():
            yield conn


@asynccontextmanager
async def read_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One read transaction: a consistent snapshot for several queries."""
    deadline = _read_deadline.get()
    async with engine.connect() as conn, conn.begin():
        if deadline is None:
            yield conn
            return
        async with _stopped_at(conn, deadline):
            yield conn


@asynccontextmanager
async def _stopped_at(conn: AsyncConnection, deadline: _Deadline) -> AsyncIterator[None]:
    """Stop the statements of this transaction once the deadline has passed."""
    if not is_sqlite(conn):
        # Whole milliseconds, at least 1 (0 would mean no limit at all).
        remaining = max(1, int((deadline.at - time.monotonic()) * 1000))
        await conn.exec_driver_sql(f"SET LOCAL statement_timeout = {remaining}")
        try:
            yield
        except DBAPIError as error:
            if getattr(error.orig, "sqlstate", None) == PG_QUERY_CANCELED:
                raise ReadTimeout(deadline.seconds) from error
            raise
        return
    async with _sqlite_progress_deadline(conn, deadline):
        yield


@asynccontextmanager
async def _sqlite_progress_deadline(
    conn: AsyncConnection, deadline: _Deadline
) -> AsyncIterator[None]:
    driver = await driver_connection(conn)
    active = True

    def past_deadline() -> int:
        # Runs on aiosqlite's thread; `active` keeps a handler that a cancelled request
        # failed to remove from stopping the connection's next, unlimited user.
        return int(active and time.monotonic() > deadline.at)

    await driver.set_progress_handler(past_deadline, PROGRESS_STEPS)
    try:
        yield
    except DBAPIError as error:
        if str(error.orig) == "interrupted" and time.monotonic() > deadline.at:
            raise ReadTimeout(deadline.seconds) from error
        raise
    finally:
        active = False
        await driver.set_progress_handler(None, PROGRESS_STEPS)


async def driver_connection(conn: AsyncConnection) -> Any:
    """The driver's own connection (aiosqlite or asyncpg) for bulk work."""
    raw = await conn.get_raw_connection()
    return raw.driver_connection


async def checkpoint(engine: AsyncEngine) -> None:
    """Copy the SQLite WAL into the database without blocking readers or writers."""
    async with engine.connect() as conn:
        driver = await driver_connection(conn)
        # On the driver: outside any transaction, where a checkpoint can run.
        await driver.execute("PRAGMA wal_checkpoint(PASSIVE)")
