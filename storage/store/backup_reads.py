"""Read queries on backups: from the backup table and its indexes only.

The rows are `Backup` models (`BackupRow` names them where the API has a GraphQL type of
that name).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeAlias

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select

from storage.models import Backup, RecipientGroup
from storage.sql import MAX_ID, fetch_model, fetch_models, possible_ids

BackupRow: TypeAlias = Backup
FAR_FUTURE = datetime(9999, 1, 1)
NEWEST_FIRST = (col(Backup.created_at).desc(), col(Backup.id).desc())

# Built once (see storage.sql.fetch_models): the backups overview and the GraphQL loaders
# run these per request.
_ACCOUNT_ID: sa.BindParameter[int] = sa.bindparam("account_id")
_IDS: sa.BindParameter[list[int]] = sa.bindparam("ids", expanding=True)
_MINE = col(Backup.account_id) == _ACCOUNT_ID
_OF_GROUP = col(Backup.group_id) == sa.bindparam("group_id")
_BY_IDS = select(Backup).where(_MINE, col(Backup.id).in_(_IDS))
_BY_ID = select(Backup).where(col(Backup.id) == sa.bindparam("backup_id")).limit(1)
_created = col(Backup.created_at)
_AFTER_KEYSET = sa.or_(
    _created < sa.bindparam("at"),
    sa.and_(_created == sa.bindparam("at"), col(Backup.id) < sa.bindparam("before_id")),
)
_PAGE = select(Backup).where(_MINE, _AFTER_KEYSET).order_by(*NEWEST_FIRST)
_ALL_PAGE = _PAGE.limit(sa.bindparam("limit"))
_GROUP_PAGE = _PAGE.where(_OF_GROUP).limit(sa.bindparam("limit"))
_ALL_COUNT = select(sa.func.count()).select_from(Backup).where(_MINE)
_GROUP_COUNT = _ALL_COUNT.where(_OF_GROUP)
_group_id, _latest = col(Backup.group_id), sa.func.max(Backup.created_at)
_OVERVIEW_PAGE = (
    select(_group_id, sa.func.count(), _latest)
    .where(_MINE)
    .group_by(_group_id)
    .having(
        sa.or_(
            _latest < sa.bindparam("at"),
            sa.and_(_latest == sa.bindparam("at"), _group_id < sa.bindparam("before_gid")),
        )
    )
    .order_by(_latest.desc(), _group_id.desc())
    .limit(sa.bindparam("limit"))
)
_OVERVIEW_COUNT = select(sa.func.count(sa.distinct(_group_id))).where(_MINE)
_GROUP_NAMES = select(RecipientGroup.id, RecipientGroup.name).where(
    col(RecipientGroup.account_id) == _ACCOUNT_ID, col(RecipientGroup.id).in_(_IDS)
)
_OF_GROUPS = select(Backup).where(_MINE, col(Backup.group_id).in_(_IDS)).order_by(*NEWEST_FIRST)


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


async def backups_page(
    conn: AsyncConnection,
    *,
    account_id: int,
    group_id: int | None,
    first: int,
    before: tuple[datetime, int] | None,
) -> tuple[list[Backup], int]:
    """Backups newest first (optionally of one group), after a keyset; and their total."""
    at, before_id = before if before else (FAR_FUTURE, MAX_ID)
    mine: dict[str, object] = {"account_id": account_id}
    if group_id is not None:
        mine["group_id"] = group_id
    page, count = (_ALL_PAGE, _ALL_COUNT) if group_id is None else (_GROUP_PAGE, _GROUP_COUNT)
    keyset = {**mine, "at": at, "before_id": before_id, "limit": first + 1}
    total = await conn.scalar(count, mine)
    return await fetch_models(conn, page, keyset), int(total or 0)


@dataclass(frozen=True)
class GroupBackupsRow:
    """A group that has backups, with how many and the latest."""

    group_id: int
    group_name: str
    backup_count: int
    latest_backup_at: datetime


async def overview_page(
    conn: AsyncConnection, *, account_id: int, first: int, before: tuple[datetime, int] | None
) -> tuple[list[GroupBackupsRow], int]:
    """Groups with backups, the most recently backed-up first; and how many there are."""
    at, before_gid = before if before else (FAR_FUTURE, MAX_ID)
    keyset = {"account_id": account_id, "at": at, "before_gid": before_gid, "limit": first + 1}
    found = [(g, n, newest) for g, n, newest in await conn.execute(_OVERVIEW_PAGE, keyset)]
    names = await _latest_names(conn, account_id=account_id, group_ids=[g for g, _, _ in found])
    total = await conn.scalar(_OVERVIEW_COUNT, {"account_id": account_id})
    result = [GroupBackupsRow(g, names.get(g, ""), n, newest) for g, n, newest in found]
    return result, int(total or 0)


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
