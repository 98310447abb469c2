"""Backups by local day, read in SQL, against zoneinfo's days worked out in Python.

The days are day numbers computed from each backup's UTC seconds and the zone's offset
periods (storage/store/backup_days.py); these instants sit on the edges where that could go
wrong: a microsecond either side of local midnight, clock changes (one at midnight), zones
at +14, -11, +5:30 and +12:45 hours, a 30-minute summer time, years before 1970.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from storage.db import driver_connection, read_transaction, write_transaction
from storage.local_days import day_start, local_date
from storage.models import Backup
from storage.store.backup_days import (
    DaysQuery,
    day_counts,
    days_of_groups,
    page_of_days,
)
from storage.store.groups import create_group
from storage.tokens import ensure_account

NOW = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
ZONES = (
    "UTC",
    "Europe/Paris",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Australia/Lord_Howe",
    "America/Havana",  # its clocks change at midnight
    "America/Santiago",
)
EDGES = (
    timedelta(0),
    timedelta(microseconds=-1),
    timedelta(microseconds=1),
    timedelta(seconds=-1),
    timedelta(hours=-1, microseconds=-1),
    timedelta(hours=1),
    timedelta(hours=12, microseconds=500_000),
)
QUERIES = (
    DaysQuery(),
    DaysQuery(days=3),
    DaysQuery(days=2, oldest_first=True),
    DaysQuery(days=100),
    DaysQuery(older_than=date(2026, 3, 29), days=2),
    DaysQuery(newer_than=date(2026, 10, 24), days=3, oldest_first=True),
    DaysQuery(older_than=date(2026, 11, 2), newer_than=date(2026, 3, 27)),
    DaysQuery(older_than=date(1969, 12, 31), days=1),
)


DAYS = [date(2026, 3, d) for d in (7, 8, 28, 29, 30)] + [date(2026, 4, 5), date(2026, 9, 6)]
DAYS += [date(2026, 10, d) for d in (24, 25, 26)]
BEFORE_1970 = [date(1969, 12, 30), date(1969, 12, 31), date(1970, 1, 1)]


def instants(days: list[date], zones: tuple[str, ...]) -> list[datetime]:
    """Instants on the edges of local days (and clock changes) of `days` in `zones`."""
    found = {day_start(d, ZoneInfo(z)) + e for d in days for z in zones for e in EDGES}
    return sorted(found)


def expected_days(
    rows: list[tuple[int, int, datetime]], zone: ZoneInfo, query: DaysQuery
) -> dict[int, list[tuple[date, list[int]]]]:
    """The days of each group as zoneinfo gives them, and their backups' ids in order."""
    by_group: dict[int, dict[date, list[tuple[datetime, int]]]] = defaultdict(dict)
    for backup_id, group_id, created in rows:
        day = local_date(created, zone)
        by_group[group_id].setdefault(day, []).append((created, backup_id))
    out: dict[int, list[tuple[date, list[int]]]] = {}
    for group_id, days in by_group.items():
        chosen = [
            d
            for d in sorted(days, reverse=not query.oldest_first)
            if (query.older_than is None or d < query.older_than)
            and (query.newer_than is None or d > query.newer_than)
        ]
        if query.days is not None:
            chosen = chosen[: query.days]
        out[group_id] = [
            (d, [i for _, i in sorted(days[d], reverse=not query.oldest_first)]) for d in chosen
        ]
    return out


async def test_days_and_counts_are_zoneinfo_days(engine: AsyncEngine) -> None:
    await days_read_as_zoneinfo_gives_them(engine, instants(DAYS, ZONES), ZONES)


async def test_days_before_1970(engine: AsyncEngine) -> None:
    # Integer division truncates toward zero on both databases: days before 1970 too.
    zones = ("UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago")
    await days_read_as_zoneinfo_gives_them(engine, instants(BEFORE_1970, zones), zones)


async def days_read_as_zoneinfo_gives_them(
    engine: AsyncEngine, moments: list[datetime], zones: tuple[str, ...]
) -> None:
    """Backups at `moments` in three groups of an account and one of another: each query's
    days and the counts, in each zone, are those of expected_days."""
    async with write_transaction(engine) as conn:
        account_id = await ensure_account(conn, name="a", now=NOW)
        other = await ensure_account(conn, name="b", now=NOW)
        groups = [
            await create_group(conn, account_id=account_id, name=f"g{i}", now=NOW) for i in range(3)
        ]
        theirs = await create_group(conn, account_id=other, name="theirs", now=NOW)
        values = []
        for n, created in enumerate(moments):
            # Group 0 has every instant, group 1 every third, group 2 none.
            for group_id in [groups[0]] + ([groups[1]] if n % 3 == 0 else []) + [theirs]:
                owner = other if group_id == theirs else account_id
                values.append(
                    {
                        "account_id": owner,
                        "group_id": group_id,
                        "group_name": "g",
                        "reason": "IMPORT",
                        "seq": n + 1,
                        "recipient_count": n,
                        "attribute_names": "[]",
                        "created_at": created,
                        "expires_at": created + timedelta(days=30),
                    }
                )
        await conn.execute(sa.insert(Backup), values)
        rows = [
            (int(i), int(g), c if c.tzinfo else c.replace(tzinfo=UTC))
            for i, g, c in await conn.execute(
                sa.select(col(Backup.id), col(Backup.group_id), col(Backup.created_at)).where(
                    col(Backup.account_id) == account_id
                )
            )
        ]
    asked = [*groups, theirs, 0]
    for name in zones:
        zone = ZoneInfo(name)
        async with read_transaction(engine) as conn:
            counts = await day_counts(conn, account_id=account_id, group_ids=asked, zone=zone)
            page = await page_of_days(
                conn, account_id=account_id, group_ids=asked, zone=zone, queries=QUERIES
            )
            alone = {
                q: await days_of_groups(
                    conn, account_id=account_id, group_ids=asked, zone=zone, query=q
                )
                for q in QUERIES
            }
        every = expected_days(rows, zone, DaysQuery())
        want_counts = {g: len(every.get(g, [])) for g in asked}
        assert counts == want_counts, name
        assert page.counts == want_counts, name
        for query in QUERIES:
            want = {g: expected_days(rows, zone, query).get(g, []) for g in asked}
            for found in (page.days[query], alone[query]):
                got = {g: [(d.day, [b.id for b in d.backups]) for d in found[g]] for g in asked}
                assert got == want, (name, query)
                assert all(b.group_id == g for g in asked for d in found[g] for b in d.backups)


@pytest.mark.parametrize("query", [DaysQuery(days=7), DaysQuery(days=0)])
async def test_a_page_of_groups_without_backups(engine: AsyncEngine, query: DaysQuery) -> None:
    async with write_transaction(engine) as conn:
        account_id = await ensure_account(conn, name="a", now=NOW)
        group_id = await create_group(conn, account_id=account_id, name="g", now=NOW)
    async with read_transaction(engine) as conn:
        page = await page_of_days(
            conn,
            account_id=account_id,
            group_ids=[group_id],
            zone=ZoneInfo("Europe/Paris"),
            queries=[query],
        )
    assert page.days == {query: {group_id: []}}
    assert page.counts == {group_id: 0}


async def test_postgresql_reads_only_the_asked_groups_backups_whatever_the_statistics(
    engine: AsyncEngine,
) -> None:
    """The days of a page's groups are read group by group from an index (a nested loop over
    the unnested ids), never by scanning the account's backups, also once the table has
    statistics (with them, a plain join of the unnested ids was planned as a scan of the
    table and a hash join)."""
    if engine.dialect.name == "sqlite":
        pytest.skip("PostgreSQL's planner")
    async with write_transaction(engine) as conn:
        account_id = await ensure_account(conn, name="a", now=NOW)
        groups = [
            await create_group(conn, account_id=account_id, name=f"g{i}", now=NOW)
            for i in range(100)
        ]
        await conn.execute(
            sa.insert(Backup),
            [
                {
                    "account_id": account_id,
                    "group_id": group_id,
                    "group_name": "g",
                    "reason": "IMPORT",
                    "seq": k + 1,
                    "recipient_count": k,
                    "attribute_names": "[]",
                    "created_at": NOW - timedelta(hours=9 * k),
                    "expires_at": NOW + timedelta(days=30),
                }
                for group_id in groups
                for k in range(40)
            ],
        )
        await conn.exec_driver_sql("ANALYZE backup")
    statements: list[tuple[str, tuple[object, ...]]] = []

    def seen(_c: object, _cur: object, statement: str, parameters: object, *_: object) -> None:
        if "dense_rank" in statement or "count(DISTINCT" in statement:
            assert isinstance(parameters, tuple)
            statements.append((statement, parameters))

    sa.event.listen(engine.sync_engine, "before_cursor_execute", seen)
    try:
        async with read_transaction(engine) as conn:
            await page_of_days(
                conn,
                account_id=account_id,
                group_ids=groups[:5],
                zone=ZoneInfo("Europe/Paris"),
                queries=[DaysQuery(days=7), DaysQuery(older_than=date(2026, 2, 20), days=3)],
            )
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", seen)
    assert len(statements) >= 2, statements
    async with engine.connect() as conn:
        driver = await driver_connection(conn)
        for statement, parameters in statements:
            plan = "\n".join(r[0] for r in await driver.fetch("EXPLAIN " + statement, *parameters))
            assert "Seq Scan on backup" not in plan, plan
            assert "Nested Loop" in plan, plan
            assert "Index Scan" in plan or "Index Only Scan" in plan, plan
