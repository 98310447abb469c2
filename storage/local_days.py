"""Local days: which calendar day of an IANA time zone a UTC instant falls on, in SQL.

Neither database is asked about zones: SQLite has none, and PostgreSQL's own zone data may
name or date zones differently from Python's. The zone's offsets come from `zoneinfo` (the
system's zone files, else the `tzdata` package) as a few constant-offset periods covering the
instants asked about, and SQL adds the period's offset to the UTC time before taking the
date: the same days on both databases, computed row by row inside one set-based statement.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

# Zone offsets are sampled this often to find their changes: no zone changes its offset
# twice within 6 hours (the closest changes on record are days apart).
SAMPLE_STEP = timedelta(hours=6)


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The first instant (UTC) of `day` in `zone`.

    A local midnight skipped by a clock change (fold 0 reads it with the offset before the
    change) is the instant of the change itself, the day's first instant.
    """
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    """The calendar day of `instant` in `zone`."""
    return instant.astimezone(zone).date()


@dataclass(frozen=True)
class OffsetPeriod:
    """Instants before `until` (None: any later one) are `offset_seconds` ahead of UTC."""

    until: datetime | None
    offset_seconds: int


def offset_periods(zone: ZoneInfo, start: datetime, end: datetime) -> list[OffsetPeriod]:
    """The constant-offset periods of `zone` covering the instants from `start` to `end`."""
    first_year, last_year = start.astimezone(UTC).year, end.astimezone(UTC).year
    return list(_year_periods(zone.key, first_year, last_year))


@functools.lru_cache(maxsize=256)
def _year_periods(key: str, first_year: int, last_year: int) -> tuple[OffsetPeriod, ...]:
    # Whole years, cached: the offsets of a zone over its years do not change in a process.
    zone = ZoneInfo(key)
    at = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    periods: list[OffsetPeriod] = []
    offset = _offset(zone, at)
    while at < end:
        step = min(at + SAMPLE_STEP, end)
        if _offset(zone, step) != offset:
            change = _change_between(zone, at, step, offset)
            periods.append(OffsetPeriod(change, offset))
            offset = _offset(zone, change)
        at = step
    periods.append(OffsetPeriod(None, offset))
    return tuple(periods)


def _offset(zone: ZoneInfo, instant: datetime) -> int:
    found = instant.astimezone(zone).utcoffset()
    return int(found.total_seconds()) if found is not None else 0


def _change_between(zone: ZoneInfo, low: datetime, high: datetime, offset: int) -> datetime:
    """The first instant after `low` (at `offset`) and at most `high` with another offset."""
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if _offset(zone, middle) == offset:
            low = middle
        else:
            high = middle
    return high


def local_day_sql(
    created_at: sa.ColumnElement[datetime], periods: Sequence[OffsetPeriod], *, sqlite: bool
) -> sa.ColumnElement[str]:
    """SQL giving the local day of `created_at` as text 'YYYY-MM-DD' (the periods' offsets)."""
    offset: sa.ColumnElement[int] = sa.literal(periods[-1].offset_seconds)
    if len(periods) > 1:
        offset = sa.case(
            *[
                (created_at < sa.literal(p.until, created_at.type), sa.literal(p.offset_seconds))
                for p in periods[:-1]
            ],
            else_=sa.literal(periods[-1].offset_seconds),
        )
    if sqlite:
        # date(text, '+3600 seconds'); the stored text is UTC.
        modifier = sa.func.printf("%+d seconds", offset)
        return sa.func.date(created_at, modifier)
    utc = sa.func.timezone("UTC", created_at)  # timestamp without time zone, in UTC
    shifted = utc + sa.func.make_interval(0, 0, 0, 0, 0, 0, offset)
    return sa.func.to_char(shifted, "YYYY-MM-DD")
