"""A big write's statistics are refreshed after its commit, never inside its transaction.

`write_recipients` marks an outcome that added or removed enough rows (PostgreSQL), and
`storage.statistics.refresh_soon` runs `ANALYZE recipient` once the caller has committed:
inside the write's transaction its lock would make concurrent big writes wait for each other.
PostgreSQL counts manual `ANALYZE`s per table (`pg_stat_user_tables.analyze_count`).
"""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import is_sqlite, write_transaction
from storage.sql import run, scalar
from storage.statistics import refresh_soon, refreshed
from storage.store.groups import create_group
from storage.store.write_path import WriteMode, WriteOutcome
from storage.store.writes import ANALYZE_AFTER_ROWS
from tests.support.store_writes import NOW, Row, new_account, write


async def analyses(engine: AsyncEngine) -> int | None:
    """How many times `recipient` was analysed by hand (None on SQLite)."""
    if is_sqlite(engine):
        return None
    async with engine.connect() as conn:
        return int(
            await scalar(
                conn,
                "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'recipient'",
            )
        )


async def new_group(engine: AsyncEngine) -> int:
    account_id = await new_account(engine, "a")
    async with write_transaction(engine) as conn:
        return await create_group(conn, account_id=account_id, name="g", now=NOW)


async def write_new(engine: AsyncEngine, group_id: int, count: int, domain: str) -> WriteOutcome:
    """`count` new rows written into the group as a job does (committed, nothing after)."""
    rows: list[Row] = [(n + 2, f"p{n}@{domain}", "First", "Last", None, None) for n in range(count)]
    _, _, outcome = await write(
        engine, group_id, rows=rows, source_seq=None, mode=WriteMode.ADD, backup=False
    )
    return outcome


async def test_a_big_write_is_analysed_after_its_commit(engine: AsyncEngine) -> None:
    group_id = await new_group(engine)
    start = await analyses(engine)
    outcome = await write_new(engine, group_id, ANALYZE_AFTER_ROWS + 1, "stats.io")
    assert outcome.added == ANALYZE_AFTER_ROWS + 1
    assert outcome.statistics_stale is not is_sqlite(engine)
    assert await analyses(engine) == start  # committed, and nothing analysed inside it
    # Asked three times before it runs: one ANALYZE, which starts after all three.
    for _ in range(3):
        refresh_soon(engine)
    await refreshed()
    after = await analyses(engine)
    if start is None:
        assert after is None
    else:
        assert after == start + 1


async def test_a_small_write_leaves_the_statistics(engine: AsyncEngine) -> None:
    group_id = await new_group(engine)
    await write_new(engine, group_id, ANALYZE_AFTER_ROWS + 1, "stats.io")
    outcome = await write_new(engine, group_id, 10, "more.io")
    assert outcome.added == 10
    assert not outcome.statistics_stale


async def test_a_failed_refresh_is_logged_not_raised(
    engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    if is_sqlite(engine):
        pytest.skip("SQLite keeps no statistics to refresh")
    async with engine.connect() as conn:
        await run(conn, "ALTER TABLE recipient RENAME TO recipient_away")
        await conn.commit()
    try:
        refresh_soon(engine)
        await refreshed()  # the ANALYZE failed; nothing raised here
        assert "could not refresh recipient statistics" in caplog.text
    finally:
        async with engine.connect() as conn:
            await run(conn, "ALTER TABLE recipient_away RENAME TO recipient")
            await conn.commit()
