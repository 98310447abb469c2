"""The SQL helpers: IN lists, row locks, model reads, and the one state-at-seq query."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import is_sqlite, read_transaction, write_transaction
from storage.reads import groups_by_id
from storage.sql import MAX_ID, possible_ids, row_lock, run
from storage.store.groups import create_group
from storage.store.state import seen_at, state_sql
from storage.tokens import ensure_account

NOW = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


async def test_a_list_parameter_is_an_in_list(engine: AsyncEngine) -> None:
    async with write_transaction(engine) as conn:
        account_id = await ensure_account(conn, name="a", now=NOW)
        ids = [await create_group(conn, account_id=account_id, name=n, now=NOW) for n in "xyz"]
        sql = "SELECT name FROM recipient_group WHERE id IN :ids ORDER BY name"
        assert [r.name for r in await run(conn, sql, ids=ids[1:])] == ["y", "z"]
        assert [r.name for r in await run(conn, sql, ids=[])] == []
        assert [r.name for r in await run(conn, sql, ids=(ids[0],))] == ["x"]


async def test_model_reads_give_aware_utc_timestamps(engine: AsyncEngine) -> None:
    async with write_transaction(engine) as conn:
        account_id = await ensure_account(conn, name="a", now=NOW)
        group_id = await create_group(conn, account_id=account_id, name="g", now=NOW)
    async with read_transaction(engine) as conn:
        found = await groups_by_id(conn, account_id=account_id, ids=[group_id, MAX_ID + 1])
    assert list(found) == [group_id]
    assert found[group_id].created_at == NOW
    assert found[group_id].created_at.tzinfo is not None


async def test_the_row_lock_is_postgresql_only(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        expected = "" if is_sqlite(conn) else " FOR NO KEY UPDATE"
        assert row_lock(conn, "NO KEY UPDATE") == expected


def test_ids_no_row_can_have_are_left_out() -> None:
    assert possible_ids([0, 1, MAX_ID, MAX_ID + 1, -3]) == [1, MAX_ID]


def test_the_state_is_the_union_of_its_two_parts() -> None:
    current = state_sql(7, 3, parts=("current",))
    history = state_sql(7, 3, parts=("history",))
    assert state_sql(7, 3) == f"{current} UNION ALL {history}"
    assert current.endswith(f"WHERE group_id = 7 AND {seen_at('3', 'current')}")
    assert seen_at("b.seq", "history", "v") == "v.valid_to > b.seq AND v.valid_from <= b.seq"
    assert state_sql(7, 3, parts=("current",), ordered=True).endswith("ORDER BY group_id, email")
    assert state_sql(7, 3, ordered=True).endswith(f"{history} ORDER BY email")
