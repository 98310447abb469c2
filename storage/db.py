"""Engines and transactions for SQLite (WAL) and PostgreSQL.

SQLite: a deferred transaction that reads and then writes fails at once under a
concurrent writer, so write transactions start with `BEGIN IMMEDIATE`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
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
    async with engine.connect() as conn, conn.begin():
        yield conn


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
