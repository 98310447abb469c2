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


async def backups_by_id(
    conn: AsyncConnection, *, account_id: int, ids: Sequence[int]
) -> dict[int, Backup]:
    """This account's backups among `ids`."""
    wanted = possible_ids(ids)
    if not wanted:
        return {}
    query = select(Backup).where(col(Backup.account_id) == account_id, col(Backup.id).in_(wanted))
    return {b.id: b for b in await fetch_models(conn, query)}


async def backup_by_id(conn: AsyncConnection, *, backup_id: int) -> Backup | None:
    """A backup whatever its account (the signed download URL names the account)."""
    if not possible_ids([backup_id]):
        return None
    return await fetch_model(conn, select(Backup).where(col(Backup.id) == backup_id))


async def backups_page(
    conn: AsyncConnection,
    *,
    account_id: int,
    group_id: int | None,
    first: int,
    before: tuple[datetime, int] | None,
) -> tuple[list[Backup], int]:
    """Backups newest first (optionally of one group), after a keyset; and their total."""
    mine = [col(Backup.account_id) == account_id]
    if group_id is not None:
        mine.append(col(Backup.group_id) == group_id)
    at, before_id = before if before else (FAR_FUTURE, MAX_ID)
    created = col(Backup.created_at)
    after_keyset = sa.or_(created < at, sa.and_(created == at, col(Backup.id) < before_id))
    page = select(Backup).where(*mine, after_keyset).order_by(*NEWEST_FIRST).limit(first + 1)
    total = await conn.scalar(select(sa.func.count()).select_from(Backup).where(*mine))
    return await fetch_models(conn, page), int(total or 0)


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
    group_id, latest = col(Backup.group_id), sa.func.max(Backup.created_at)
    page = (
        select(group_id, sa.func.count(), latest)
        .where(col(Backup.account_id) == account_id)
        .group_by(group_id)
        .having(sa.or_(latest < at, sa.and_(latest == at, group_id < before_gid)))
        .order_by(latest.desc(), group_id.desc())
        .limit(first + 1)
    )
    found = [(g, n, newest) for g, n, newest in await conn.execute(page)]
    names = await _latest_names(conn, account_id=account_id, group_ids=[g for g, _, _ in found])
    total = await conn.scalar(
        select(sa.func.count(sa.distinct(col(Backup.group_id)))).where(
            col(Backup.account_id) == account_id
        )
    )
    result = [GroupBackupsRow(g, names.get(g, ""), n, newest) for g, n, newest in found]
    return result, int(total or 0)


async def _latest_names(
    conn: AsyncConnection, *, account_id: int, group_ids: Sequence[int]
) -> dict[int, str]:
    """Each group's name as of its latest backup (deleted groups keep the name they had)."""
    if not group_ids:
        return {}
    rows = await conn.execute(
        select(RecipientGroup.id, RecipientGroup.name).where(
            col(RecipientGroup.account_id) == account_id,
            col(RecipientGroup.id).in_(list(group_ids)),
        )
    )
    return {group_id: name for group_id, name in rows}


async def backups_of_groups(
    conn: AsyncConnection, *, account_id: int, group_ids: Sequence[int]
) -> dict[int, list[Backup]]:
    """All backups of these groups, newest first, in one query."""
    result: dict[int, list[Backup]] = {g: [] for g in group_ids}
    wanted = possible_ids(group_ids)
    if not wanted:
        return result
    query = (
        select(Backup)
        .where(col(Backup.account_id) == account_id, col(Backup.group_id).in_(wanted))
        .order_by(*NEWEST_FIRST)
    )
    for backup in await fetch_models(conn, query):
        result[backup.group_id].append(backup)
    return result
