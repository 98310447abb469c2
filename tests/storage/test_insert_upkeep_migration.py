"""Migration 0013 on PostgreSQL: the names' two btrees become one GIN index over the group's
name lexemes, built from the rows already there, and recipient ids are handed out 1,000 at a
time; the search finds the same rows before and after, and the downgrade puts both back."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from api.settings import async_database_url
from storage.db import create_engine, read_transaction, write_transaction
from storage.recipient_search import search_count
from storage.sql import run, scalar
from storage.store.groups import create_group
from storage.store.write_path import WriteMode
from tests.conftest import create_postgres_database, required_postgres
from tests.support.migrations import migrate_to
from tests.support.store_writes import NOW, Row, new_account, write

NAMES: list[tuple[str, str | None]] = [
    ("Élodie", "Durand"),
    ("ÉLISE", None),
    ("émile", "Éluard"),
    ("O'Brien", "Back\\slash"),
    ("Zoë", "a:b | c"),
]
BTREES = {"ix_recipient_first_name_lower_c", "ix_recipient_last_name_lower_c"}
GIN = "ix_recipient_names_gin"


@pytest.fixture
async def at_0012() -> AsyncIterator[AsyncEngine]:
    """A PostgreSQL database at revision 0012."""
    engine = create_engine(async_database_url(await create_postgres_database(required_postgres())))
    await migrate_to(engine, "0012")
    yield engine
    await engine.dispose()


async def indexes(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        found = await run(conn, "SELECT indexname FROM pg_indexes WHERE tablename = 'recipient'")
        return {str(r[0]) for r in found}


async def id_cache(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        found = await run(
            conn,
            "SELECT sequencename, cache_size FROM pg_sequences"
            " WHERE sequencename IN ('recipient_id_seq', 'recipient_version_id_seq')",
        )
        return {str(r.sequencename): int(r.cache_size) for r in found}


async def counted(engine: AsyncEngine, group_id: int, prefix: str) -> int:
    async with read_transaction(engine) as conn:
        return await search_count(conn, group_id=group_id, prefix=prefix, status=None)


async def test_names_move_to_one_gin_index_and_back(at_0012: AsyncEngine) -> None:
    engine = at_0012
    account_id = await new_account(engine, "a")
    async with write_transaction(engine) as conn:
        group_id = await create_group(conn, account_id=account_id, name="g", now=NOW)
        other = await create_group(conn, account_id=account_id, name="other", now=NOW)
    rows: list[Row] = [(n + 2, f"p{n}@x.io", f, la, None, None) for n, (f, la) in enumerate(NAMES)]
    for group in (group_id, other):
        await write(engine, group, rows=rows, source_seq=None, mode=WriteMode.ADD, backup=False)
    assert await indexes(engine) >= BTREES
    assert await id_cache(engine) == {"recipient_id_seq": 1, "recipient_version_id_seq": 1}

    await migrate_to(engine, "0013")
    assert GIN in await indexes(engine)
    assert not BTREES & await indexes(engine)
    assert await id_cache(engine) == {"recipient_id_seq": 1000, "recipient_version_id_seq": 1000}
    # The index was built from the rows already stored: each group finds its own.
    expected = {"él": 3, "élo": 1, "o'b": 1, "back\\": 1, "a:b |": 1, "zo": 1, "x": 0}
    for group in (group_id, other):
        assert {p: await counted(engine, group, p) for p in expected} == expected
    async with engine.connect() as conn:
        highest = int(await scalar(conn, "SELECT max(id) FROM recipient"))
    _, _, added = await write(
        engine,
        group_id,
        rows=[(2, "new@x.io", "Éloïse", None, None, None)],
        source_seq=None,
        mode=WriteMode.ADD,
        backup=False,
    )
    assert added.added == 1
    async with engine.connect() as conn:
        new_id = int(await scalar(conn, "SELECT id FROM recipient WHERE email = 'new@x.io'"))
    assert new_id > highest
    assert await counted(engine, group_id, "élo") == 2  # found while in the pending list

    await migrate_to(engine, "0012", down=True)
    assert await indexes(engine) >= BTREES
    assert GIN not in await indexes(engine)
    assert await id_cache(engine) == {"recipient_id_seq": 1, "recipient_version_id_seq": 1}
