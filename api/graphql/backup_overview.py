"""The backups page: groups that have backups, each with its backups by local day.

A day is a calendar day of the time zone asked for (`backupOverview(timeZone:)`, else the
account's `timeZone`). `GroupBackups` and `BackupDay` are nodes whose ids name the zone too
(`GroupBackups:<group>:<zone>`, `BackupDay:<group>:<date>:<zone>`): the same group seen in
two zones has other days, so a client cache must not merge them.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo, available_timezones

import strawberry
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry import relay

from api.errors import InvalidInput
from api.global_ids import canonical_db_id, encode_id, keyed_node_id

# The module, not its names (groups.py imports backups.py, which is loaded with this one).
from api.graphql import groups
from api.graphql.backups import Backup
from api.graphql.context import Info
from api.graphql.pagination import Connection, Keyset, PageArgs, paged, time_key
from storage.db import read_transaction
from storage.keyset import Window
from storage.store.backup_days import DayOfBackups, DaysQuery, day_counts, days_of_groups
from storage.store.backup_reads import (
    GroupBackupsRow,
    group_backups_by_id,
    overview_count,
    overview_page,
)

if TYPE_CHECKING:
    from api.graphql.groups import Group

LazyGroup = Annotated["Group", strawberry.lazy("api.graphql.groups")]
DEFAULT_ZONE = "UTC"


@functools.cache
def zone_names() -> frozenset[str]:
    """The zone names of the tz database this process reads (system files, else tzdata)."""
    return frozenset(available_timezones())


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone of this exact name; InvalidInput (INVALID_INPUT, field timeZone) if none."""
    # A set of names, not ZoneInfo(name) alone: that also opens relative file paths.
    if name not in zone_names():
        raise InvalidInput(
            f"{name[:80]!r} is not an IANA time zone name (such as Europe/Paris or UTC).",
            field=["timeZone"],
        )
    return ZoneInfo(name)


async def chosen_zone(info: Info, asked: str | None) -> ZoneInfo:
    """The zone asked for, else the account's (UTC if the tz database no longer has it)."""
    if asked is not None:
        return zone_named(asked)
    own = await info.context.loaders.account.load(info.context.account_id)
    try:
        return zone_named(own.time_zone)
    except InvalidInput:
        return ZoneInfo(DEFAULT_ZONE)


class PageDays:
    """The local days of the groups of one page, each distinct query read once for all."""

    def __init__(self, engine: AsyncEngine, account_id: int, zone: ZoneInfo) -> None:
        self.engine, self.account_id, self.zone = engine, account_id, zone
        self.group_ids: list[int] = []
        self._reads: dict[DaysQuery, asyncio.Future[dict[int, list[DayOfBackups]]]] = {}
        self._counts: asyncio.Future[dict[int, int]] | None = None

    async def days(self, group_id: int, query: DaysQuery) -> list[DayOfBackups]:
        """The group's days `query` selects (read with every other group of the page)."""
        if query not in self._reads:
            self._reads[query] = asyncio.ensure_future(self._read(query))
        return (await self._reads[query]).get(group_id, [])

    async def day_count(self, group_id: int) -> int:
        """How many days with backups the group has."""
        if self._counts is None:
            self._counts = asyncio.ensure_future(self._count())
        return (await self._counts).get(group_id, 0)

    async def _read(self, query: DaysQuery) -> dict[int, list[DayOfBackups]]:
        async with read_transaction(self.engine) as conn:
            return await days_of_groups(
                conn,
                account_id=self.account_id,
                group_ids=self.group_ids,
                zone=self.zone,
                query=query,
            )

    async def _count(self) -> dict[int, int]:
        async with read_transaction(self.engine) as conn:
            return await day_counts(
                conn, account_id=self.account_id, group_ids=self.group_ids, zone=self.zone
            )


@strawberry.type(description="The backups of one group made on one local day, newest first.")
class BackupDay(relay.Node):
    id: relay.NodeID[str]
    date: date = strawberry.field(description="The day, in the time zone of the overview.")
    backups: list[Backup]

    @classmethod
    def of(cls, found: DayOfBackups, zone: ZoneInfo) -> BackupDay:
        return cls(
            id=keyed_node_id(found.group_id, found.day.isoformat(), zone.key),
            date=found.day,
            backups=[Backup.from_row(row) for row in found.backups],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[BackupDay | None]:
        return [await _day_node(info, node_id) for node_id in node_ids]


def _date_key(values: list[Any]) -> date:
    if not isinstance(values[0], str):
        raise TypeError("not a day")
    return date.fromisoformat(values[0])


@strawberry.type(
    description="A group that has backups (deleted ones too), with its backups by local day."
)
class GroupBackups(relay.Node):
    id: relay.NodeID[str]
    group_id: strawberry.ID
    group_name: str = strawberry.field(
        description="The group's name (as it was, for a deleted group)."
    )
    backup_count: int
    latest_backup_at: datetime
    time_zone: str = strawberry.field(description="The IANA time zone of its days.")
    db_group_id: strawberry.Private[int]
    page: strawberry.Private[PageDays]

    @classmethod
    def of(cls, row: GroupBackupsRow, page: PageDays) -> GroupBackups:
        page.group_ids.append(row.group_id)
        return cls(
            id=keyed_node_id(row.group_id, page.zone.key),
            group_id=strawberry.ID(encode_id("Group", row.group_id)),
            group_name=row.group_name,
            backup_count=row.backup_count,
            latest_backup_at=row.latest_backup_at,
            time_zone=page.zone.key,
            db_group_id=row.group_id,
            page=page,
        )

    @strawberry.field(
        description="Every day with backups, newest first (unbounded: pages of days: dayConnection)."
    )
    async def days(self) -> list[BackupDay]:
        found = await self.page.days(self.db_group_id, DaysQuery())
        return [BackupDay.of(day, self.page.zone) for day in found]

    @strawberry.field(description="The days with backups, newest first, by pages.")
    async def day_connection(
        self,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[BackupDay]:
        keyset = Keyset(read=self._read_days, key=lambda d: (d.day.isoformat(),), decode=_date_key)
        return await paged(
            PageArgs(first, after, last, before),
            keyset,
            node=lambda d: BackupDay.of(d, self.page.zone),
            total=lambda: self.page.day_count(self.db_group_id),
        )

    async def _read_days(self, window: Window[date]) -> list[DayOfBackups]:
        query = DaysQuery(window.after, window.before, window.limit, window.backward)
        return await self.page.days(self.db_group_id, query)

    @strawberry.field(description="The group, or null when it is deleted.")
    async def group(self, info: Info) -> LazyGroup | None:
        return await groups.live_group(info, self.db_group_id)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[GroupBackups | None]:
        return [await _group_backups_node(info, node_id) for node_id in node_ids]


async def backup_overview(
    info: Info, args: PageArgs, time_zone: str | None
) -> Connection[GroupBackups]:
    """Groups with backups, the most recently backed-up first, with days in the zone."""
    page = PageDays(
        info.context.engine, info.context.account_id, await chosen_zone(info, time_zone)
    )
    account_id = info.context.account_id
    async with read_transaction(info.context.engine) as conn:

        async def read(window: Window[tuple[datetime, int]]) -> list[GroupBackupsRow]:
            return await overview_page(conn, account_id=account_id, window=window)

        async def total() -> int:
            return await overview_count(conn, account_id=account_id)

        keyset = Keyset(
            read=read, key=lambda r: (r.latest_backup_at.isoformat(), r.group_id), decode=time_key
        )
        return await paged(args, keyset, node=lambda r: GroupBackups.of(r, page), total=total)


def _zone_part(text: str) -> ZoneInfo | None:
    try:
        return zone_named(text)
    except InvalidInput:
        return None


async def _group_backups_node(info: Info, node_id: str) -> GroupBackups | None:
    group_text, _, zone_text = node_id.partition(":")
    group_id, zone = canonical_db_id(group_text), _zone_part(zone_text)
    if group_id is None or zone is None:
        return None
    account_id = info.context.account_id
    async with read_transaction(info.context.engine) as conn:
        found = await group_backups_by_id(conn, account_id=account_id, group_ids=[group_id])
    row = found.get(group_id)
    return GroupBackups.of(row, PageDays(info.context.engine, account_id, zone)) if row else None


async def _day_node(info: Info, node_id: str) -> BackupDay | None:
    parts = node_id.split(":", 2)
    if len(parts) != 3:
        return None
    group_id, day, zone = canonical_db_id(parts[0]), _iso_day(parts[1]), _zone_part(parts[2])
    if group_id is None or day is None or zone is None:
        return None
    page = PageDays(info.context.engine, info.context.account_id, zone)
    page.group_ids.append(group_id)
    found = await page.days(group_id, _one_day(day))
    return BackupDay.of(found[0], zone) if found and found[0].day == day else None


def _iso_day(text: str) -> date | None:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if day.isoformat() == text else None


def _one_day(day: date) -> DaysQuery:
    one = timedelta(days=1)
    older = day + one if day < date.max else None
    newer = day - one if day > date.min else None
    return DaysQuery(older_than=older, newer_than=newer, days=1)
