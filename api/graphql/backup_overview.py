"""The backups page: groups that have backups, each with its backups by local day.

A day is a calendar day of the time zone asked for (`backupOverview(timeZone:)`, else the
account's `timeZone`). `GroupBackups` and `BackupDay` are nodes whose ids name the zone too
(`GroupBackups:<group>:<zone>`, `BackupDay:<group>:<date>:<zone>`): the same group seen in
two zones has other days, so a client cache must not merge them.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo, available_timezones

import strawberry
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry import relay
from strawberry.types.nodes import SelectedField

from api.errors import InvalidInput
from api.global_ids import canonical_db_id, encode_id, global_id_text, keyed_node_id

# The module, not its names (groups.py imports backups.py, which is loaded with this one).
from api.graphql import groups, jobs
from api.graphql.backups import UNREAD, Backup, node_id_field
from api.graphql.context import Context, Info
from api.graphql.pagination import (
    Connection,
    Edge,
    Keyset,
    PageArgs,
    PageArgumentError,
    page_window,
    paged,
    time_key,
)
from storage.db import read_transaction
from storage.jobs import jobs_by_backup_id
from storage.keyset import Window
from storage.models import RecipientGroup
from storage.store.backup_days import (
    DayOfBackups,
    DaysQuery,
    PageOfDays,
    day_counts,
    days_of_groups,
    page_of_days,
)
from storage.store.backup_reads import (
    GroupBackupsRow,
    group_backups_by_id,
    overview_count,
    overview_page,
)

if TYPE_CHECKING:
    from api.graphql.groups import Group
    from api.graphql.jobs import ImportJob

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
    return await zone_of_request(info.context, asked)


async def zone_of_request(context: Context, asked: str | None) -> ZoneInfo:
    """`chosen_zone` for a request's context."""
    if asked is not None:
        return zone_named(asked)
    own = await context.loaders.account.load(context.account_id)
    try:
        return zone_named(own.time_zone)
    except InvalidInput:
        return ZoneInfo(DEFAULT_ZONE)


class PageDays:
    """The local days of the groups of one page, each distinct query read once for all,
    and the live groups the page has read (their backups show them)."""

    def __init__(
        self,
        engine: AsyncEngine,
        account_id: int,
        zone: ZoneInfo,
        live_groups: dict[int, Group | None] | None = None,
    ) -> None:
        self.engine, self.account_id, self.zone = engine, account_id, zone
        self.group_ids: list[int] = []
        self.live_groups = live_groups or {}
        # The jobs of the backups read with the page (by backup id), when its query asks.
        self.jobs_of_backups: dict[int, ImportJob] | None = None
        # The day pages built with the overview's read, by group and arguments.
        self.day_pages: dict[tuple[int, PageArgs], Connection[BackupDay]] = {}
        self._reads: dict[DaysQuery, asyncio.Future[dict[int, list[DayOfBackups]]]] = {}
        self._counts: asyncio.Future[dict[int, int]] | None = None

    def take(self, found: PageOfDays) -> None:
        """Days and counts already read: `days` and `day_count` answer from them."""
        for query, days in found.days.items():
            self._reads[query] = _done(days)
        self._counts = _done(found.counts)

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

    def day(self, found: DayOfBackups) -> BackupDay:
        """The BackupDay of `found`, its backups showing the group when the page read it."""
        group = self.live_groups.get(found.group_id, UNREAD)
        made_by = self.jobs_of_backups
        node_id = keyed_node_id(found.group_id, found.day.isoformat(), self.zone.key)
        return BackupDay(
            id=node_id,
            _id=_global_id("BackupDay", node_id),
            date=found.day,
            backups=[
                Backup.from_read_row(row, group, UNREAD if made_by is None else made_by.get(row.id))
                for row in found.backups
            ],
        )

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


# The ids, the group and the days' backups are plain attributes, set when the object is
# made: the page resolves ~6,000 fields, and a resolver per field (an Info object, a
# coroutine for graphql-core to await) cost most of its time.


@strawberry.type(description="The backups of one group made on one local day, newest first.")
class BackupDay(relay.Node):
    id: relay.NodeID[str]
    _id: strawberry.ID = node_id_field()
    date: date = strawberry.field(description="The day, in the time zone of the overview.")
    backups: list[Backup]

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
    _id: strawberry.ID = node_id_field()
    group_id: strawberry.ID
    group_name: str = strawberry.field(
        description="The group's name (as it was, for a deleted group)."
    )
    backup_count: int
    latest_backup_at: datetime
    time_zone: str = strawberry.field(description="The IANA time zone of its days.")
    db_group_id: strawberry.Private[int]
    page: strawberry.Private[PageDays]
    live_group: strawberry.Private[Group | None]

    @classmethod
    def of(cls, row: GroupBackupsRow, page: PageDays, group: Group | None) -> GroupBackups:
        page.group_ids.append(row.group_id)
        node_id = keyed_node_id(row.group_id, page.zone.key)
        return cls(
            id=node_id,
            _id=_global_id("GroupBackups", node_id),
            group_id=strawberry.ID(encode_id("Group", row.group_id)),
            group_name=row.group_name,
            backup_count=row.backup_count,
            latest_backup_at=row.latest_backup_at,
            time_zone=page.zone.key,
            db_group_id=row.group_id,
            page=page,
            live_group=group,
        )

    @strawberry.field(
        description="Every day with backups, newest first (unbounded: pages of days: dayConnection)."
    )
    async def days(self) -> list[BackupDay]:
        found = await self.page.days(self.db_group_id, DaysQuery())
        return [self.page.day(day) for day in found]

    # The pages the overview's query asks for are built with the overview's read and only
    # returned here. Async all the same: a sync field lets graphql-core complete the whole
    # page in one deep recursion, and CPython 3.11 unmaps and maps again a frame-stack chunk
    # each time a recursion crosses a chunk's end (measured: ~10,000 page faults and 90 ms
    # of CPU more per request); an awaited field completes its days from the event loop's
    # shallow stack.
    @strawberry.field(description="The days with backups, newest first, by pages.")
    async def day_connection(
        self,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[BackupDay]:
        args = PageArgs(first, after, last, before)
        built = self.page.day_pages.get((self.db_group_id, args))
        return built if built is not None else await self.day_page(args)

    async def day_page(self, args: PageArgs) -> Connection[BackupDay]:
        """The page of days `args` asks for."""
        keyset = Keyset(read=self._read_days, key=lambda d: (d.day.isoformat(),), decode=_date_key)
        return await paged(
            args,
            keyset,
            node=self.page.day,
            total=lambda: self.page.day_count(self.db_group_id),
        )

    async def _read_days(self, window: Window[date]) -> list[DayOfBackups]:
        return await self.page.days(self.db_group_id, _days_query(window))

    # A resolver (50 calls a page) rather than a field: the schema keeps its field order.
    @strawberry.field(description="The group, or null when it is deleted.")
    def group(self) -> LazyGroup | None:
        return self.live_group

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[GroupBackups | None]:
        return [await _group_backups_node(info, node_id) for node_id in node_ids]


async def backup_overview(
    info: Info, args: PageArgs, time_zone: str | None
) -> Connection[GroupBackups]:
    """Groups with backups, the most recently backed-up first, with days in the zone.

    One transaction reads the page, its live groups and the days its query asks for
    (`dayConnection`'s arguments, read from the query), so the day pages are built here.
    """
    zone = await chosen_zone(info, time_zone)
    return await overview_connection(info.context, args, zone, _asked_days(info))


async def overview_connection(
    context: Context, args: PageArgs, zone: ZoneInfo, asked: AskedDays
) -> Connection[GroupBackups]:
    """`backup_overview` for a request's context, a zone and what its query asks of days
    (also the compiled BackupsPage's read: api/graphql/compiled_query.py)."""
    account_id = context.account_id
    day_queries = asked.queries
    # The page's statement also reads its groups (their names, the live ones) and counts the
    # groups in the window's bounds: a window without bounds (a first page, its read the only
    # one) runs no count statement.
    counted: list[int] = []
    live: dict[int, RecipientGroup] = {}
    async with read_transaction(context.engine) as conn:

        async def read(window: Window[tuple[datetime, int]]) -> list[GroupBackupsRow]:
            found = await overview_page(conn, account_id=account_id, window=window)
            if window.after is None and window.before is None:
                counted.append(found.in_window)
            live.update(found.live_groups)
            return found.rows

        async def total() -> int:
            if counted:
                return counted[0]
            return await overview_count(conn, account_id=account_id)

        keyset = Keyset(
            read=read, key=lambda r: (r.latest_backup_at.isoformat(), r.group_id), decode=time_key
        )
        rows = await paged(args, keyset, node=lambda r: r, total=total)
        ids = [edge.node.group_id for edge in rows.edges]
        days, made_by = None, None
        if ids and day_queries:
            queries = list(set(day_queries.values()))
            days = await page_of_days(
                conn, account_id=account_id, group_ids=ids, zone=zone, queries=queries
            )
            if asked.jobs:
                backup_ids = [
                    b.id
                    for d in days.days.values()
                    for g in d.values()
                    for day in g
                    for b in day.backups
                ]
                made_by = await jobs_by_backup_id(
                    conn, account_id=account_id, backup_ids=backup_ids
                )
    live_groups = {g: groups.Group.from_row(live[g]) if g in live else None for g in ids}
    page = PageDays(context.engine, account_id, zone, live_groups)
    edges = [
        Edge(node=GroupBackups.of(e.node, page, live_groups[e.node.group_id]), cursor=e.cursor)
        for e in rows.edges
    ]
    if made_by is not None:
        page.jobs_of_backups = {b: jobs.ImportJob.from_row(row) for b, row in made_by.items()}
    if days is not None:
        page.take(days)
        for edge in edges:
            for day_args in day_queries:  # no read: the days are taken
                built = await edge.node.day_page(day_args)
                page.day_pages[edge.node.db_group_id, day_args] = built
    return Connection(edges=edges, page_info=rows.page_info, total_count=rows.total_count)


@dataclass(frozen=True)
class AskedDays:
    """What the overview's query asks of the days: each `dayConnection`'s arguments with
    the days they read, and whether it selects the backups' jobs."""

    queries: dict[PageArgs, DaysQuery]
    jobs: bool


def _asked_days(info: Info) -> AskedDays:
    asked: list[PageArgs] = []
    wants_jobs = False
    stack = [(s, False) for s in info.selected_fields]
    while stack:
        selection, in_days = stack.pop()
        if isinstance(selection, SelectedField) and selection.name == "dayConnection":
            in_days = True
            args = _page_args(selection.arguments)
            if args is not None:
                asked.append(args)
        elif isinstance(selection, SelectedField) and selection.name == "job":
            wants_jobs = wants_jobs or in_days
        stack.extend((s, in_days) for s in selection.selections)
    return asked_days(asked, jobs=wants_jobs)


def asked_days(asked: Iterable[PageArgs], *, jobs: bool) -> AskedDays:
    """What a query asks of the days: the days each `dayConnection`'s arguments read, and
    whether it selects the backups' jobs."""
    # Arguments a page refuses are left to `dayConnection` to report.
    queries: dict[PageArgs, DaysQuery] = {}
    for args in asked:
        with contextlib.suppress(PageArgumentError):
            queries[args] = _days_query(page_window(args, _date_key))
    return AskedDays(queries, jobs)


def _page_args(arguments: dict[str, Any]) -> PageArgs | None:
    # Literals come as their text (`first: 7` gives "7"), variables as their values.
    try:
        first, last = (_int_or_none(arguments.get(name)) for name in ("first", "last"))
    except ValueError:
        return None
    after, before = arguments.get("after"), arguments.get("before")
    if not all(v is None or isinstance(v, str) for v in (after, before)):
        return None
    return PageArgs(first, after, last, before)


def _int_or_none(value: object) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    raise ValueError("not an Int")


def _days_query(window: Window[date]) -> DaysQuery:
    return DaysQuery(window.after, window.before, window.limit, window.backward)


def _global_id(type_name: str, node_id: str) -> strawberry.ID:
    return strawberry.ID(global_id_text(type_name, node_id))


def _done(value: Any) -> asyncio.Future[Any]:
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    future.set_result(value)
    return future


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
    if row is None:
        return None
    group = await groups.live_group(info, group_id)
    return GroupBackups.of(row, PageDays(info.context.engine, account_id, zone), group)


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
    return page.day(found[0]) if found and found[0].day == day else None


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
