"""A big import into an empty group on SQLite drops the plain recipient indexes and builds them
again in its transaction: a finished one leaves them as they were, a stopped one too.

The table holds another group's rows; the import stages at least `REBUILD_INDEXES_FACTOR` times
the table's rows (SQLite drops the indexes; PostgreSQL has no such path and must end the same).
A write stopped at each of its checkpoints (after the drop, after the insert, between the
builds) rolls back to the indexes, rows and group it had before.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import is_sqlite, read_transaction, write_transaction
from storage.sql import run, scalar
from storage.store.groups import create_group
from storage.store.write_path import (
    REBUILD_INDEXES_FACTOR,
    StagedSource,
    WriteMode,
    create_stage,
    drop_stage,
    lock_group,
    stage_rows,
    write_recipients,
)

NOW = datetime(2026, 3, 1, tzinfo=UTC)
HELD = 5  # the other group's rows
Row = tuple[int, str, str | None, str | None, str | None, str | None]


class Stop(Exception):
    """Raised by the checkpoint to stop the write."""


def rows_of(count: int, domain: str) -> list[Row]:
    """Staged rows in scattered order, one address twice (the later row wins)."""
    rows: list[Row] = [
        (n + 2, f"p{n * 7 % count}@{domain}", f"First{n % 3}", f"Last{n % 4}", None, None)
        for n in range(count)
    ]
    rows.append((count + 2, f"p0@{domain}", "Again", None, "INACTIVE", '{"a":"1"}'))
    return rows


async def schema_and_rows(engine: AsyncEngine) -> tuple[list[Any], list[Any], list[Any]]:
    """The recipient table's indexes (name and SQL), its rows and the groups."""
    async with read_transaction(engine) as conn:
        if is_sqlite(conn):
            sql = "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'recipient' ORDER BY name"
        else:
            sql = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'recipient' ORDER BY 1"
        indexes = [tuple(r) for r in await run(conn, sql)]
        rows = [
            tuple(r)
            for r in await run(
                conn,
                "SELECT id, group_id, email, first_name, last_name, status, attributes, version"
                " FROM recipient ORDER BY id",
            )
        ]
        groups = [
            tuple(r)
            for r in await run(conn, "SELECT id, seq, recipient_count FROM recipient_group")
        ]
    return indexes, rows, groups


async def setup(engine: AsyncEngine) -> tuple[int, int]:
    """An account with a group of HELD rows (written the normal way) and an empty group."""
    async with write_transaction(engine) as conn:
        await run(
            conn,
            "INSERT INTO account (name, backups_enabled, backup_retention_days, created_at)"
            " VALUES ('a', true, 30, :now)",
            now=NOW,
        )
        account_id = await scalar(conn, "SELECT id FROM account WHERE name = 'a'")
        other = await create_group(conn, account_id=account_id, name="other", now=NOW)
        empty = await create_group(conn, account_id=account_id, name="empty", now=NOW)
    await import_rows(engine, other, rows_of(HELD, "held.io"))
    return other, empty


async def import_rows(
    engine: AsyncEngine, group_id: int, rows: list[Row], *, stop_at: int | None = None
) -> None:
    """Stage `rows` and write them into the group in one transaction, as the import does;
    with `stop_at`, the write's checkpoint raises `Stop` at its `stop_at`-th call."""
    calls = 0

    async def checkpoint() -> None:
        nonlocal calls
        calls += 1
        if calls == stop_at:
            raise Stop

    async with engine.connect() as conn:
        await create_stage(conn)
        await stage_rows(conn, rows)
        await conn.commit()
        await conn.execution_options(immediate=True)
        try:
            async with conn.begin():
                group = await lock_group(conn, group_id=group_id, now=NOW)
                assert group is not None
                await write_recipients(
                    conn,
                    group=group,
                    source=StagedSource(),
                    mode=WriteMode.ADD,
                    now=NOW,
                    checkpoint=checkpoint,
                )
        finally:
            await drop_stage(conn)
            await conn.commit()


async def test_a_big_import_keeps_the_indexes_and_adds_its_rows(engine: AsyncEngine) -> None:
    _, empty = await setup(engine)
    indexes, before, _ = await schema_and_rows(engine)
    count = REBUILD_INDEXES_FACTOR * len(before) + 10
    await import_rows(engine, empty, rows_of(count, "big.io"))
    after_indexes, after, groups = await schema_and_rows(engine)
    assert after_indexes == indexes
    assert after[: len(before)] == before
    added = [row for row in after if row[1] == empty]
    assert len(added) == count
    if is_sqlite(engine):  # inserted in key order (PostgreSQL's order is its collation's)
        assert [row[2] for row in added] == sorted(row[2] for row in added)
    assert next(row for row in added if row[2] == "p0@big.io")[3:7] == (
        "Again",
        None,
        "INACTIVE",
        '{"a":"1"}',
    )
    assert (empty, 1, count) in groups
    async with read_transaction(engine) as conn:
        if is_sqlite(conn):
            assert await scalar(conn, "PRAGMA integrity_check") == "ok"
        # The rebuilt name index answers as before.
        found = await scalar(
            conn,
            "SELECT count(*) FROM recipient WHERE group_id = :g AND lower(first_name) = 'first1'",
            g=empty,
        )
    assert found == sum(1 for row in added if row[3] == "First1")


@pytest.mark.parametrize("stop_at", [2, 3, 4, 5])
async def test_a_stopped_big_import_leaves_indexes_and_rows_as_they_were(
    engine: AsyncEngine, stop_at: int
) -> None:
    # Checkpoints: 1 before the write, 2 after the indexes' drop, 3 and 4 before each build,
    # 5 after the write (PostgreSQL: 2 before its insert, 3 after it).
    if stop_at > 3 and not is_sqlite(engine):
        pytest.skip("PostgreSQL's write has three checkpoints")
    _, empty = await setup(engine)
    before = await schema_and_rows(engine)
    count = REBUILD_INDEXES_FACTOR * len(before[1]) + 10
    with pytest.raises(Stop):
        await import_rows(engine, empty, rows_of(count, "big.io"), stop_at=stop_at)
    assert await schema_and_rows(engine) == before
    async with read_transaction(engine) as conn:
        if is_sqlite(conn):
            assert await scalar(conn, "PRAGMA integrity_check") == "ok"


async def test_a_small_import_into_a_big_table_keeps_its_indexes(engine: AsyncEngine) -> None:
    # Fewer staged rows than the factor asks: the indexes are never dropped (a stop between
    # the insert and the end leaves nothing to build again).
    _, empty = await setup(engine)
    before = await schema_and_rows(engine)
    with pytest.raises(Stop):
        await import_rows(engine, empty, rows_of(2, "small.io"), stop_at=3)
    assert await schema_and_rows(engine) == before
    await import_rows(engine, empty, rows_of(2, "small.io"))
    indexes, rows, _ = await schema_and_rows(engine)
    assert indexes == before[0]
    assert len(rows) == len(before[1]) + 2
