"""Read queries on backups: from the backup table and its indexes only.

The rows are `Backup` models (`BackupRow` names them where the API has a GraphQL type of
that name).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeAlias

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select

from storage.keyset import Window
from storage.models import Backup, RecipientGroup
from storage.sql import MAX_ID, as_utc, fetch_model, fetch_models, models_of_rows, possible_ids

BackupRow: TypeAlias = Backup
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)
FAR_PAST = datetime(1, 1, 2, tzinfo=UTC)
NEWEST_FIRST = (col(Backup.created_at).desc(), col(Backup.id).desc())
OLDEST_FIRST = (col(Backup.created_at).asc(), col(Backup.id).asc())
# A (time, id) key of a newest-first list; `after` is the older side (Window's list order).
TimeKey: TypeAlias = tuple[datetime, int]
NO_OLDER_BOUND: TimeKey = (FAR_FUTURE, MAX_ID)
NO_NEWER_BOUND: TimeKey = (FAR_PAST, 0)

# Built once (see storage.sql.fetch_models): the backups overview and the GraphQL loaders
# run these per request.
_ACCOUNT_ID: sa.BindParameter[int] = sa.bindparam("account_id")
_IDS: sa.BindParameter[list[int]] = sa.bindparam("ids", expanding=True)
_MINE = col(Backup.account_id) == _ACCOUNT_ID
_OF_GROUP = col(Backup.group_id) == sa.bindparam("group_id")
_BY_IDS = select(Backup).where(_MINE, col(Backup.id).in_(_IDS))
_BY_ID = select(Backup).where(col(Backup.id) == sa.bindparam("backup_id")).limit(1)
_created = col(Backup.created_at)


def _older_than(time: Any, key: Any, at: str, key_at: str) -> sa.ColumnElement[bool]:
    # The first term lets the index range start at the bound (the OR alone would not).
    at_param: sa.BindParameter[Any] = sa.bindparam(at)
    key_param: sa.BindParameter[Any] = sa.bindparam(key_at)
    exact = sa.or_(time < at_param, sa.and_(time == at_param, key < key_param))
    return sa.and_(time <= at_param, exact)


def _newer_than(time: Any, key: Any, at: str, key_at: str) -> sa.ColumnElement[bool]:
    at_param: sa.BindParameter[Any] = sa.bindparam(at)
    key_param: sa.BindParameter[Any] = sa.bindparam(key_at)
    exact = sa.or_(time > at_param, sa.and_(time == at_param, key > key_param))
    return sa.and_(time >= at_param, exact)


_IN_WINDOW = (
    _older_than(_created, col(Backup.id), "older_at", "older_id"),
    _newer_than(_created, col(Backup.id), "newer_at", "newer_id"),
)
_PAGE = select(Backup).where(_MINE, *_IN_WINDOW).limit(sa.bindparam("limit"))
_PAGES = {
    (backward, one_group): (_PAGE.where(_OF_GROUP) if one_group else _PAGE).order_by(
        *(OLDEST_FIRST if backward else NEWEST_FIRST)
    )
    for backward in (False, True)
    for one_group in (False, True)
}
_ALL_COUNT = select(sa.func.count()).select_from(Backup).where(_MINE)
_GROUP_COUNT = _ALL_COUNT.where(_OF_GROUP)
_group_id, _latest = col(Backup.group_id), sa.func.max(Backup.created_at)


def _counted_overview(backward: bool) -> sa.Select[Any]:
    # Groups with backups, the most recently backed-up first, with each group's name (as
    # _latest_names reads it) and, in every row, how many groups pass the window's bounds
    # (`count(*) OVER ()`: after HAVING, before LIMIT): one statement where a first page took
    # three (page, names, count).
    page = (
        sa.select(
            _group_id.label("group_id"),
            sa.func.count().label("backups"),
            _latest.label("latest"),
            sa.func.count().over().label("in_window"),
        )
        .where(_MINE)
        .group_by(_group_id)
        .having(
            _older_than(_latest, _group_id, "older_at", "older_id"),
            _newer_than(_latest, _group_id, "newer_at", "newer_id"),
        )
        .order_by(
            *((_latest.asc(), _group_id.asc()) if backward else (_latest.desc(), _group_id.desc()))
        )
        .limit(sa.bindparam("limit"))
        .subquery("page")
    )
    c = page.c
    groups: sa.Table = RecipientGroup.__table__  # type: ignore[attr-defined]
    joined = page.outerjoin(
        groups, sa.and_(groups.c.id == c.group_id, groups.c.account_id == _ACCOUNT_ID)
    )
    order = (c.latest.asc(), c.group_id.asc()) if backward else (c.latest.desc(), c.group_id.desc())
    return (
        sa.select(
            c.group_id, c.backups, c.latest, c.in_window, *[groups.c[f] for f in _GROUP_FIELDS]
        )
        .select_from(joined)
        .order_by(*order)
    )


_GROUP_FIELDS = tuple(RecipientGroup.model_fields)
_group_models = models_of_rows(RecipientGroup)


_COUNTED_OVERVIEW = {backward: _counted_overview(backward) for backward in (False, True)}
_OVERVIEW_COUNT = select(sa.func.count(sa.distinct(_group_id))).where(_MINE)
_OVERVIEW_OF_GROUPS = (
    select(_group_id, sa.func.count(), _latest)
    .where(_MINE, _group_id.in_(_IDS))
    .group_by(_group_id)
)
_GROUP_NAMES = select(RecipientGroup.id, RecipientGroup.name).where(
    col(RecipientGroup.account_id) == _ACCOUNT_ID, col(RecipientGroup.id).in_(_IDS)
)
_OF_GROUPS = select(Backup).where(_MINE, col(Backup.group_id).in_(_IDS)).order_by(*NEWEST_FIRST)
_SPAN = select(
    select(sa.func.min(_created)).where(_MINE).scalar_subquery(),
    select(sa.func.max(_created)).where(_MINE).scalar_subquery(),
)


def _window_params(window: Window[TimeKey]) -> dict[str, object]:
    older_at, older_id = window.after or NO_OLDER_BOUND
    newer_at, newer_id = window.before or NO_NEWER_BOUND
    return {
        "older_at": older_at,
        "older_id": older_id,
        "newer_at": newer_at,
        "newer_id": newer_id,
        "limit": window.limit,
    }


async def backups_by_id(
    conn: AsyncConnection, *, account_id: int, ids: Sequence[int]
) -> dict[int, Backup]:
    """This account's backups among `ids`."""
    wanted = possible_ids(ids)
    if not wanted:
        return {}
    found = await fetch_models(conn, _BY_IDS, {"account_id": account_id, "ids": wanted})
    return {b.id: b for b in found}


async def backup_by_id(conn: AsyncConnection, *, backup_id: int) -> Backup | None:
    """A backup whatever its account (the signed download URL names the account)."""
    if not possible_ids([backup_id]):
        return None
    return await fetch_model(conn, _BY_ID, {"backup_id": backup_id})


async def backups_window(
    conn: AsyncConnection, *, account_id: int, group_id: int | None, window: Window[TimeKey]
) -> list[Backup]:
    """Backups newest first (optionally of one group), in the keyset window."""
    params: dict[str, object] = {"account_id": account_id, **_window_params(window)}
    if group_id is not None:
        params["group_id"] = group_id
    return await fetch_models(conn, _PAGES[window.backward, group_id is not None], params)


async def backups_page(
    conn: AsyncConnection,
    *,
    account_id: int,
    group_id: int | None,
    first: int,
    before: TimeKey | None,
) -> tuple[list[Backup], int]:
    """Backups newest first (optionally of one group), after a keyset; and their total."""
    window = Window(after=before, before=None, limit=first + 1)
    total = await backup_count(conn, account_id=account_id, group_id=group_id)
    rows = await backups_window(conn, account_id=account_id, group_id=group_id, window=window)
    return rows, total


async def backup_count(conn: AsyncConnection, *, account_id: int, group_id: int | None) -> int:
    """How many backups the account has (of one group)."""
    mine: dict[str, object] = {"account_id": account_id}
    if group_id is not None:
        mine["group_id"] = group_id
    total = await conn.scalar(_ALL_COUNT if group_id is None else _GROUP_COUNT, mine)
    return int(total or 0)


@dataclass(frozen=True)
class GroupBackupsRow:
    """A group that has backups, with how many and the latest."""

    group_id: int
    group_name: str
    backup_count: int
    latest_backup_at: datetime


@dataclass(frozen=True)
class OverviewPage:
    """A window of the groups with backups, how many groups pass its bounds (all those with
    backups when it has none) and the window's groups that are not deleted, by id."""

    rows: list[GroupBackupsRow]
    in_window: int
    live_groups: dict[int, RecipientGroup]


async def overview_page(
    conn: AsyncConnection, *, account_id: int, window: Window[TimeKey]
) -> OverviewPage:
    """Groups with backups, the most recently backed-up first, in the keyset window, with
    the number of groups in its bounds and its live groups, read in one statement."""
    params = {"account_id": account_id, **_window_params(window)}
    found = (await conn.execute(_COUNTED_OVERVIEW[window.backward], params)).all()
    # Each row: the group's id, backups, latest and the window's count, then its group's
    # columns (all null when the group row is gone).
    joined = [row[4:] for row in found if row[4] is not None]
    groups = {group.id: group for group in _group_models(_GROUP_FIELDS, joined)}
    rows = [
        GroupBackupsRow(g, groups[g].name if g in groups else "", n, newest)
        for g, n, newest, *_ in found
    ]
    live = {i: group for i, group in groups.items() if group.deleted_at is None}
    in_window = found[-1][3] if found else 0
    return OverviewPage(rows, in_window, live)


async def overview_count(conn: AsyncConnection, *, account_id: int) -> int:
    """How many groups have backups."""
    return int(await conn.scalar(_OVERVIEW_COUNT, {"account_id": account_id}) or 0)


async def group_backups_by_id(
    conn: AsyncConnection, *, account_id: int, group_ids: Sequence[int]
) -> dict[int, GroupBackupsRow]:
    """The account's groups among `group_ids` that have backups (deleted ones too)."""
    wanted = possible_ids(group_ids)
    if not wanted:
        return {}
    found = list(await conn.execute(_OVERVIEW_OF_GROUPS, {"account_id": account_id, "ids": wanted}))
    names = await _latest_names(conn, account_id=account_id, group_ids=[g for g, _, _ in found])
    return {g: GroupBackupsRow(g, names.get(g, ""), n, newest) for g, n, newest in found}


async def _latest_names(
    conn: AsyncConnection, *, account_id: int, group_ids: Sequence[int]
) -> dict[int, str]:
    """Each group's name as of its latest backup (deleted groups keep the name they had)."""
    if not group_ids:
        return {}
    rows = await conn.execute(_GROUP_NAMES, {"account_id": account_id, "ids": list(group_ids)})
    return {group_id: name for group_id, name in rows}


async def backups_of_groups(
    conn: AsyncConnection, *, account_id: int, group_ids: Sequence[int]
) -> dict[int, list[Backup]]:
    """All backups of these groups, newest first, in one query."""
    result: dict[int, list[Backup]] = {g: [] for g in group_ids}
    wanted = possible_ids(group_ids)
    if not wanted:
        return result
    for backup in await fetch_models(conn, _OF_GROUPS, {"account_id": account_id, "ids": wanted}):
        result[backup.group_id].append(backup)
    return result


async def backup_span(
    conn: AsyncConnection, *, account_id: int
) -> tuple[datetime, datetime] | None:
    """The times of the account's oldest and newest backups; None when it has none."""
    oldest, newest = (await conn.execute(_SPAN, {"account_id": account_id})).one()
    if oldest is None or newest is None:
        return None
    return as_utc(oldest) or oldest, as_utc(newest) or newest
