"""A merge's history copy and counts, row by row, on both databases.

PostgreSQL updates, copies and counts in one statement (`merge._update_returning`), SQLite
through a temp table of the changes: both must keep the values from before the update,
valid from the row's version to the write's seq, only for rows the history rule takes, and
count the changed rows and those whose status the guard kept.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import read_transaction, write_transaction
from storage.sql import run
from storage.store.groups import create_group
from storage.store.write_path import WriteMode, WriteOutcome
from tests.support.store_writes import NOW, new_account, write

Row = tuple[str, str | None, str | None, str | None, str | None]


async def new_group(engine: AsyncEngine) -> int:
    account_id = await new_account(engine, "a")
    async with write_transaction(engine) as conn:
        return await create_group(conn, account_id=account_id, name="g", now=NOW)


async def switch(engine: AsyncEngine, group_id: int, *, on: bool) -> None:
    async with write_transaction(engine) as conn:
        await run(
            conn,
            "UPDATE recipient_group SET backups_enabled = :on WHERE id = :g",
            on=on,
            g=group_id,
        )


async def merge(
    engine: AsyncEngine, group_id: int, rows: list[Row], mode: WriteMode, *, backup: bool = False
) -> tuple[WriteOutcome, int]:
    """One write as the jobs do it (stage, lock, back up, write); its outcome and seq."""
    staged = [(rn, *row) for rn, row in enumerate(rows)]
    backup_id, before, outcome = await write(
        engine, group_id, rows=staged, source_seq=None, mode=mode, backup=backup
    )
    assert backup_id or not backup
    return outcome, before + 1


async def history(engine: AsyncEngine, group_id: int) -> list[tuple[Any, ...]]:
    async with read_transaction(engine) as conn:
        result = await run(
            conn,
            "SELECT email, first_name, last_name, status, attributes, valid_from, valid_to"
            " FROM recipient_version WHERE group_id = :g ORDER BY valid_to, email",
            g=group_id,
        )
        return [tuple(row) for row in result]


async def current(engine: AsyncEngine, group_id: int) -> list[tuple[Any, ...]]:
    async with read_transaction(engine) as conn:
        result = await run(
            conn,
            "SELECT email, first_name, last_name, status, attributes, version FROM recipient"
            " WHERE group_id = :g ORDER BY email",
            g=group_id,
        )
        return [tuple(row) for row in result]


async def test_a_merge_keeps_the_old_values_of_what_it_changes(engine: AsyncEngine) -> None:
    group_id = await new_group(engine)
    _, first = await merge(
        engine,
        group_id,
        [
            ("a@x.io", "Ann", "Lee", None, '{"k":"1"}'),
            ("b@x.io", "Bob", None, "UNSUBSCRIBED", None),
            ("c@x.io", "Cid", "Roe", None, None),
        ],
        WriteMode.ADD,
    )
    outcome, second = await merge(
        engine,
        group_id,
        [
            ("a@x.io", "Anna", None, None, None),  # a new first name, the rest kept
            ("b@x.io", None, "Smith", "ACTIVE", None),  # status refused, last name changed
            ("c@x.io", "Cid", "Roe", None, None),  # unchanged
            ("d@x.io", "Dee", None, None, None),  # new
        ],
        WriteMode.REFRESH_AND_ADD,
    )
    assert (outcome.added, outcome.updated, outcome.unchanged, outcome.status_kept) == (1, 2, 1, 1)
    assert await history(engine, group_id) == [
        ("a@x.io", "Ann", "Lee", "ACTIVE", '{"k":"1"}', first, second),
        ("b@x.io", "Bob", None, "UNSUBSCRIBED", None, first, second),
    ]
    assert await current(engine, group_id) == [
        ("a@x.io", "Anna", "Lee", "ACTIVE", '{"k":"1"}', second),
        ("b@x.io", "Bob", "Smith", "UNSUBSCRIBED", None, second),
        ("c@x.io", "Cid", "Roe", "ACTIVE", None, first),
        ("d@x.io", "Dee", None, "ACTIVE", None, second),
    ]
    outcome, third = await merge(
        engine, group_id, [("a@x.io", "Anna", "Lee", None, '{"k":"2"}')], WriteMode.REPLACE
    )
    assert (outcome.updated, outcome.removed, outcome.status_kept) == (1, 3, 0)
    assert (await history(engine, group_id))[2:] == [
        ("a@x.io", "Anna", "Lee", "ACTIVE", '{"k":"1"}', second, third),
        ("b@x.io", "Bob", "Smith", "UNSUBSCRIBED", None, second, third),
        ("c@x.io", "Cid", "Roe", "ACTIVE", None, first, third),
        ("d@x.io", "Dee", None, "ACTIVE", None, second, third),
    ]


async def test_with_a_switch_off_only_what_a_backup_sees_is_kept(engine: AsyncEngine) -> None:
    group_id = await new_group(engine)
    rows: list[Row] = [("a@x.io", "Ann", None, None, None), ("b@x.io", "Bob", None, None, None)]
    await switch(engine, group_id, on=False)
    _, first = await merge(engine, group_id, rows, WriteMode.ADD)
    outcome, _ = await merge(
        engine, group_id, [("a@x.io", "Al", None, None, None)], WriteMode.REFRESH
    )
    assert outcome.updated == 1
    assert await history(engine, group_id) == []  # no backup sees anything
    await switch(engine, group_id, on=True)
    _, backed_up = await merge(
        engine, group_id, [("b@x.io", "Bo", None, None, None)], WriteMode.REFRESH, backup=True
    )
    await switch(engine, group_id, on=False)
    outcome, last = await merge(
        engine,
        group_id,
        [("a@x.io", "Alf", None, None, None), ("b@x.io", "B", None, None, None)],
        WriteMode.REFRESH,
    )
    assert outcome.updated == 2
    # The backup (taken before seq `backed_up`) sees a as written at `first + 1` and b as
    # it was before: only a's row seen by it is copied, b's row written after it is not.
    assert await history(engine, group_id) == [
        ("b@x.io", "Bob", None, "ACTIVE", None, first, backed_up),
        ("a@x.io", "Al", None, "ACTIVE", None, first + 1, last),
    ]
