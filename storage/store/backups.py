"""Backup rows: taking one is O(1), a row pointing at a group's seq; API writes take one a window."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select

from storage.models import Account, Backup
from storage.sql import as_utc
from storage.store.write_path import LockedGroup


class BackupReason(enum.StrEnum):
    """Why a backup was made: the `reason` column's values."""

    IMPORT = "IMPORT"
    GROUP_DELETION = "GROUP_DELETION"
    RESTORE = "RESTORE"
    # A write through the API (upsertRecipients, updateRecipient...), at most one per window.
    API = "API"


async def take_backup(
    conn: AsyncConnection, *, group: LockedGroup, reason: BackupReason, now: datetime
) -> int | None:
    """Record the group's state before this write, if both switches are on; its id."""
    if not group.backups_active:
        return None
    result = await conn.execute(
        sa.insert(Backup)
        .values(
            account_id=group.account_id,
            group_id=group.id,
            group_name=group.name,
            reason=reason,
            seq=group.previous_seq,
            recipient_count=group.recipient_count,
            attribute_names=orjson.dumps(list(group.attribute_names)).decode(),
            created_at=now,
            expires_at=now + timedelta(days=group.retention_days),
        )
        .returning(col(Backup.id))
    )
    return int(result.scalar_one())


# Built once (see storage.sql.fetch_models): every API write asks them.
_WINDOW_MINUTES = select(Account.api_backup_window_minutes).where(
    col(Account.id) == sa.bindparam("account_id")
)
_LATEST_BACKUP_AT = select(sa.func.max(col(Backup.created_at))).where(
    col(Backup.group_id) == sa.bindparam("group_id")
)


async def api_backup_due(conn: AsyncConnection, *, group: LockedGroup, now: datetime) -> bool:
    """Whether an API write must back the group up: no backup, or the latest one is at
    least the account's window old (a busy integration makes one backup a window)."""
    if not group.backups_active:
        return False
    latest = as_utc(await conn.scalar(_LATEST_BACKUP_AT, {"group_id": group.id}))
    if latest is None:
        return True
    minutes = await conn.scalar(_WINDOW_MINUTES, {"account_id": group.account_id})
    return now - latest >= timedelta(minutes=minutes or 0)  # no account row: back up


async def take_api_backup(
    conn: AsyncConnection, *, group: LockedGroup, now: datetime
) -> int | None:
    """Back the group up before an API write when one is due (`api_backup_due`); its id."""
    if not await api_backup_due(conn, group=group, now=now):
        return None
    return await take_backup(conn, group=group, reason=BackupReason.API, now=now)
