"""Migration 0003 rewrites stored addresses to their canonical form and merges twins, losing nothing."""

from __future__ import annotations

import unicodedata
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from api.settings import async_database_url
from storage.db import create_engine, write_transaction
from storage.migrate import upgrade
from storage.store.write_path import BackupSource, WriteMode, lock_group, write_recipients
from tests.conftest import BACKENDS, create_postgres_database, required_postgres
from tests.support.migrations import migrate_to
from tests.support.state import fetch_state

NFC = unicodedata.normalize("NFC", "rené@x.io")
NFD = unicodedata.normalize("NFD", "rené@x.io")
UNICODE_DOMAIN = "user@bücher.de"
PUNYCODE_DOMAIN = "user@xn--bcher-kva.de"


@pytest.fixture(params=BACKENDS)
async def old_engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A database of each backend at revision 0002, before canonical addresses."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'listkeeper.db'}"
    else:
        url = await create_postgres_database(required_postgres())
    made = create_engine(async_database_url(url))
    await migrate_to(made, "0002")
    yield made
    await made.dispose()


async def _insert(engine: AsyncEngine, table: str, **values: object) -> int:
    columns = ", ".join(values)
    async with engine.begin() as conn:
        result = await conn.exec_driver_sql(
            f"INSERT INTO {table} ({columns}) VALUES ({_literals(values)}) RETURNING id"
        )
        return int(result.scalar_one())


def _literals(values: dict[str, object]) -> str:
    """SQL literals for trusted test values (timestamps as text work on both databases)."""
    out = []
    for value in values.values():
        if value is None:
            out.append("NULL")
        elif isinstance(value, bool):
            out.append("true" if value else "false")
        elif isinstance(value, int):
            out.append(str(value))
        else:
            out.append("'" + str(value).replace("'", "''") + "'")
    return ", ".join(out)


async def _group(engine: AsyncEngine, account: int, name: str, seq: int, count: int) -> int:
    return await _insert(
        engine,
        "recipient_group",
        account_id=account,
        name=name,
        created_at="2026-01-01 00:00:00",
        backups_enabled=True,
        seq=seq,
        recipient_count=count,
        attribute_names="[]",
    )


async def _recipient(
    engine: AsyncEngine, group: int, email: str, name: str, updated: str, version: int
) -> int:
    return await _insert(
        engine,
        "recipient",
        group_id=group,
        email=email,
        first_name=name,
        status="ACTIVE",
        created_at="2026-01-01 00:00:00",
        updated_at=updated,
        version=version,
    )


async def _backup(engine: AsyncEngine, account: int, group: int, seq: int, count: int) -> int:
    return await _insert(
        engine,
        "backup",
        account_id=account,
        group_id=group,
        group_name="g",
        reason="IMPORT",
        seq=seq,
        recipient_count=count,
        attribute_names="[]",
        created_at="2026-01-02 00:00:00",
        expires_at="2026-02-01 00:00:00",
    )


async def _rows(engine: AsyncEngine, sql: str) -> list[tuple[object, ...]]:
    async with engine.connect() as conn:
        return [tuple(row) for row in await conn.exec_driver_sql(sql)]


async def test_twins_merge_and_backups_keep_both(old_engine: AsyncEngine) -> None:
    engine = old_engine
    account = await _insert(
        engine,
        "account",
        name="acme",
        backups_enabled=True,
        backup_retention_days=30,
        created_at="2026-01-01 00:00:00",
    )
    # Group one: NFC (older) and NFD (newer, wins) twins, an ASCII row, a backup at seq 2.
    one = await _group(engine, account, "one", seq=3, count=3)
    older = await _recipient(engine, one, NFC, "Old", "2026-01-01 10:00:00", 1)
    newer = await _recipient(engine, one, NFD, "New", "2026-01-03 10:00:00", 2)
    await _recipient(engine, one, "b@x.io", "Bob", "2026-01-01 10:00:00", 1)
    await _insert(
        engine, "activity", recipient_id=older, kind="OPEN", occurred_at="2026-01-02 00:00:00"
    )
    backup_one = await _backup(engine, account, one, seq=2, count=3)
    # Group two: the canonical spelling is the newer row, a punycode twin the older; a
    # history row (seen by a backup) in punycode; a lone punycode address.
    two = await _group(engine, account, "two", seq=5, count=3)
    await _recipient(engine, two, UNICODE_DOMAIN, "Uni", "2026-01-04 10:00:00", 4)
    await _recipient(engine, two, PUNYCODE_DOMAIN, "Puny", "2026-01-02 10:00:00", 2)
    await _recipient(engine, two, "ann@xn--mller-kva.de", "Ann", "2026-01-02 10:00:00", 2)
    await _insert(
        engine,
        "recipient_version",
        recipient_id=999,
        group_id=two,
        email=NFD,
        status="ACTIVE",
        created_at="2026-01-01 00:00:00",
        updated_at="2026-01-01 00:00:00",
        valid_from=1,
        valid_to=3,
    )
    backup_two = await _backup(engine, account, two, seq=2, count=3)
    before_one = await _state(engine, one, 2)
    before_two = await _state(engine, two, 2)

    await upgrade(engine)

    current = await _rows(
        engine, "SELECT group_id, email, first_name, id FROM recipient ORDER BY group_id, email"
    )
    assert current == [
        (one, "b@x.io", "Bob", current[0][3]),
        (one, NFC, "New", newer),
        (two, "ann@müller.de", "Ann", current[2][3]),
        (two, UNICODE_DOMAIN, "Uni", current[3][3]),
    ]
    groups = await _rows(engine, "SELECT id, seq, recipient_count FROM recipient_group ORDER BY id")
    assert groups == [(one, 4, 2), (two, 6, 2)]
    history = await _rows(
        engine,
        "SELECT group_id, email, first_name, valid_from, valid_to FROM recipient_version"
        " ORDER BY group_id, valid_from",
    )
    assert history == [
        (one, NFC, "Old", 1, 4),
        (two, NFC, None, 1, 3),
        (two, UNICODE_DOMAIN, "Puny", 2, 6),
    ]
    assert await _rows(engine, "SELECT recipient_id FROM activity") == [(newer,)]
    # The backups still hold every row they held, now under the canonical spellings.
    assert before_one == _sorted([(NFC, "Old"), (NFD, "New"), ("b@x.io", "Bob")])
    assert await _state(engine, one, 2) == _sorted([(NFC, "Old"), (NFC, "New"), ("b@x.io", "Bob")])
    assert before_two == _sorted(
        [("ann@xn--mller-kva.de", "Ann"), (PUNYCODE_DOMAIN, "Puny"), (NFD, None)]
    )
    assert await _state(engine, two, 2) == _sorted(
        [("ann@müller.de", "Ann"), (UNICODE_DOMAIN, "Puny"), (NFC, None)]
    )
    counts = await _rows(engine, "SELECT id, recipient_count FROM backup ORDER BY id")
    assert counts == [(backup_one, 3), (backup_two, 3)]
    # Nothing of the old spellings is left anywhere.
    for table in ("recipient", "recipient_version"):
        emails = {str(row[0]) for row in await _rows(engine, f"SELECT email FROM {table}")}
        assert not emails & {NFD, PUNYCODE_DOMAIN, "ann@xn--mller-kva.de"}


async def _state(engine: AsyncEngine, group: int, seq: int) -> list[tuple[str, str | None]]:
    async with engine.connect() as conn:
        rows = await fetch_state(conn, group_id=group, seq=seq)
    return _sorted([(row[0], row[1]) for row in rows])


def _sorted(rows: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    return sorted(rows, key=lambda row: (row[0], row[1] or ""))


async def test_a_backup_holding_twins_still_restores(old_engine: AsyncEngine) -> None:
    """Into a new group and back over its group, on both databases: one row per address."""
    engine = old_engine
    account = await _insert(
        engine,
        "account",
        name="acme",
        backups_enabled=True,
        backup_retention_days=30,
        created_at="2026-01-01 00:00:00",
    )
    one = await _group(engine, account, "one", seq=3, count=3)
    await _recipient(engine, one, NFC, "Old", "2026-01-01 10:00:00", 1)
    await _recipient(engine, one, NFD, "New", "2026-01-03 10:00:00", 2)
    await _recipient(engine, one, "b@x.io", "Bob", "2026-01-01 10:00:00", 1)
    await _backup(engine, account, one, seq=2, count=3)
    empty = await _group(engine, account, "empty", seq=0, count=0)
    await upgrade(engine)

    for target in (empty, one):
        async with write_transaction(engine) as conn:
            group = await lock_group(conn, group_id=target, now=datetime(2026, 1, 5, tzinfo=UTC))
            assert group is not None
            await write_recipients(
                conn,
                group=group,
                source=BackupSource(group_id=one, seq=2),
                mode=WriteMode.REPLACE,
                now=datetime(2026, 1, 5, tzinfo=UTC),
            )
        rows = await _rows(
            engine, f"SELECT email, first_name FROM recipient WHERE group_id = {target}"
        )
        assert _sorted([(str(e), str(n)) for e, n in rows]) == [("b@x.io", "Bob"), (NFC, "New")]
        counts = await _rows(
            engine, f"SELECT recipient_count FROM recipient_group WHERE id = {target}"
        )
        assert counts == [(2,)]
