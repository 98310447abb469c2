"""Backups by local day: a group's days in a time zone, paged, with their backups.

One statement reads the days of every group asked for: the local day of each backup
ranked per group with `dense_rank`, the backups of the first days kept; a query without day
bounds (a first page) also gives each group's number of days from the same rows (a
`dense_rank` each way: ascending + descending - 1), so the page's counts need no second
statement. The local day is a day number worked out once per row from the UTC seconds and
the zone's offset periods (storage.local_days' periods: the same days as its `local_day_sql`,
without formatting or parsing a date per row), and the bounds compare day numbers. The rows
come from the `(account_id, group_id, created_at)` index, within the time bounds a page's
cursors give (only when it has some: an open time range made PostgreSQL's generic plan,
after five runs of the prepared statement, scan all the account's backups); no statement
runs per group or per day.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from storage.local_days import OffsetPeriod, day_start, offset_periods
from storage.models import Backup
from storage.sql import models_of_rows, possible_ids
from storage.store.backup_reads import FAR_FUTURE, FAR_PAST, backup_span

SLACK = timedelta(days=1)
FIRST_DAY, LAST_DAY = date(2, 1, 1), date(9998, 12, 31)
# Day numbers count days from 1970-01-01. Both databases' integer division truncates toward
# zero, so the seconds are shifted this many days up before it (floors for any instant
# after the year -700).
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
SHIFT_DAYS = 1_000_000
NO_DAY_BELOW, NO_DAY_ABOVE = -(2**40), 2**40

_FIELDS = tuple(Backup.model_fields)
backup_models = models_of_rows(Backup)
_TABLE: sa.Table = Backup.__table__  # type: ignore[attr-defined]
_CREATED: sa.ColumnElement[datetime] = _TABLE.c.created_at
# `OFFSET 0` keeps PostgreSQL from pulling a LATERAL subquery up into a plain join (whose
# plan it would then choose by the statistics): the subquery runs once per outer row.
FENCE: sa.ColumnElement[int] = sa.literal_column("0")


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
    """days_of_groups for each query and day_counts, the account's span read once; the
    counts come with the days of a query without bounds (a first page), if one is asked."""
    periods = _periods(zone, await backup_span(conn, account_id=account_id))
    wanted = possible_ids(group_ids)
    counter = next((q for q in queries if _counts_all(q)), None)
    if counter is None or not wanted or periods is None:
        days = {q: await _days(conn, account_id, group_ids, periods, zone, q) for q in queries}
        return PageOfDays(days, await _counts(conn, account_id, group_ids, periods))
    days = {}
    counts = dict.fromkeys(group_ids, 0)
    for q in queries:
        if q is counter:
            found, totals = await _read_days(
                conn, account_id, wanted, periods, zone, q, counts=True
            )
            days[q] = found | {g: [] for g in group_ids if g not in found}
            counts |= totals
        else:
            days[q] = await _days(conn, account_id, group_ids, periods, zone, q)
    return PageOfDays(days, counts)


def _counts_all(query: DaysQuery) -> bool:
    # Its rows are every day of each group (at least the first of each): the counts come
    # with them. Every day, DaysQuery(), is read by its own statement without ranks.
    unbounded = query.older_than is None and query.newer_than is None
    return unbounded and query.days != 0 and query != DaysQuery()


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
    wanted = possible_ids(group_ids)
    if not wanted or query.days == 0 or periods is None:
        return {g: [] for g in group_ids}
    found, _ = await _read_days(conn, account_id, wanted, periods, zone, query, counts=False)
    return found | {g: [] for g in group_ids if g not in found}


async def _read_days(
    conn: AsyncConnection,
    account_id: int,
    wanted: list[int],
    periods: tuple[OffsetPeriod, ...],
    zone: ZoneInfo,
    query: DaysQuery,
    *,
    counts: bool,
) -> tuple[dict[int, list[DayOfBackups]], dict[int, int]]:
    # counts: only for a query without bounds (each group's rows are then all its days).
    found: dict[int, list[DayOfBackups]] = {g: [] for g in wanted}
    totals: dict[int, int] = {}
    params: dict[str, object] = {"account_id": account_id, "ids": _distinct(wanted)}
    sqlite = _is_sqlite(conn)
    if query == DaysQuery():  # every day: no bounds to test, no ranks to count
        statement = _every_day_statement(periods, sqlite)
    else:
        bounded = query.older_than is not None or query.newer_than is not None
        statement = _days_statement(periods, sqlite, query.oldest_first, bounded, counts)
        params |= {"days": query.days if query.days is not None else 2**31 - 1}
        params |= _bounds(query, zone) if bounded else {}
    result = await conn.execute(statement, params)
    names = tuple(result.keys())
    rows = result.all()
    extra = 2 if counts else 1
    backups = backup_models(names[:-extra], (row[:-extra] for row in rows))
    for backup, row in zip(backups, rows, strict=True):
        _add(found[backup.group_id], backup, row[-extra])
        if counts:
            totals[backup.group_id] = row[-1]
    return found, totals


def _bounds(query: DaysQuery, zone: ZoneInfo) -> dict[str, object]:
    # The days compare exactly as day numbers; the times, a day wider than the days they bound
    # (a local date may step back at a clock change), only let the index skip the rest.
    older, newer = query.older_than, query.newer_than
    return {
        "older_day": _day_number(older) if older else NO_DAY_ABOVE,
        "newer_day": _day_number(newer) if newer else NO_DAY_BELOW,
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
        params = {"account_id": account_id, "ids": _distinct(wanted)}
        for group_id, days in await conn.execute(statement, params):
            counts[group_id] = int(days)
    return counts


def _day_number(day: date) -> int:
    return day.toordinal() - EPOCH_ORDINAL


def _add(days: list[DayOfBackups], backup: Backup, day_number: int) -> None:
    day = date.fromordinal(EPOCH_ORDINAL + day_number)
    if days and days[-1].day == day:
        days[-1].backups.append(backup)
    else:
        days.append(DayOfBackups(backup.group_id, day, [backup]))


def _is_sqlite(conn: AsyncConnection) -> bool:
    return conn.dialect.name == "sqlite"


@dataclass(frozen=True)
class _Rows:
    """The account's backups of the groups of the `ids` parameter, as a FROM clause (`source`,
    with `where`) and its columns by name (`c`)."""

    source: sa.FromClause
    where: tuple[sa.ColumnElement[bool], ...]
    c: Any


def _of_groups(sqlite: bool, *, bounded: bool = False) -> _Rows:
    """The backups of the groups of the `ids` parameter; `bounded`: created in [since, until).

    PostgreSQL: the ids as one array, each group's backups read by a LATERAL subquery
    (`unnest($n) AS wanted CROSS JOIN LATERAL (... WHERE group_id = wanted.id OFFSET 0)`), a nested
    loop over the `(group_id, created_at, id)` index whatever the statistics: the cost
    follows the page's groups, never the account's backups. As `group_id = ANY($n)` or as a
    list of 50 parameters (a generic plan) PostgreSQL read every backup of the account; as a
    plain join of the unnested ids, once the table had statistics it scanned the table and
    hashed (decisions 30, 34). The caller passes distinct ids (`_distinct`).
    """
    account = col(Backup.account_id) == sa.bindparam("account_id")
    window: tuple[sa.ColumnElement[bool], ...] = ()
    if bounded:  # the days' bounds as times, so that the index skips the rest
        created = _CREATED
        window = (
            created >= sa.bindparam("since", type_=created.type),
            created < sa.bindparam("until", type_=created.type),
        )
    if sqlite:
        ids = col(Backup.group_id).in_(sa.bindparam("ids", expanding=True))
        return _Rows(_TABLE, (account, ids, *window), _TABLE.c)
    wanted = (
        sa.func.unnest(sa.bindparam("ids", type_=ARRAY(sa.Integer)))
        .table_valued("id")
        .render_derived(name="wanted")
    )
    own = sa.select(_TABLE).where(account, col(Backup.group_id) == wanted.c.id, *window)
    rows = own.offset(FENCE).lateral("b")
    return _Rows(wanted.join(rows, sa.true()), (), rows.c)


def _distinct(ids: list[int]) -> list[int]:
    # Each id once: the unnested array is joined (a repeated id would repeat its rows).
    return list(dict.fromkeys(ids))


def local_day_number_sql(
    created_at: sa.ColumnElement[datetime], periods: Sequence[OffsetPeriod], *, sqlite: bool
) -> sa.ColumnElement[int]:
    """SQL giving the local day of `created_at` as its number of days from 1970-01-01: the
    UTC seconds (whole: a day starts on a whole second) plus the period's offset, floored to
    days. The same day as storage.local_days.local_day_sql, with integer arithmetic only."""
    offset: sa.ColumnElement[int] = sa.literal(periods[-1].offset_seconds)
    if len(periods) > 1:
        offset = sa.case(
            *[
                (created_at < sa.literal(p.until, created_at.type), sa.literal(p.offset_seconds))
                for p in periods[:-1]
            ],
            else_=sa.literal(periods[-1].offset_seconds),
        )
    seconds: sa.ColumnElement[int]
    if sqlite:
        # The stored text is UTC, 'YYYY-MM-DD HH:MM:SS.ffffff': its whole seconds, cut before
        # SQLite reads it (its date functions round a time to the millisecond: 23:59:59.9996
        # would be the next day's midnight).
        whole = sa.func.substr(created_at, 1, 19)
        seconds = sa.cast(sa.func.strftime("%s", whole), sa.Integer)
    else:
        seconds = sa.cast(sa.func.floor(sa.extract("epoch", created_at)), sa.BigInteger)
    shifted = seconds + offset + sa.literal(SHIFT_DAYS * 86_400)
    whole_days = sa.type_coerce(shifted.self_group().op("/")(sa.literal(86_400)), sa.BigInteger)
    return whole_days - sa.literal(SHIFT_DAYS)


@functools.lru_cache(maxsize=256)
def _days_statement(
    periods: tuple[OffsetPeriod, ...], sqlite: bool, oldest_first: bool, bounded: bool, counts: bool
) -> sa.Select[Any]:
    # Built once per zone period set: a statement built per call costs more than it runs.
    # The day is worked out once per row (the innermost query). SQLite reads it from the index
    # alone, ranks the narrow rows and reads only the kept backups whole; PostgreSQL has read
    # each row whole already (the account's id is in the heap), so it carries the whole rows.
    rows = _of_groups(sqlite, bounded=bounded)
    day = local_day_number_sql(rows.c.created_at, periods, sqlite=sqlite).label("day")
    carried = [rows.c.id, rows.c.group_id] if sqlite else [rows.c[name] for name in _FIELDS]
    dated = sa.select(*carried, day).select_from(rows.source).where(*rows.where)
    d = dated.subquery("dated")
    rank = sa.func.dense_rank().over(
        partition_by=d.c.group_id, order_by=d.c.day.asc() if oldest_first else d.c.day.desc()
    )
    ranks: list[Any] = [rank.label("day_rank")]
    if counts:  # the other way: its rank plus this one, less one, is the group's days
        other = d.c.day.desc() if oldest_first else d.c.day.asc()
        ranks.append(
            sa.func.dense_rank().over(partition_by=d.c.group_id, order_by=other).label("other_rank")
        )
    ranked_rows = sa.select(*d.c, *ranks)
    if bounded:  # else none: PostgreSQL's generic plan tested them on every backup of the account
        ranked_rows = ranked_rows.where(
            d.c.day < sa.bindparam("older_day"), d.c.day > sa.bindparam("newer_day")
        )
    ranked = ranked_rows.subquery("ranked")
    c = ranked.c
    whole: sa.FromClause = ranked.join(_TABLE, _TABLE.c.id == c.id) if sqlite else ranked
    w: Any = _TABLE.c if sqlite else c
    newest_first = (c.day.desc(), w.created_at.desc(), w.id.desc())
    oldest = (c.day.asc(), w.created_at.asc(), w.id.asc())
    out: list[Any] = [*[w[name] for name in _FIELDS], c.day]
    if counts:
        out.append((c.day_rank + c.other_rank - 1).label("day_count"))
    return (
        sa.select(*out)
        .select_from(whole)
        .where(c.day_rank <= sa.bindparam("days"))
        .order_by(c.group_id, *(oldest if oldest_first else newest_first))
    )


@functools.lru_cache(maxsize=256)
def _every_day_statement(periods: tuple[OffsetPeriod, ...], sqlite: bool) -> sa.Select[Any]:
    rows = _of_groups(sqlite)
    day = local_day_number_sql(rows.c.created_at, periods, sqlite=sqlite).label("day")
    columns: list[Any] = [rows.c[name] for name in _FIELDS]
    d = sa.select(*columns, day).select_from(rows.source).where(*rows.where).subquery("dated")
    newest_first = (d.c.day.desc(), d.c.created_at.desc(), d.c.id.desc())
    return sa.select(*d.c).order_by(d.c.group_id, *newest_first)


@functools.lru_cache(maxsize=256)
def _counts_statement(periods: tuple[OffsetPeriod, ...], sqlite: bool) -> sa.Select[int, int]:
    rows = _of_groups(sqlite)
    day = local_day_number_sql(rows.c.created_at, periods, sqlite=sqlite)
    return (
        sa.select(rows.c.group_id, sa.func.count(sa.distinct(day)))
        .select_from(rows.source)
        .where(*rows.where)
        .group_by(rows.c.group_id)
    )
