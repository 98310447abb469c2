"""Backups by local day: a group's days in a time zone, paged, with their backups.

One statement reads the days of every group asked for: the local day of each backup
(storage.local_days, from the zone's offset periods) ranked per group with `dense_rank`, the
backups of the first days kept. The rows come from the `(account_id, group_id,
created_at)` index within the time bounds a page's cursors give; no statement runs per
group or per day.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from storage.local_days import OffsetPeriod, day_start, local_day_sql, offset_periods
from storage.models import Backup
from storage.sql import models_of_rows, possible_ids
from storage.store.backup_reads import FAR_FUTURE, FAR_PAST, backup_span

SLACK = timedelta(days=1)
FIRST_DAY, LAST_DAY = date(2, 1, 1), date(9998, 12, 31)

_FIELDS = tuple(Backup.model_fields)
backup_models = models_of_rows(Backup)
_CREATED: sa.ColumnElement[datetime] = Backup.__table__.c.created_at  # type: ignore[attr-defined]


@dataclass(frozen=True)
class DayOfBackups:
    """One local day of a group and its backups, newest first."""

    group_id: int
    day: date
    backups: list[Backup]


@dataclass(frozen=True)
class DaysQuery:
    """Which days to read: those strictly between `newer_than` and `older_than` (None: no
    bound), `days` of them per group from the newest (with `oldest_first` from the oldest);
    `days` None: all of them."""

    older_than: date | None = None
    newer_than: date | None = None
    days: int | None = None
    oldest_first: bool = False


async def days_of_groups(
    conn: AsyncConnection,
    *,
    account_id: int,
    group_ids: Sequence[int],
    zone: ZoneInfo,
    query: DaysQuery,
) -> dict[int, list[DayOfBackups]]:
    """Each group's days the query selects, in its order (newest first unless oldest_first)."""
    span = await backup_span(conn, account_id=account_id)
    return await _days(conn, account_id, group_ids, _periods(zone, span), zone, query)


async def day_counts(
    conn: AsyncConnection, *, account_id: int, group_ids: Sequence[int], zone: ZoneInfo
) -> dict[int, int]:
    """How many local days with backups each group has."""
    span = await backup_span(conn, account_id=account_id)
    return await _counts(conn, account_id, group_ids, _periods(zone, span))


@dataclass(frozen=True)
class PageOfDays:
    """The days of a page's groups for each query asked, and how many days each group has."""

    days: dict[DaysQuery, dict[int, list[DayOfBackups]]]
    counts: dict[int, int]


async def page_of_days(
    conn: AsyncConnection,
    *,
    account_id: int,
    group_ids: Sequence[int],
    zone: ZoneInfo,
    queries: Sequence[DaysQuery],
) -> PageOfDays:
    """days_of_groups for each query and day_counts, the account's span read once."""
    periods = _periods(zone, await backup_span(conn, account_id=account_id))
    days = {q: await _days(conn, account_id, group_ids, periods, zone, q) for q in queries}
    return PageOfDays(days, await _counts(conn, account_id, group_ids, periods))


def _periods(
    zone: ZoneInfo, span: tuple[datetime, datetime] | None
) -> tuple[OffsetPeriod, ...] | None:
    # None: the account has no backup, so no group has days.
    return tuple(offset_periods(zone, *span)) if span is not None else None


async def _days(
    conn: AsyncConnection,
    account_id: int,
    group_ids: Sequence[int],
    periods: tuple[OffsetPeriod, ...] | None,
    zone: ZoneInfo,
    query: DaysQuery,
) -> dict[int, list[DayOfBackups]]:
    found: dict[int, list[DayOfBackups]] = {g: [] for g in group_ids}
    wanted = possible_ids(group_ids)
    if not wanted or query.days == 0 or periods is None:
        return found
    params: dict[str, object] = {"account_id": account_id, "ids": wanted}
    if query == DaysQuery():  # every day: no bounds to test, no ranks to count
        statement = _every_day_statement(periods, _is_sqlite(conn))
    else:
        statement = _days_statement(periods, _is_sqlite(conn), query.oldest_first)
        params |= {"days": query.days if query.days is not None else 2**31 - 1}
        params |= _bounds(query, zone)
    result = await conn.execute(statement, params)
    names = tuple(result.keys())
    rows = result.all()
    backups = backup_models(names[:-1], (row[:-1] for row in rows))
    for backup, row in zip(backups, rows, strict=True):
        _add(found[backup.group_id], backup, row[-1])
    return found


def _bounds(query: DaysQuery, zone: ZoneInfo) -> dict[str, object]:
    # The days compare exactly as text; the times, a day wider than the days they bound
    # (a local date may step back at a clock change), only let the index skip the rest.
    older, newer = query.older_than, query.newer_than
    return {
        "older_day": older.isoformat() if older else "9999-12-31",
        "newer_day": newer.isoformat() if newer else "0001-01-01",
        "until": day_start(older + SLACK, zone) if older and older < LAST_DAY else FAR_FUTURE,
        "since": day_start(newer - SLACK, zone) if newer and newer > FIRST_DAY else FAR_PAST,
    }


async def _counts(
    conn: AsyncConnection,
    account_id: int,
    group_ids: Sequence[int],
    periods: tuple[OffsetPeriod, ...] | None,
) -> dict[int, int]:
    wanted = possible_ids(group_ids)
    counts = dict.fromkeys(group_ids, 0)
    if wanted and periods is not None:
        statement = _counts_statement(periods, _is_sqlite(conn))
        params = {"account_id": account_id, "ids": wanted}
        for group_id, days in await conn.execute(statement, params):
            counts[group_id] = int(days)
    return counts


def _add(days: list[DayOfBackups], backup: Backup, day_text: str) -> None:
    day = date.fromisoformat(day_text)
    if days and days[-1].day == day:
        days[-1].backups.append(backup)
    else:
        days.append(DayOfBackups(backup.group_id, day, [backup]))


def _is_sqlite(conn: AsyncConnection) -> bool:
    return conn.dialect.name == "sqlite"


_MINE = (
    col(Backup.account_id) == sa.bindparam("account_id"),
    col(Backup.group_id).in_(sa.bindparam("ids", expanding=True)),
)


@functools.lru_cache(maxsize=256)
def _days_statement(
    periods: tuple[OffsetPeriod, ...], sqlite: bool, oldest_first: bool
) -> sa.Select[Any]:
    # Built once per zone period set: a statement built per call costs more than it runs.
    created = _CREATED
    day = local_day_sql(created, periods, sqlite=sqlite)
    rank = sa.func.dense_rank().over(
        partition_by=col(Backup.group_id), order_by=day.asc() if oldest_first else day.desc()
    )
    columns: list[Any] = [col(getattr(Backup, name)) for name in _FIELDS]
    ranked = (
        sa.select(*columns, day.label("day"), rank.label("day_rank"))
        .where(
            *_MINE,
            created >= sa.bindparam("since", type_=created.type),
            created < sa.bindparam("until", type_=created.type),
            day < sa.bindparam("older_day"),
            day > sa.bindparam("newer_day"),
        )
        .subquery()
    )
    c = ranked.c
    newest_first = (c.day.desc(), c.created_at.desc(), c.id.desc())
    in_order = (c.day.asc(), c.created_at.asc(), c.id.asc()) if oldest_first else newest_first
    return (
        sa.select(*[c[name] for name in _FIELDS], c.day)
        .where(c.day_rank <= sa.bindparam("days"))
        .order_by(c.group_id, *in_order)
    )


@functools.lru_cache(maxsize=256)
def _every_day_statement(periods: tuple[OffsetPeriod, ...], sqlite: bool) -> sa.Select[Any]:
    day = local_day_sql(_CREATED, periods, sqlite=sqlite).label("day")
    columns: list[Any] = [col(getattr(Backup, name)) for name in _FIELDS]
    newest_first = (day.desc(), _CREATED.desc(), col(Backup.id).desc())
    return sa.select(*columns, day).where(*_MINE).order_by(col(Backup.group_id), *newest_first)


@functools.lru_cache(maxsize=256)
def _counts_statement(periods: tuple[OffsetPeriod, ...], sqlite: bool) -> sa.Select[int, int]:
    day = local_day_sql(_CREATED, periods, sqlite=sqlite)
    return (
        sa.select(col(Backup.group_id), sa.func.count(sa.distinct(day)))
        .where(*_MINE)
        .group_by(col(Backup.group_id))
    )
