"""Migration 0012 puts stored emails in code point order on a PostgreSQL database whose own
collation is linguistic, losing nothing, and the write path then works on it.

The test cluster's collation (C.UTF-8) already orders like code points, so this database is
created with an ICU `en-US` default collation, under which `a_b@` sorts before `a.b@`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from api.settings import async_database_url
from storage.db import create_engine, write_transaction
from storage.sql import run
from storage.store.groups import create_group
from storage.store.write_path import WriteMode
from tests.conftest import create_postgres_database, required_postgres
from tests.support.migrations import migrate_to
from tests.support.store_writes import NOW, Row, new_account, write

EMAILS = ["a_b@x.io", "a.b@x.io", "a-b@x.io", "a+b@x.io", "ab@x.io", "a0@x.io", "z@x.io"]


@pytest.fixture
async def linguistic() -> AsyncIterator[AsyncEngine]:
    """A PostgreSQL database with an ICU en-US collation, at revision 0011."""
    url = await create_postgres_database(
        required_postgres(),
        "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'",
    )
    engine = create_engine(async_database_url(url))
    await migrate(engine, "0011")
    yield engine
    await engine.dispose()


async def migrate(engine: AsyncEngine, revision: str, *, down: bool = False) -> None:
    await migrate_to(engine, revision, down=down)
    # As a process of the release does: connections made after the migration. A pooled one
    # would fail once per statement it prepared before (the result's collation changed).
    await engine.dispose()


async def write_all(engine: AsyncEngine, group_id: int, first_name: str, mode: WriteMode) -> int:
    """Every address of EMAILS written with `first_name`, a backup first; rows added + updated."""
    rows: list[Row] = [(n + 2, e, first_name, None, None, None) for n, e in enumerate(EMAILS)]
    _, _, outcome = await write(
        engine, group_id, rows=rows, source_seq=None, mode=mode, backup=True
    )
    return outcome.added + outcome.updated


async def stored(engine: AsyncEngine, table: str) -> list[str]:
    async with engine.connect() as conn:
        return [str(r[0]) for r in await run(conn, f"SELECT email FROM {table} ORDER BY email")]


async def collations(engine: AsyncEngine) -> dict[str, str | None]:
    async with engine.connect() as conn:
        found = await run(
            conn,
            "SELECT table_name, collation_name FROM information_schema.columns"
            " WHERE column_name = 'email' AND table_name IN ('recipient', 'recipient_version')",
        )
        return {str(r.table_name): r.collation_name for r in found}


async def indexes(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        found = await run(conn, "SELECT indexname FROM pg_indexes WHERE tablename = 'recipient'")
        return {str(r[0]) for r in found}


async def test_emails_move_to_code_point_order_and_back(linguistic: AsyncEngine) -> None:
    engine = linguistic
    account_id = await new_account(engine, "a")
    async with write_transaction(engine) as conn:
        group_id = await create_group(conn, account_id=account_id, name="g", now=NOW)
    assert await write_all(engine, group_id, "First", WriteMode.ADD) == len(EMAILS)
    # After a backup, so that every old row is copied to recipient_version.
    assert await write_all(engine, group_id, "Second", WriteMode.REFRESH_AND_ADD) == len(EMAILS)
    linguistic_order = await stored(engine, "recipient")
    assert sorted(linguistic_order) == sorted(EMAILS)
    assert linguistic_order != sorted(EMAILS)  # the database's own order is not code points
    assert "ix_recipient_email_c" in await indexes(engine)

    await migrate(engine, "0012")
    assert await collations(engine) == {"recipient": "C", "recipient_version": "C"}
    assert await stored(engine, "recipient") == sorted(EMAILS)
    assert await stored(engine, "recipient_version") == sorted(EMAILS)
    assert "ix_recipient_email_c" not in await indexes(engine)
    # Unique as before; and a merge's temp tables join the stored emails.
    with pytest.raises(IntegrityError):
        async with write_transaction(engine) as conn:
            await run(
                conn,
                "INSERT INTO recipient (group_id, email, status, created_at, updated_at, version)"
                " VALUES (:g, 'a.b@x.io', 'ACTIVE', :now, :now, 9)",
                g=group_id,
                now=NOW,
            )
    assert await write_all(engine, group_id, "Third", WriteMode.REFRESH_AND_ADD) == len(EMAILS)
    _, _, added = await write(
        engine,
        group_id,
        rows=[(2, "new@x.io", None, None, None, None)],
        source_seq=None,
        mode=WriteMode.ADD,
        backup=False,
    )
    assert added.added == 1

    await migrate(engine, "0011", down=True)
    assert await collations(engine) == {"recipient": None, "recipient_version": None}
    back = await stored(engine, "recipient")
    assert sorted(back) == sorted([*EMAILS, "new@x.io"])
    assert back != sorted(back)  # the database's own order again
    assert "ix_recipient_email_c" in await indexes(engine)
