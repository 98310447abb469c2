"""Engines and transactions for SQLite (WAL) and PostgreSQL.

SQLite: a deferred transaction that reads and then writes fails at once under a
concurrent writer, so write transactions start with `BEGIN IMMEDIATE`.

Read deadlines: the API sets one per GraphQL operation (`read_deadline`); every
`read_transaction` opened under it stops its statements once the deadline has
passed (PostgreSQL: `SET LOCAL statement_timeout`; SQLite: a progress handler)
and raises `ReadTimeout`. Job workers, retention and the download route never set
one, so long imports, restores and exports are not cut short.

Interrupts: a job's worker runs it under `interruptible(interrupt)`; every connection the
job checks out meanwhile can then be stopped mid-statement once `interrupt.request()` is
called (SQLite: the same progress handler as read deadlines, installed at checkout;
PostgreSQL: `stop_statements` cancels the job's backends from another connection). What the
stopped statement raises is recognised by `interrupt.caused(error)`.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlalchemy.util.concurrency import await_

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
SQLITE_INTERRUPTED = "interrupted"
# Where a pooled connection keeps what it was checked out under (`ConnectionPoolEntry.info`).
SWITCH_KEY = "listkeeper_stop_switch"
INTERRUPT_KEY = "listkeeper_interrupt"


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


class StopSwitch:
    """A SQLite progress handler: stops the connection's statement once `should_stop()`.

    Runs on aiosqlite's thread. `off()` keeps a handler that could not be removed yet (a
    request cancelled midway, a connection back in the pool) from stopping the connection's
    next user.
    """

    def __init__(self, should_stop: Callable[[], bool]) -> None:
        self.should_stop = should_stop
        self.on = True

    def __call__(self) -> int:
        return int(self.on and self.should_stop())

    def off(self) -> None:
        """Never stop anything again."""
        self.on = False


@dataclass
class Interrupt:
    """Stops the statements of one job's connections, from another task, once requested."""

    requested: bool = False
    # PostgreSQL backends of the connections checked out under it and not yet returned.
    backends: set[int] = field(default_factory=set)

    def request(self) -> None:
        """From now on, every statement of the job's connections stops (SQLite at once)."""
        self.requested = True

    async def stop_statements(self, engine: AsyncEngine) -> None:
        """PostgreSQL: cancel what the job's backends are running now (SQLite needs nothing).

        A backend idle between statements ignores the cancel: the caller repeats it while
        the job runs. A backend is cancelled only while its connection is still the job's
        (checked in, it leaves `backends`), checked again just before the cancel is sent.
        """
        if not self.requested or is_sqlite(engine) or not self.backends:
            return
        async with engine.connect() as conn:
            for pid in sorted(self.backends):
                if pid in self.backends:
                    await conn.execute(text("SELECT pg_cancel_backend(:pid)"), {"pid": pid})
            await conn.rollback()

    def caused(self, error: BaseException) -> bool:
        """Whether `error` is a statement this interrupt stopped (not one stopped otherwise)."""
        if not self.requested:
            return False
        seen: set[int] = set()
        current: BaseException | None = error
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            if _is_stopped_statement(current):
                return True
            current = current.__cause__ or current.__context__
        return False


def _is_stopped_statement(error: BaseException) -> bool:
    """A statement stopped by a progress handler or a cancel (a driver's error, or wrapped)."""
    orig = getattr(error, "orig", None) or error
    if isinstance(orig, sqlite3.OperationalError):
        return str(orig) == SQLITE_INTERRUPTED
    return getattr(orig, "sqlstate", None) == PG_QUERY_CANCELED


_interrupt: ContextVar[Interrupt | None] = ContextVar("listkeeper_interrupt", default=None)


@contextmanager
def interruptible(interrupt: Interrupt) -> Iterator[None]:
    """Connections checked out inside this block (and tasks it starts) obey `interrupt`."""
    token = _interrupt.set(interrupt)
    try:
        yield
    finally:
        _interrupt.reset(token)


def create_engine(url: str) -> AsyncEngine:
    """An async engine for `url` (sqlite+aiosqlite or postgresql+asyncpg)."""
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})
        _configure_sqlite(engine)
    else:
        engine = create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)
    _configure_interrupts(engine)
    return engine


def _configure_interrupts(engine: AsyncEngine) -> None:
    """Hand each connection checked out under `interruptible` to its interrupt, until checkin."""
    sqlite = is_sqlite(engine)

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(
        dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection
    ) -> None:
        # Runs in the checking-out task's greenlet: its context (the interrupt) and await_.
        interrupt = _interrupt.get()
        driver = dbapi_connection.driver_connection
        if sqlite:
            if interrupt is not None:
                switch = StopSwitch(lambda: interrupt.requested)
                await_(driver.set_progress_handler(switch, PROGRESS_STEPS))
                record.info[SWITCH_KEY] = switch
            elif record.info.pop(SWITCH_KEY, None) is not None:
                # Left by the previous (interruptible) user: a handler costs every statement.
                await_(driver.set_progress_handler(None, PROGRESS_STEPS))
        elif interrupt is not None:
            pid = driver.get_server_pid()
            interrupt.backends.add(pid)
            record.info[INTERRUPT_KEY] = (interrupt, pid)

    @event.listens_for(engine.sync_engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        # No await here (a checkin may run outside any greenlet): switch off, remove later.
        switch = record.info.get(SWITCH_KEY)
        if switch is not None:
            switch.off()
        held = record.info.pop(INTERRUPT_KEY, None)
        if held is not None:
            interrupt, pid = held
            interrupt.backends.discard(pid)


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
    switch = StopSwitch(lambda: time.monotonic() > deadline.at)
    await driver.set_progress_handler(switch, PROGRESS_STEPS)
    try:
        yield
    except DBAPIError as error:
        if str(error.orig) == SQLITE_INTERRUPTED and time.monotonic() > deadline.at:
            raise ReadTimeout(deadline.seconds) from error
        raise
    finally:
        switch.off()
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
