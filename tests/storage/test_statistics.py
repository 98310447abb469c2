"""A big write's statistics are refreshed after its commit, never inside its transaction.

`write_recipients` marks an outcome that added or removed enough rows (PostgreSQL), and
`storage.statistics.refresh_soon` runs `ANALYZE recipient` once the caller has committed:
inside the write's transaction its lock would make concurrent big writes wait for each other.
PostgreSQL counts manual `ANALYZE`s per table (`pg_stat_user_tables.analyze_count`).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import is_sqlite, write_transaction
from storage.sql import run, scalar
from storage.statistics import refresh_soon, refreshed
from storage.store.groups import create_group
from storage.store.writes import ANALYZE_AFTER_ROWS
from storage.store.write_path import (
    StagedSource,
    WriteMode,
    WriteOutcome,
    create_stage,
    drop_stage,
    lock_group,
    stage_rows,
    write_recipients,
)

NOW = datetime(2026, 3, 1, tzinfo=UTC)


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
    async with write_transaction(engine) as conn:
        await run(
            conn,
            "INSERT INTO account (name, backups_enabled, backup_retention_days, created_at)"
            " VALUES ('a', true, 30, :now)",
            now=NOW,
        )
        account_id = await scalar(conn, "SELECT id FROM account WHERE name = 'a'")
        return await create_group(conn, account_id=account_id, name="g", now=NOW)


async def write(
    engine: AsyncEngine, group_id: int, count: int, domain: str = "stats.io"
) -> tuple[WriteOutcome, int | None]:
    """Write `count` new rows into the group; the outcome, and the analyses counted just
    before the commit (by another connection)."""
    rows: list[tuple[int, str, str | None, str | None, str | None, str | None]] = [
        (n + 2, f"p{n}@{domain}", "First", "Last", None, None) for n in range(count)
    ]
    async with engine.connect() as conn:
        await create_stage(conn)
        await stage_rows(conn, rows)
        await conn.commit()
        await conn.execution_options(immediate=True)
        async with conn.begin():
            group = await lock_group(conn, group_id=group_id, now=NOW)
            assert group is not None
            outcome = await write_recipients(
                conn, group=group, source=StagedSource(), mode=WriteMode.ADD, now=NOW
            )
            before_commit = await analyses(engine)
        await drop_stage(conn)
        await conn.commit()
    return outcome, before_commit


async def test_a_big_write_is_analysed_after_its_commit(engine: AsyncEngine) -> None:
    group_id = await new_group(engine)
    start = await analyses(engine)
    outcome, before_commit = await write(engine, group_id, ANALYZE_AFTER_ROWS + 1)
    assert outcome.added == ANALYZE_AFTER_ROWS + 1
    assert outcome.statistics_stale is not is_sqlite(engine)
    assert before_commit == start  # nothing analysed inside the transaction
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
    await write(engine, group_id, ANALYZE_AFTER_ROWS + 1)
    outcome, _ = await write(engine, group_id, 10, "more.io")
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
