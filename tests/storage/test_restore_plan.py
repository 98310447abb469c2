"""A restore's copy of a state: exact into a new group and back into its own group, and the
plan settings it sets for its index-ordered read (PostgreSQL) end with that statement."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.db import is_sqlite, write_transaction
from storage.sql import run, scalar
from storage.store.groups import create_group
from storage.store.write_path import (
    BackupSource,
    StagedSource,
    WriteMode,
    create_stage,
    drop_stage,
    lock_group,
    stage_rows,
    write_recipients,
)
from tests.support.state import fetch_state

NOW = datetime(2026, 3, 1, tzinfo=UTC)
SETTINGS = ("enable_seqscan", "enable_bitmapscan", "enable_sort", "jit")


async def settings(conn: AsyncConnection) -> dict[str, str]:
    """The plan settings the restore's read changes (PostgreSQL), as the transaction sees them."""
    if is_sqlite(conn):
        return {}
    return {name: await scalar(conn, f"SELECT current_setting('{name}')") for name in SETTINGS}


async def write(
    engine: AsyncEngine, group_id: int, names: tuple[str, str], emails: list[str]
) -> int:
    """Import `emails` with these names into the group (REFRESH_AND_ADD); the write's seq."""
    async with engine.connect() as conn:
        await create_stage(conn)
        await stage_rows(conn, [(n + 2, e, *names, None, None) for n, e in enumerate(emails)])
        await conn.commit()
        await conn.execution_options(immediate=True)
        async with conn.begin():
            group = await lock_group(conn, group_id=group_id, now=NOW)
            assert group is not None
            await write_recipients(
                conn,
                group=group,
                source=StagedSource(),
                mode=WriteMode.REFRESH_AND_ADD,
                now=NOW,
            )
        await drop_stage(conn)
        await conn.commit()
    return group.seq


async def test_a_state_restores_exactly_and_the_plan_settings_end(engine: AsyncEngine) -> None:
    async with write_transaction(engine) as conn:
        await run(
            conn,
            "INSERT INTO account (name, backups_enabled, backup_retention_days, created_at)"
            " VALUES ('a', true, 30, :now)",
            now=NOW,
        )
        account_id = await scalar(conn, "SELECT id FROM account WHERE name = 'a'")
        source = await create_group(conn, account_id=account_id, name="source", now=NOW)
        target = await create_group(conn, account_id=account_id, name="target", now=NOW)
    emails = [f"p{i:02d}@x.io" for i in range(20)]
    seq = await write(engine, source, ("Ann", "Lee"), emails)
    # After `seq`: half the rows change, so its state is current rows and history rows.
    await write(engine, source, ("Bob", "Ray"), emails[::2])
    async with write_transaction(engine) as conn:
        expected = await fetch_state(conn, group_id=source, seq=seq)
    assert len(expected) == len(emails)
    assert {row[1] for row in expected} == {"Ann"}
    for group_id, mode in ((target, WriteMode.REFRESH_AND_ADD), (source, WriteMode.REPLACE)):
        async with engine.connect() as conn:
            await conn.execution_options(immediate=True)
            async with conn.begin():
                before = await settings(conn)
                group = await lock_group(conn, group_id=group_id, now=NOW)
                assert group is not None
                outcome = await write_recipients(
                    conn, group=group, source=BackupSource(source, seq), mode=mode, now=NOW
                )
                assert await settings(conn) == before
                restored = await fetch_state(conn, group_id=group_id, seq=group.seq)
        assert outcome.source_rows == len(emails)
        assert restored == expected
