"""Model reads: rows built without pydantic's per-row work are the instances it would build."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import InstrumentedAttribute
from sqlmodel import col, select

from storage.db import read_transaction, write_transaction
from storage.models import ApiToken, Backup
from storage.reads import groups_by_id, groups_page
from storage.sql import fetch_model
from storage.store.backup_reads import backups_of_groups, backups_page
from storage.store.groups import create_group
from storage.tokens import ensure_account, insert_token, token_by_hash

NOW = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


async def test_a_fetched_row_is_the_instance_model_construct_gives(engine: AsyncEngine) -> None:
    async with write_transaction(engine) as conn:
        account_id = await ensure_account(conn, name="a", now=NOW)
        await insert_token(
            conn, account_id=account_id, token_hash="h", name="t", expires_at=None, now=NOW
        )
    async with read_transaction(engine) as conn:
        token = await token_by_hash(conn, token_hash="h")
        row = (await conn.execute(select(ApiToken))).one()
    assert token is not None
    expected = ApiToken.model_construct(**row._mapping)
    assert token == expected
    assert token.model_dump() == expected.model_dump()
    assert token.model_fields_set == expected.model_fields_set
    assert (token.name, token.created_at, token.expires_at) == ("t", NOW, None)
    instrumented: Any = vars(ApiToken)["token_hash"]  # what `token.token_hash` goes through
    assert isinstance(instrumented, InstrumentedAttribute)
    assert instrumented.__get__(token, ApiToken) == "h"
    with pytest.raises(AttributeError):
        token.name = "read-only, as model_construct's rows are"


async def test_no_row_is_none(engine: AsyncEngine) -> None:
    async with read_transaction(engine) as conn:
        assert await token_by_hash(conn, token_hash="nobody") is None


async def test_statements_built_once_take_new_parameters_each_call(engine: AsyncEngine) -> None:
    async with write_transaction(engine) as conn:
        a = await ensure_account(conn, name="a", now=NOW)
        b = await ensure_account(conn, name="b", now=NOW)
        ga = [await create_group(conn, account_id=a, name=f"a{i}", now=NOW) for i in range(3)]
        gb = await create_group(conn, account_id=b, name="b0", now=NOW)
        await conn.execute(
            sa.insert(Backup),
            [
                {
                    "account_id": a,
                    "group_id": g,
                    "group_name": "x",
                    "reason": "IMPORT",
                    "seq": i,
                    "recipient_count": 0,
                    "created_at": NOW - timedelta(minutes=i),
                    "expires_at": NOW + timedelta(days=1),
                }
                for i, g in enumerate([*ga, ga[0]])
            ],
        )
    async with read_transaction(engine) as conn:
        assert sorted(await groups_by_id(conn, account_id=a, ids=[*ga, gb])) == ga
        assert list(await groups_by_id(conn, account_id=b, ids=[*ga, gb])) == [gb]
        page, total = await groups_page(conn, account_id=a, first=1, before_id=None)
        assert ([g.id for g in page], total) == ([ga[2], ga[1]], 3)
        page, total = await groups_page(conn, account_id=a, first=5, before_id=ga[1])
        assert ([g.id for g in page], total) == ([ga[0]], 3)
        by_group = await backups_of_groups(conn, account_id=a, group_ids=[ga[0], gb])
        assert [x.seq for x in by_group[ga[0]]] == [0, 3]
        assert by_group[gb] == []
        newest, total = await backups_page(conn, account_id=a, group_id=None, first=9, before=None)
        assert ([x.seq for x in newest], total) == ([0, 1, 2, 3], 4)
        first = newest[0]
        after, total = await backups_page(
            conn, account_id=a, group_id=ga[0], first=9, before=(first.created_at, first.id)
        )
        assert ([x.seq for x in after], total) == ([3], 2)
        one = select(Backup).where(col(Backup.seq) == sa.bindparam("seq")).limit(1)
        found = await fetch_model(conn, one, {"seq": 2})
        assert found is not None
        assert found.group_id == ga[2]
